"""Every binary's /metrics parses with `promtool check metrics`.

Lint findings that come from keeping the reference exporters' names (e.g. a
counter without _total) are allowed; a parse error is not.
"""
import subprocess
import unittest

import harness


def promtool_check(text):
    result = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=60)
    return result.stdout.decode()


class PromtoolParsesEveryExporter(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.databases = harness.ExporterDatabases()

    @classmethod
    def tearDownClass(cls):
        cls.databases.cleanup()

    def check(self, exporter, required_family):
        self.addCleanup(exporter.stop)
        status, text = exporter.scrape(headers={"X-Prometheus-Scrape-Timeout-Seconds": "10"})
        self.assertEqual(status, 200)
        self.assertIn(required_family, harness.parse_metrics(text))
        output = promtool_check(text)
        self.assertNotIn("error while linting", output, output)
        self.assertNotIn("parsing error", output, output)

    def test_node_exporter(self):
        self.check(self.databases.start("node_exporter"), "node_exporter_build_info")

    def test_mysqld_exporter(self):
        self.check(self.databases.start("mysqld_exporter"), "mysql_up")

    def test_postgres_exporter(self):
        self.check(self.databases.start("postgres_exporter"), "pg_up")

    def test_mattermost_exporter(self):
        self.check(self.databases.start("mattermost_exporter"), "mattermost_up")


if __name__ == "__main__":
    unittest.main(verbosity=2)
