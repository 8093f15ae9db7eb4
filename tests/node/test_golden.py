"""End to end: the binary against the checked-in /proc and /sys fixtures, compared with a golden file.

UPDATE_GOLDEN=1 rewrites tests/fixtures/node/golden.prom from the current output.
"""
import os
import unittest

import harness
from node_common import FIXTURES, REFERENCE, fixture_args, reference_text, stable_lines

GOLDEN = os.path.join(FIXTURES, "golden.prom")


class GoldenTest(unittest.TestCase):
    def test_fixture_output_matches_golden(self):
        with harness.Exporter("node_exporter", fixture_args()) as exporter:
            status, text = exporter.scrape()
        self.assertEqual(status, 200)
        lines = stable_lines(text)
        if os.environ.get("UPDATE_GOLDEN"):
            with open(GOLDEN, "w") as f:
                f.write("\n".join(lines) + "\n")
        with open(GOLDEN) as f:
            expected = f.read().splitlines()
        missing = sorted(set(expected) - set(lines))
        extra = sorted(set(lines) - set(expected))
        self.assertEqual((missing[:20], extra[:20]), ([], []), "output differs from golden.prom")

    @unittest.skipUnless(os.path.exists(REFERENCE), "prometheus-node-exporter is not installed")
    def test_reference_agrees_on_the_fixtures(self):
        """prometheus-node-exporter pointed at the same fixtures serves the same samples
        (values and labels) for every family in golden.prom."""
        text = reference_text(fixture_args())

        def family(line):
            return line.split(" ")[2] if line.startswith("#") else line.split("{", 1)[0]

        def comparable(lines):
            # HELP texts and which collectors exist (and so succeed) are not part of the comparison.
            return {l for l in lines if not l.startswith("# HELP") and not l.startswith("node_scrape_collector_success")}

        with open(GOLDEN) as f:
            ours = comparable(f.read().splitlines())
        families = {family(l) for l in ours}
        theirs = {l for l in comparable(stable_lines(text)) if family(l) in families}
        self.assertEqual((sorted(theirs - ours)[:20], sorted(ours - theirs)[:20]), ([], []))

    def test_fixture_edge_cases(self):
        with harness.Exporter("node_exporter", fixture_args()) as exporter:
            families = exporter.metrics()
        # 72 CPUs in the fixture's /proc/stat, 8 modes each.
        cpus = {labels["cpu"] for _, labels, _ in families["node_cpu_seconds_total"]["samples"]}
        self.assertEqual(len(cpus), 72)
        self.assertEqual(len(families["node_cpu_seconds_total"]["samples"]), 72 * 8)
        # net/snmp6 is absent from the fixture: netstat still succeeds on v4 data.
        self.assertEqual(harness.sample_value(families, "node_scrape_collector_success", collector="netstat"), 1)
        self.assertIsNone(harness.sample_value(families, "node_netstat_Ip6_InOctets"))
        # Queues summed over the fixture's UDP sockets (hex 0x300 + 0, 0 + 0x10).
        self.assertEqual(harness.sample_value(families, "node_udp_queues", ip="v4", queue="rx"), 0x300)
        self.assertEqual(harness.sample_value(families, "node_udp_queues", ip="v4", queue="tx"), 0x10)
        # The timestamped textfile is rejected, the good one served.
        self.assertEqual(harness.sample_value(families, "node_textfile_scrape_error"), 1)
        self.assertIsNone(harness.sample_value(families, "stamped_metric"))
        self.assertEqual(harness.sample_value(families, "fixture_metric", a="1", b=""), 3)

    def test_broken_files_fail_only_their_collectors(self):
        root = os.path.join(FIXTURES, "broken")
        with harness.Exporter("node_exporter", fixture_args(root)) as exporter:
            status, text = exporter.scrape()
            self.assertEqual(status, 200)
            families = harness.parse_metrics(text)
            for collector in ("loadavg", "meminfo", "cpu", "stat", "softnet", "netstat", "diskstats"):
                self.assertEqual(harness.sample_value(families, "node_scrape_collector_success", collector=collector), 0,
                                 collector)
            self.assertEqual(harness.sample_value(families, "node_scrape_collector_success", collector="entropy"), 1)
            self.assertEqual(harness.sample_value(families, "node_entropy_available_bits"), 256)
            # Still serving, and the failure is logged once rather than on every scrape.
            self.assertEqual(exporter.scrape()[0], 200)
            log = exporter.process.log_text()
            self.assertEqual(log.count("name=loadavg"), 1, log[-2000:])


if __name__ == "__main__":
    unittest.main()
