"""The off-by-default collectors (interrupts, meminfo_numa, ksmd, processes, mountstats, tcpstat) against
prometheus-node-exporter 1.5 on the same sources: identical samples, and the same behaviour when the
sources are missing."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

import harness
from node_common import FIXTURES, REFERENCE, fixture_args, reference_exporter, reference_text, stable_lines

FILE_COLLECTORS = ("interrupts", "meminfo_numa", "ksmd", "processes", "mountstats")
FAMILY_PREFIXES = ("node_interrupts_", "node_memory_numa_", "node_ksmd_", "node_processes_", "node_mountstats_",
                   "node_tcp_connection_states")


def selection(collectors):
    return ["--collector.disable-defaults"] + ["--collector." + c for c in collectors]


def our_text(args):
    with harness.Exporter("node_exporter", args) as exporter:
        status, text = exporter.scrape()
    assert status == 200, status
    return text


def comparable(text):
    """Samples and TYPE lines of the collectors' families, and every collector's success."""
    keep = set()
    for line in stable_lines(text):
        name = line.split(" ")[2] if line.startswith("#") else line.split("{", 1)[0]
        if line.startswith("# HELP"):
            continue
        if name.startswith(FAMILY_PREFIXES) or name == "node_scrape_collector_success":
            keep.add(line)
    return keep


@unittest.skipUnless(os.path.exists(REFERENCE), "prometheus-node-exporter is not installed")
class OffDefaultTest(unittest.TestCase):
    def assertSameAsReference(self, args):
        ours, theirs = comparable(our_text(args)), comparable(reference_text(args))
        self.assertEqual((sorted(theirs - ours)[:20], sorted(ours - theirs)[:20]), ([], []))
        return ours

    def test_fixtures(self):
        lines = self.assertSameAsReference(fixture_args() + selection(FILE_COLLECTORS))
        for collector in FILE_COLLECTORS:
            self.assertIn('node_scrape_collector_success{collector="%s"} 1.0' % collector, lines)
        # The fixture exercises every collector: 32 interrupts x 4 CPUs, 2 NUMA nodes, 6 processes.
        self.assertEqual(len([l for l in lines if l.startswith("node_interrupts_total{")]), 32 * 4)
        self.assertIn('node_memory_numa_numa_hit_total{node="1"} 201772345.0', lines)
        self.assertIn("node_processes_pids{} 6.0", lines)
        self.assertIn("node_ksmd_sleep_seconds{} 0.02", lines)
        # Four NFS mounts; the last two have no mountinfo line at their index (no address), so the fourth
        # repeats the third's (export, protocol, address) and is left out.
        self.assertEqual(len([l for l in lines if l.startswith("node_mountstats_nfs_age_seconds_total{")]), 3)
        self.assertIn('node_mountstats_nfs_operations_requests_total{export="10.0.0.5:/export/legacy",'
                      'mountaddr="192.168.1.10",operation="LOOKUP",protocol="udp"} 2711.0', lines)
        self.assertIn('node_mountstats_nfs_age_seconds_total{export="192.168.1.10:/srv/data",mountaddr="",protocol="tcp"}'
                      ' 13960.0', lines)

    def test_missing_sources(self):
        root = tempfile.mkdtemp(prefix="node_offdefault")
        try:
            os.makedirs(os.path.join(root, "proc"))
            os.makedirs(os.path.join(root, "sys"))
            # Without <procfs>/self the reference refuses to start with mountstats: it is left out here.
            lines = self.assertSameAsReference(fixture_args(root) + selection(FILE_COLLECTORS[:-1]))
            ours = comparable(our_text(fixture_args(root) + selection(["mountstats"])))
        finally:
            shutil.rmtree(root)
        self.assertIn('node_scrape_collector_success{collector="mountstats"} 0.0', ours)
        for collector in ("interrupts", "ksmd", "processes"):
            self.assertIn('node_scrape_collector_success{collector="%s"} 0.0' % collector, lines)
        self.assertIn('node_scrape_collector_success{collector="meminfo_numa"} 1.0', lines)
        self.assertIn("node_processes_threads{} 0.0", lines)  # served before threads-max fails

    def test_partly_missing_sources(self):
        """A NUMA node without numastat, a ksm directory without its later files, no pid_max, no mountinfo."""
        root = tempfile.mkdtemp(prefix="node_offdefault")
        try:
            shutil.copytree(os.path.join(FIXTURES, "proc"), os.path.join(root, "proc"), symlinks=True)
            shutil.copytree(os.path.join(FIXTURES, "sys"), os.path.join(root, "sys"), symlinks=True)
            os.unlink(os.path.join(root, "sys/devices/system/node/node1/numastat"))
            os.unlink(os.path.join(root, "sys/kernel/mm/ksm/pages_volatile"))
            os.unlink(os.path.join(root, "proc/sys/kernel/pid_max"))
            os.unlink(os.path.join(root, "proc/4242/mountinfo"))
            lines = self.assertSameAsReference(fixture_args(root) + selection(FILE_COLLECTORS))
        finally:
            shutil.rmtree(root)
        for collector in ("meminfo_numa", "ksmd", "processes", "mountstats"):
            self.assertIn('node_scrape_collector_success{collector="%s"} 0.0' % collector, lines)
        self.assertIn("node_ksmd_pages_unshared{} 2911.0", lines)  # files before the missing one are served

    @unittest.skipUnless(shutil.which("unshare") and os.geteuid() == 0, "needs root and unshare")
    def test_tcpstat_in_own_network_namespace(self):
        """tcpstat counts the kernel's sockets over netlink, as the reference does: both run in a fresh
        network namespace, so the only sockets are theirs and the test's."""
        result = subprocess.run(["unshare", "--net", sys.executable, os.path.abspath(__file__), "TcpstatInNamespace"],
                                capture_output=True, text=True, timeout=90, env=os.environ)
        self.assertEqual(result.returncode, 0, result.stdout[-3000:] + result.stderr[-3000:])
        self.assertIn("OK", result.stderr)


