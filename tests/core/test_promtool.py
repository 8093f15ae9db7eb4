"""Every binary's /metrics parses with `promtool check metrics`.

Lint findings that come from keeping the reference exporters' names (e.g. a
counter without _total) are allowed; a parse error is not.
"""
import os
import subprocess
import tempfile
import unittest

import harness


def promtool_check(text):
    result = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=60)
    return result.stdout.decode()


class PromtoolParsesEveryExporter(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="promtool-")
        cls.mariadb = harness.MariaDB().start()
        cls.mariadb.create_user("exporter", "exporter-pw")
        cls.postgres = harness.PostgreSQL().start()
        cls.postgres.create_user("exporter", "exporter-pw")
        cls.my_cnf = os.path.join(cls.tmp, "my.cnf")
        with open(cls.my_cnf, "w") as f:
            f.write("[client]\nuser=exporter\npassword=exporter-pw\nhost=127.0.0.1\nport=%d\n" % cls.mariadb.port)
        os.chmod(cls.my_cnf, 0o600)

    @classmethod
    def tearDownClass(cls):
        cls.mariadb.cleanup()
        cls.postgres.cleanup()

    def check(self, exporter, required_family):
        self.addCleanup(exporter.stop)
        status, text = exporter.scrape(headers={"X-Prometheus-Scrape-Timeout-Seconds": "10"})
        self.assertEqual(status, 200)
        self.assertIn(required_family, harness.parse_metrics(text))
        output = promtool_check(text)
        self.assertNotIn("error while linting", output, output)
        self.assertNotIn("parsing error", output, output)

    def test_node_exporter(self):
        self.check(harness.Exporter("node_exporter"), "node_exporter_build_info")

    def test_mysqld_exporter(self):
        self.check(harness.Exporter("mysqld_exporter", ["--config.my-cnf=" + self.my_cnf]), "mysql_up")

    def test_postgres_exporter(self):
        dsn = "postgresql://exporter:exporter-pw@127.0.0.1:%d/postgres?sslmode=disable" % self.postgres.port
        self.check(harness.Exporter("postgres_exporter", env={"DATA_SOURCE_NAME": dsn}), "pg_up")

    def test_mattermost_exporter(self):
        args = ["--process.pid=%d" % self.mariadb.process.pid, "--db.master=127.0.0.1:%d" % self.mariadb.port]
        self.check(harness.Exporter("mattermost_exporter", args), "mattermost_up")


if __name__ == "__main__":
    unittest.main(verbosity=2)
