#!/usr/bin/env python3
"""node_exporter: ours against prometheus-node-exporter (default collectors, same host), plus the floor.

The floor is what the kernel charges for the work one scrape of ours asks of it:
the exact file reads, directory listings, statfs calls and netlink dumps of one
scrape (recorded with strace), replayed in a tight C++ loop (bench/node_floor.cpp).

  python3 bench/node.py [--bin build-node/bin] [--scrapes 300] [--duration 10]

Exits non-zero only on scrape errors, not on ratios.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "lib"))

import benchlib  # noqa: E402
import harness  # noqa: E402

REFERENCE = "/usr/bin/prometheus-node-exporter"


def record_operations(pid, url, out_path):
    """The kernel operations of one scrape of pid, as node_floor lines."""
    trace = out_path + ".strace"
    tracer = subprocess.Popen(["strace", "-f", "-qq", "-p", str(pid), "-o", trace,
                               "-e", "trace=openat,statfs,sendto"], stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    benchlib.scrape_once(benchlib.Target("ours", url, pid))
    time.sleep(0.5)
    tracer.terminate()
    tracer.wait()
    ops = []
    with open(trace) as f:
        for line in f:
            # Threads interleave: a call may be split into "<unfinished ...>" and "resumed" lines;
            # the path is on the first. Failed opens count too: the lookup costs the kernel.
            m = re.search(r'openat\(AT_FDCWD, "([^"]+)", ([A-Z_|]+)', line)
            if m:
                path, flags = m.group(1), m.group(2)
                if "O_DIRECTORY" in flags:
                    ops.append("dir " + path)
                else:
                    ops.append("read " + path)  # failed opens cost the kernel too
                continue
            m = re.search(r'statfs\("([^"]+)"', line)
            if m:
                ops.append("statfs " + m.group(1))
                continue
            if "RTM_GETLINK" in line:
                ops.append("netlink")
    os.unlink(trace)
    with open(out_path, "w") as f:
        f.write("\n".join(ops) + "\n")
    return ops


def floor_ms(floor_bin, ops_path, iterations=2000):
    out = subprocess.run([floor_bin, ops_path, str(iterations)], check=True, stdout=subprocess.PIPE).stdout.decode()
    return float(re.search(r"cpu_ms_per_iteration=([0-9.]+)", out).group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.environ.get("EXPORTERS_BIN", os.path.join(REPO, "build", "bin")))
    parser.add_argument("--scrapes", type=int, default=300)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="bench-node-")
    ours_port, ref_port = harness.free_port(), harness.free_port()
    ours = harness.Process([os.path.join(args.bin, "node_exporter"), "--web.listen-address=127.0.0.1:%d" % ours_port],
                           log_path=os.path.join(work, "ours.log"))
    reference = harness.Process([REFERENCE, "--web.listen-address=127.0.0.1:%d" % ref_port],
                                log_path=os.path.join(work, "reference.log"))
    try:
        harness.wait_for(lambda: harness.port_open(ours_port) and harness.port_open(ref_port), timeout=20,
                         what="exporters")
        ours_url = "http://127.0.0.1:%d/metrics" % ours_port
        ref_url = "http://127.0.0.1:%d/metrics" % ref_port
        targets = [benchlib.Target("ours", ours_url, ours.pid), benchlib.Target("reference", ref_url, reference.pid)]

        for _ in range(5):
            benchlib.scrape_once(targets[0])
        ops_path = os.path.join(work, "ops.txt")
        ops = record_operations(ours.pid, ours_url, ops_path)
        floor = floor_ms(os.path.join(os.path.dirname(os.path.abspath(args.bin)), "bench-bin", "node_floor"), ops_path)

        results = benchlib.compare(targets, scrapes=args.scrapes, warmup=10)
        print(benchlib.format_table(results))
        ours_cpu = results["ours"]["cpu_ms_per_scrape"]
        ref_cpu = results["reference"]["cpu_ms_per_scrape"]
        print()
        print("floor: %d kernel operations per scrape (%d file reads), %.3f ms CPU"
              % (len(ops), sum(1 for o in ops if o.startswith("read ")), floor))
        print("ours/floor CPU: %.2f (target <= 1.25)" % (ours_cpu / floor))
        print("ours/reference CPU: %.2f (target <= 0.4)" % (ours_cpu / ref_cpu))
        print("ours RSS: %.1f MB (target <= 5)" % results["ours"]["rss_mb"])

        tput = {}
        for target in targets:
            tput[target.name] = benchlib.throughput(target, concurrency=16, duration=args.duration)
            print("16 concurrent scrapers, %s: %.1f scrapes/s, %d errors"
                  % (target.name, tput[target.name]["scrapes_per_s"], tput[target.name]["errors"]))
        print("ours/reference throughput: %.2f (target >= 3)"
              % (tput["ours"]["scrapes_per_s"] / tput["reference"]["scrapes_per_s"]))
        errors = (results["ours"]["errors"] + results["reference"]["errors"] + tput["ours"]["errors"]
                  + tput["reference"]["errors"])
        return 1 if errors else 0
    finally:
        ours.stop()
        reference.stop()


if __name__ == "__main__":
    sys.exit(main())