class TcpstatInNamespace(unittest.TestCase):
    """Run only inside `unshare --net` (by test_tcpstat_in_own_network_namespace)."""

    def setUp(self):
        if os.environ.get("NODE_OFFDEFAULT_IN_NETNS") != "1":
            self.skipTest("runs inside its own network namespace only")
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)

    def states(self, text):
        families = harness.parse_metrics(text)
        return {labels["state"]: value for _, labels, value in families["node_tcp_connection_states"]["samples"]}

    @staticmethod
    def settled():
        """No socket of this namespace is between states: only listeners and TIME_WAIT remain."""
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as f:
                for line in f.readlines()[1:]:
                    if line.split()[3] not in ("0A", "06"):  # LISTEN, TIME_WAIT
                        return False
        return True

    def wait_settled(self):
        # A closed probe or scrape connection passes through FIN_WAIT/CLOSE_WAIT for a moment; counted then,
        # it would differ between the two exporters' snapshots.
        harness.wait_for(self.settled, timeout=10, interval=0.02, what="connections of this namespace to close")

    def compare(self, procfs):
        args = ["--path.procfs=" + procfs, "--collector.disable-defaults", "--collector.tcpstat"]
        # An IPv6 listener with a backlog of its own: counted only when <procfs>/net/tcp6 exists.
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as listener, reference_exporter(args) as reference:
            listener.bind(("::1", 0))
            listener.listen(3)
            with harness.Exporter("node_exporter", args) as exporter:
                self.wait_settled()
                status, text = exporter.scrape()
                self.assertEqual(status, 200)
                ours = self.states(text)
                self.wait_settled()
                status, text = harness.scrape(reference)
                self.assertEqual(status, 200)
                theirs = self.states(text)
        # Our scrape's connection is in TIME_WAIT by the time the reference counts.
        ours_wait, theirs_wait = ours.pop("time_wait", 0), theirs.pop("time_wait", 0)
        self.assertIn(theirs_wait - ours_wait, (0, 1), (ours_wait, theirs_wait))
        self.assertEqual(ours, theirs)
        return ours

    def test_with_ipv6(self):
        states = self.compare("/proc")
        self.assertEqual(states["listen"], 3)  # both exporters and the v6 listener

    def test_without_tcp6_file(self):
        states = self.compare(os.path.join(FIXTURES, "proc"))  # the fixture has no net/tcp6
        self.assertEqual(states["listen"], 2)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "TcpstatInNamespace":
        os.environ["NODE_OFFDEFAULT_IN_NETNS"] = "1"
    unittest.main()
