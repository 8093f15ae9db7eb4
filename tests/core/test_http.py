"""The core's HTTP behaviour, through real binaries on loopback ports."""
import concurrent.futures
import os
import socket
import subprocess
import time
import unittest

import harness


class NodeExporterHttp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.exporter = harness.Exporter("node_exporter")

    @classmethod
    def tearDownClass(cls):
        cls.exporter.stop()

    def test_metrics_content_type_and_families(self):
        status, headers, body = harness.http_get(self.exporter.url + "/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
        families = harness.parse_metrics(body.decode())
        self.assertIn("node_exporter_build_info", families)
        self.assertIn("process_resident_memory_bytes", families)
        self.assertEqual(families["process_cpu_seconds_total"]["type"], "counter")
        rss = harness.sample_value(families, "process_resident_memory_bytes")
        self.assertGreater(rss, 100000)

    def test_gzip_when_accepted(self):
        status, headers, body = harness.http_get(self.exporter.url + "/metrics", {"Accept-Encoding": "gzip"})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("Content-Encoding"), "gzip")
        import gzip
        self.assertIn(b"node_exporter_build_info", gzip.decompress(body))
        status, headers, body = harness.http_get(self.exporter.url + "/metrics", {"Accept-Encoding": "identity"})
        self.assertNotIn("Content-Encoding", headers)
        self.assertIn(b"node_exporter_build_info", body)

    def test_landing_page_links_metrics(self):
        status, headers, body = harness.http_get(self.exporter.url + "/")
        self.assertEqual(status, 200)
        self.assertIn("text/html", headers["Content-Type"])
        self.assertIn(b'href="/metrics"', body)

    def test_health_and_ready(self):
        self.assertEqual(harness.http_get(self.exporter.url + "/-/healthy")[0], 200)
        self.assertEqual(harness.http_get(self.exporter.url + "/-/ready")[0], 200)
        self.assertEqual(harness.http_get(self.exporter.url + "/nonexistent")[0], 404)

    def test_unknown_collector_is_400(self):
        status, _, body = harness.http_get(self.exporter.url + "/metrics?collect[]=no_such_collector")
        self.assertEqual(status, 400)
        self.assertIn(b"no_such_collector", body)


class CoreBehaviour(unittest.TestCase):
    """test_exporter has collectors fast, slow (on) and failing, throwing (off)."""

    def start(self, *args):
        exporter = harness.Exporter("test_exporter", list(args))
        self.addCleanup(exporter.stop)
        return exporter

    def success(self, families):
        return {labels["collector"]: value
                for _, labels, value in families["test_scrape_collector_success"]["samples"]}

    def test_collect_and_exclude_filter(self):
        exporter = self.start()
        families = exporter.metrics("/metrics?collect[]=fast")
        self.assertEqual(set(self.success(families)), {"fast"})
        self.assertIn("test_fast_value", families)
        self.assertNotIn("test_slow_value", families)
        families = exporter.metrics("/metrics?exclude[]=fast")
        self.assertEqual(set(self.success(families)), {"slow"})
        status, _ = exporter.scrape("/metrics?collect[]=fast&exclude[]=slow")
        self.assertEqual(status, 400)
        status, text = exporter.scrape("/metrics?collect[]=failing")
        self.assertEqual(status, 400)
        self.assertIn("disabled collector: failing", text)

    def test_failing_and_throwing_collectors_do_not_fail_the_scrape(self):
        exporter = self.start("--collector.failing", "--collector.throwing")
        families = exporter.metrics()
        self.assertEqual(self.success(families), {"fast": 1, "slow": 1, "failing": 0, "throwing": 0})
        self.assertIn("test_fast_value", families)
        log = exporter.process.log_text()
        self.assertIn("source missing", log)
        # Logged once per change of state, not on every scrape.
        exporter.metrics()
        self.assertEqual(exporter.process.log_text().count("source missing"), 1)

    def test_slow_collector_is_cut_at_the_scrape_deadline(self):
        exporter = self.start("--collector.slow.seconds=30")
        start = time.monotonic()
        status, text = exporter.scrape(headers={"X-Prometheus-Scrape-Timeout-Seconds": "1.5"}, timeout=20)
        elapsed = time.monotonic() - start
        self.assertEqual(status, 200)
        families = harness.parse_metrics(text)
        self.assertEqual(self.success(families), {"fast": 1, "slow": 0})
        self.assertIn("test_fast_value", families)
        # The header said 1.5 s and the offset is 0.25 s: the answer must not wait for the 30 s collector.
        self.assertLess(elapsed, 10)

    def test_default_deadline_applies_without_header(self):
        exporter = self.start("--collector.slow.seconds=30", "--scrape.default-timeout=1")
        status, text = exporter.scrape(timeout=20)
        self.assertEqual(status, 200)
        self.assertEqual(self.success(harness.parse_metrics(text))["slow"], 0)

    def test_requests_over_the_limit_get_503(self):
        exporter = self.start("--collector.slow.seconds=3", "--web.max-requests=2")

        def one(_):
            return exporter.scrape(headers={"X-Prometheus-Scrape-Timeout-Seconds": "20"}, timeout=30)[0]

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            codes = list(pool.map(one, range(6)))
        self.assertEqual(codes.count(200), 2, codes)
        self.assertEqual(codes.count(503), 4, codes)
        # Once they finished, scrapes are accepted again.
        self.assertEqual(exporter.scrape(headers={"X-Prometheus-Scrape-Timeout-Seconds": "20"}, timeout=30)[0], 200)


class Flags(unittest.TestCase):
    BINARIES = ["node_exporter", "mysqld_exporter", "postgres_exporter", "mattermost_exporter"]

    def run_binary(self, name, *args):
        return subprocess.run([harness.binary(name)] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=30)

    def test_version_and_help(self):
        for name in self.BINARIES:
            with self.subTest(binary=name):
                result = self.run_binary(name, "--version")
                self.assertEqual(result.returncode, 0)
                self.assertIn(name + ", version", result.stdout.decode())
                result = self.run_binary(name, "--help")
                self.assertEqual(result.returncode, 0)
                self.assertIn("--web.listen-address", result.stdout.decode())

    def test_unknown_flag_and_bad_value_name_the_problem(self):
        for name in self.BINARIES:
            with self.subTest(binary=name):
                result = self.run_binary(name, "--no-such-flag")
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("--no-such-flag", result.stderr.decode())
        result = self.run_binary("node_exporter", "--log.level=chatty")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--log.level", result.stderr.decode())
        result = self.run_binary("node_exporter", "--web.max-requests=lots")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--web.max-requests", result.stderr.decode())

    def test_port_in_use_is_a_one_line_error(self):
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            result = self.run_binary("test_exporter", "--web.listen-address=127.0.0.1:%d" % port)
        self.assertEqual(result.returncode, 1)
        errors = [line for line in result.stderr.decode().splitlines() if "level=error" in line]
        self.assertEqual(len(errors), 1, result.stderr)
        self.assertIn("127.0.0.1:%d" % port, errors[0])

    def test_sigterm_exits_zero(self):
        exporter = harness.Exporter("test_exporter")
        self.assertEqual(exporter.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
