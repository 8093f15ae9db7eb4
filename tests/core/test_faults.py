"""Faults in the middle of a scrape, for the two database exporters: the server
freezes while a scrape waits on it and is then killed outright. The scrape in
flight must still answer 200 with *_up 0 inside its deadline, the exporter must
keep running, and once the server is back every family returns."""
import concurrent.futures
import contextlib
import glob
import os
import signal
import time
import unittest

import harness

SCRAPE_TIMEOUT = 3.0
HEADERS = {"X-Prometheus-Scrape-Timeout-Seconds": str(SCRAPE_TIMEOUT)}


def timed_scrape(exporter):
    start = time.monotonic()
    status, text = exporter.scrape(headers=HEADERS, timeout=SCRAPE_TIMEOUT + 5)
    return status, text, time.monotonic() - start


def gone_or_zombie(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def signal_all(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


class DatabaseDiesMidScrape(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.databases = harness.ExporterDatabases()

    @classmethod
    def tearDownClass(cls):
        cls.databases.cleanup()

    def check(self, binary, server, up_family):
        exporter = self.databases.start(binary)
        self.addCleanup(exporter.stop)
        status, text, _ = timed_scrape(exporter)
        self.assertEqual(status, 200)
        healthy = harness.parse_metrics(text)
        self.assertEqual(harness.sample_value(healthy, up_family), 1)

        # Freeze the whole server, start a scrape that waits on it, then kill the server under it.
        tree = harness.process_tree(server.process.pid)
        signal_all(tree, signal.SIGSTOP)
        try:
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                in_flight = pool.submit(timed_scrape, exporter)
                time.sleep(0.7)
                self.assertFalse(in_flight.done(), "the scrape should be waiting on the frozen server")
                signal_all(tree, signal.SIGKILL)
                status, text, elapsed = in_flight.result()
        finally:
            server.process.stop()  # reaps it
            server.process = None
        self.assertEqual(status, 200)
        self.assertEqual(harness.sample_value(harness.parse_metrics(text), up_family), 0)
        self.assertLess(elapsed, SCRAPE_TIMEOUT + 0.5)

        # While the server is gone: answered at once, still up 0.
        status, text, elapsed = timed_scrape(exporter)
        self.assertEqual(status, 200)
        self.assertEqual(harness.sample_value(harness.parse_metrics(text), up_family), 0)
        self.assertLess(elapsed, SCRAPE_TIMEOUT + 0.5)

        # Back after crash recovery: same exporter process, every family it had before.
        # The killed postmaster may linger as a zombie where nothing reaps
        # orphans, and PostgreSQL would take its lock files for a live server.
        harness.wait_for(lambda: all(gone_or_zombie(pid) for pid in tree), timeout=10, what="the server to die")
        for lock in [os.path.join(server.datadir, "postmaster.pid")] + glob.glob(os.path.join(server.dir, ".s.*.lock")):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock)
        server.start()
        harness.wait_for(lambda: harness.sample_value(exporter.metrics(headers=HEADERS), up_family) == 1,
                         timeout=30, what=up_family + " to return to 1")
        self.assertTrue(exporter.process.alive())
        recovered = exporter.metrics(headers=HEADERS)
        self.assertEqual(sorted(set(healthy) - set(recovered)), [])

    def test_mysqld_exporter(self):
        self.check("mysqld_exporter", self.databases.mariadb, "mysql_up")

    def test_postgres_exporter(self):
        self.check("postgres_exporter", self.databases.postgres, "pg_up")


if __name__ == "__main__":
    unittest.main(verbosity=2)
