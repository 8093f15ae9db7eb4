"""Behaviour users rely on: textfile errors, --path.rootfs, the deprecated mount flag, concurrent scrapes."""
import concurrent.futures
import os
import shutil
import tempfile
import unittest

import harness
from node_common import FIXTURES, fixture_args


class TextfileTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="node-textfile-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(text)

    def scrape(self):
        args = ["--collector.disable-defaults", "--collector.textfile", "--collector.textfile.directory=" + self.dir]
        with harness.Exporter("node_exporter", args) as exporter:
            return exporter.metrics()

    def test_good_files_only(self):
        self.write("a.prom", "# HELP job_done Last success.\n# TYPE job_done gauge\njob_done{job=\"x\"} 1\n")
        self.write("b.prom", "# TYPE req counter\nreq_total 5\n")
        self.write("notes.txt", "not_read 1\n")
        os.utime(os.path.join(self.dir, "a.prom"), (1700000000, 1700000000))
        families = self.scrape()
        self.assertEqual(harness.sample_value(families, "node_textfile_scrape_error"), 0)
        self.assertEqual(harness.sample_value(families, "job_done", job="x"), 1)
        self.assertEqual(families["job_done"]["type"], "gauge")
        self.assertIsNone(harness.sample_value(families, "not_read"))
        path = os.path.join(self.dir, "a.prom")
        self.assertEqual(harness.sample_value(families, "node_textfile_mtime_seconds", file=path), 1700000000)

    def test_bad_file_sets_error_and_the_rest_is_served(self):
        self.write("good.prom", "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 3\nh_sum 4\nh_count 3\n")
        self.write("bad.prom", "this is { not a metric\n")
        self.write("stamped.prom", "stamped 1 1700000000000\n")
        families = self.scrape()
        self.assertEqual(harness.sample_value(families, "node_textfile_scrape_error"), 1)
        self.assertEqual(families["h"]["type"], "histogram")
        self.assertEqual(harness.sample_value(families, "h_bucket", le="1"), 2)
        self.assertEqual(harness.sample_value(families, "h_count"), 3)
        self.assertIsNone(harness.sample_value(families, "stamped"))
        files = {labels["file"] for _, labels, _ in families["node_textfile_mtime_seconds"]["samples"]}
        self.assertEqual(files, {os.path.join(self.dir, "good.prom")})
        self.assertEqual(harness.sample_value(families, "node_scrape_collector_success", collector="textfile"), 1)

    def test_impossible_counts_saturate(self):
        """Negative, NaN or huge histogram/summary counts (found by fuzzing) are clamped, not converted blindly."""
        self.write("odd.prom", "# TYPE h histogram\nh_bucket{le=\"1\"} -5\nh_sum 0\nh_count NaN\n"
                               "# TYPE s summary\ns_sum 1\ns_count 1e30\n")
        families = self.scrape()
        self.assertEqual(harness.sample_value(families, "h_bucket", le="1"), 0)
        self.assertEqual(harness.sample_value(families, "h_count"), 0)
        self.assertEqual(harness.sample_value(families, "s_count"), float(2**64 - 1))

    def test_missing_directory_is_an_error(self):
        shutil.rmtree(self.dir)
        families = self.scrape()
        self.assertEqual(harness.sample_value(families, "node_textfile_scrape_error"), 1)


class FilesystemTest(unittest.TestCase):
    """A container's view: the host's mounts under --path.rootfs, labels without the prefix."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="node-fs-")
        self.rootfs = os.path.join(self.dir, "rootfs")
        os.makedirs(os.path.join(self.rootfs, "data"))
        os.makedirs(os.path.join(self.rootfs, "missing-later"))
        proc = os.path.join(self.dir, "proc")
        os.makedirs(os.path.join(proc, "1"))
        with open(os.path.join(proc, "1", "mountinfo"), "w") as f:
            f.write("1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
                    "2 1 8:2 / /data ro,relatime - xfs /dev/sdb1 rw\n"
                    "3 1 8:3 / /gone rw - xfs /dev/sdc1 rw\n"
                    "4 1 0:5 / /proc rw - proc proc rw\n"
                    "5 1 8:4 / /skipped rw - ext4 /dev/sdd1 rw\n")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def metrics(self, *extra):
        args = ["--collector.disable-defaults", "--collector.filesystem", "--path.procfs=" + os.path.join(self.dir, "proc"),
                "--path.rootfs=" + self.rootfs] + list(extra)
        with harness.Exporter("node_exporter", args) as exporter:
            return exporter.metrics()

    def test_rootfs_prefix_and_errors(self):
        families = self.metrics("--collector.filesystem.mount-points-exclude=^/(proc|skipped)($|/)")
        points = {labels["mountpoint"] for _, labels, _ in families["node_filesystem_device_error"]["samples"]}
        self.assertEqual(points, {"/", "/data", "/gone"})
        self.assertEqual(harness.sample_value(families, "node_filesystem_device_error", mountpoint="/data"), 0)
        self.assertEqual(harness.sample_value(families, "node_filesystem_readonly", mountpoint="/data"), 1)
        self.assertEqual(harness.sample_value(families, "node_filesystem_readonly", mountpoint="/"), 0)
        self.assertGreater(harness.sample_value(families, "node_filesystem_size_bytes", mountpoint="/data"), 0)
        # /gone does not exist under the rootfs: statfs fails, device_error 1, no sizes.
        self.assertEqual(harness.sample_value(families, "node_filesystem_device_error", mountpoint="/gone"), 1)
        self.assertIsNone(harness.sample_value(families, "node_filesystem_size_bytes", mountpoint="/gone"))

    def test_deprecated_ignored_mount_points_flag(self):
        families = self.metrics("--collector.filesystem.ignored-mount-points", "^/(proc|skipped|gone|data)($|/)")
        points = {labels["mountpoint"] for _, labels, _ in families["node_filesystem_device_error"]["samples"]}
        self.assertEqual(points, {"/"})


class ServingTest(unittest.TestCase):
    def test_concurrent_scrapes_all_succeed(self):
        with harness.Exporter("node_exporter", fixture_args()) as exporter:
            def one(_):
                status, text = exporter.scrape()
                families = harness.parse_metrics(text)
                failed = [labels["collector"] for _, labels, value in
                          families["node_scrape_collector_success"]["samples"] if value != 1]
                return status, failed
            with concurrent.futures.ThreadPoolExecutor(16) as pool:
                results = list(pool.map(one, range(64)))
        for status, failed in results:
            self.assertEqual(status, 200)
            self.assertEqual(failed, [])

    def test_collect_filter(self):
        with harness.Exporter("node_exporter", fixture_args()) as exporter:
            status, text = exporter.scrape("/metrics?collect[]=loadavg&collect[]=entropy")
            self.assertEqual(status, 200)
            families = harness.parse_metrics(text)
            collectors = {labels["collector"] for _, labels, _ in families["node_scrape_collector_success"]["samples"]}
            self.assertEqual(collectors, {"loadavg", "entropy"})
            self.assertIn("node_load1", families)
            self.assertNotIn("node_cpu_seconds_total", families)
            self.assertEqual(exporter.scrape("/metrics?collect[]=nosuch")[0], 400)


if __name__ == "__main__":
    unittest.main()
