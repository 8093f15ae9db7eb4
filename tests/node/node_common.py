"""Shared bits of the node_exporter tests."""
import contextlib
import os

import harness

REFERENCE = "/usr/bin/prometheus-node-exporter"
TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(TESTS, "fixtures", "node")

# Families whose values depend on the moment or the machine, not on the fixtures.
VOLATILE_PREFIXES = ("node_time_", "node_timex_", "node_uname_", "node_filesystem_", "process_", "promhttp_",
                     "node_exporter_build_info", "node_scrape_collector_duration_seconds",
                     "node_textfile_mtime_seconds")


def fixture_args(root=FIXTURES):
    return ["--path.procfs=" + os.path.join(root, "proc"), "--path.sysfs=" + os.path.join(root, "sys"),
            "--path.rootfs=" + os.path.join(root, "rootfs"),
            "--collector.textfile.directory=" + os.path.join(root, "textfile"),
            "--no-collector.netdev.netlink", "--path.udev.data=" + os.path.join(root, "udev")]


def canonical_sample(line):
    """A sample line with sorted labels and its value as Python prints the float, so the
    comparison is of content, not of the serializer's number or label formatting."""
    name, labels, value = harness._parse_sample(line)
    text = ",".join('%s="%s"' % (k, labels[k].replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"'))
                    for k in sorted(labels))
    return "%s{%s} %r" % (name, text, float(value.split()[0]))


def stable_lines(text):
    """The exposition's lines minus volatile families, canonical and sorted (sample order is not part of the contract)."""
    keep = []
    for line in text.splitlines():
        if not line:
            continue
        name = line.split(" ", 3)[2] if line.startswith("# ") else line.split("{", 1)[0].split(" ", 1)[0]
        if name.startswith(VOLATILE_PREFIXES):
            continue
        # Labels that hold a sysfs path (rapl's path) name the fixture tree wherever the checkout is.
        keep.append((line if line.startswith("#") else canonical_sample(line)).replace(FIXTURES, "$FIXTURES"))
    return sorted(keep)


@contextlib.contextmanager
def reference_exporter(args=()):
    """prometheus-node-exporter with args on a free loopback port, once it listens; yields its /metrics URL."""
    port = harness.free_port()
    process = harness.Process([REFERENCE, "--web.listen-address=127.0.0.1:%d" % port] + list(args))
    try:
        harness.wait_for(lambda: harness.port_open(port), timeout=15, what="reference node exporter")
        yield "http://127.0.0.1:%d/metrics" % port
    finally:
        process.stop()


def reference_text(args=()):
    """One scrape of the reference exporter run with args."""
    with reference_exporter(args) as url:
        status, text = harness.scrape(url)
    assert status == 200, status
    return text
