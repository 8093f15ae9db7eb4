"""Soak: 3,000 scrapes with resident memory flat (growth under 1 MB after
warm-up), and 16 concurrent scrapers with no failed request, for each exporter."""
import concurrent.futures
import os
import unittest

import harness

# Under AddressSanitizer, freed memory sits in quarantine and resident memory
# says nothing of leaks (LeakSanitizer checks those at exit): fewer scrapes, no
# memory check.
SCRAPES = 300 if harness.SANITIZED else 3000
WARMUP = 30 if harness.SANITIZED else 300
CONCURRENT = 16
CONCURRENT_REQUESTS = 480


def rss_bytes(pid):
    with open("/proc/%d/statm" % pid) as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Soak(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.databases = harness.ExporterDatabases()

    @classmethod
    def tearDownClass(cls):
        cls.databases.cleanup()

    def soak(self, exporter, up_family):
        self.addCleanup(exporter.stop)
        headers = {"Accept-Encoding": "gzip", "X-Prometheus-Scrape-Timeout-Seconds": "10"}
        for _ in range(WARMUP):
            status, text = exporter.scrape(headers=headers)
            self.assertEqual(status, 200)
        self.assertEqual(harness.sample_value(harness.parse_metrics(text), up_family), 1, up_family)
        before = rss_bytes(exporter.process.pid)
        failures = 0
        for _ in range(SCRAPES):
            status, _ = exporter.scrape(headers=headers)
            failures += status != 200
        after = rss_bytes(exporter.process.pid)
        self.assertEqual(failures, 0)
        growth = after - before
        print("%s: RSS %.2f MB -> %.2f MB over %d scrapes (growth %+d kB)"
              % (exporter.process.argv[0].rsplit("/", 1)[-1], before / 1e6, after / 1e6, SCRAPES, growth // 1024))
        if not harness.SANITIZED:
            self.assertLess(growth, 1 << 20)

        def one(_):
            try:
                return exporter.scrape(headers=headers, timeout=30)[0]
            except Exception as error:  # a refused or reset connection is a failure too
                return repr(error)

        with concurrent.futures.ThreadPoolExecutor(CONCURRENT) as pool:
            codes = list(pool.map(one, range(CONCURRENT_REQUESTS)))
        self.assertEqual([c for c in codes if c != 200], [], "failed requests with %d scrapers" % CONCURRENT)

    def test_node_exporter(self):
        self.soak(self.databases.start("node_exporter"), "node_exporter_build_info")

    def test_mysqld_exporter(self):
        self.soak(self.databases.start("mysqld_exporter"), "mysql_up")

    def test_postgres_exporter(self):
        self.soak(self.databases.start("postgres_exporter"), "pg_up")

    def test_mattermost_exporter(self):
        self.soak(self.databases.start("mattermost_exporter"), "mattermost_up")


if __name__ == "__main__":
    unittest.main(verbosity=2)
