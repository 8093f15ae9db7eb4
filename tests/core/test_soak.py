"""Soak: 3,000 scrapes with resident memory flat (growth under 1 MB after
warm-up), and 16 concurrent scrapers with no failed request, for each exporter."""
import concurrent.futures
import os
import tempfile
import unittest

import harness

SCRAPES = 3000
WARMUP = 300
CONCURRENT = 16
CONCURRENT_REQUESTS = 480


def rss_bytes(pid):
    with open("/proc/%d/statm" % pid) as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Soak(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="soak-")
        cls.mariadb = harness.MariaDB().start()
        cls.mariadb.create_user("exporter", "soak-pw")
        cls.postgres = harness.PostgreSQL().start()
        cls.postgres.create_user("exporter", "soak-pw")
        cls.my_cnf = os.path.join(cls.tmp, "my.cnf")
        with open(cls.my_cnf, "w") as f:
            f.write("[client]\nuser=exporter\npassword=soak-pw\nhost=127.0.0.1\nport=%d\n" % cls.mariadb.port)
        os.chmod(cls.my_cnf, 0o600)

    @classmethod
    def tearDownClass(cls):
        cls.mariadb.cleanup()
        cls.postgres.cleanup()

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
        self.soak(harness.Exporter("node_exporter"), "node_exporter_build_info")

    def test_mysqld_exporter(self):
        self.soak(harness.Exporter("mysqld_exporter", ["--config.my-cnf=" + self.my_cnf]), "mysql_up")

    def test_postgres_exporter(self):
        dsn = "postgresql://exporter:soak-pw@127.0.0.1:%d/postgres?sslmode=disable" % self.postgres.port
        self.soak(harness.Exporter("postgres_exporter", env={"DATA_SOURCE_NAME": dsn}), "pg_up")

    def test_mattermost_exporter(self):
        args = ["--process.pid=%d" % self.mariadb.process.pid, "--db.master=127.0.0.1:%d" % self.mariadb.port]
        self.soak(harness.Exporter("mattermost_exporter", args), "mattermost_up")


if __name__ == "__main__":
    unittest.main(verbosity=2)
