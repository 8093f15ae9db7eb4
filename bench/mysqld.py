#!/usr/bin/env python3
"""mysqld_exporter against prometheus-mysqld-exporter 0.14 on the same MariaDB.

A throwaway MariaDB (tests/lib/harness.MariaDB) with one exporter user; both
exporters run the same collectors (0.14's defaults plus info_schema.processlist,
which ours has on by default) from the same my.cnf.

Figures (bench/benchlib.compare, scrapes alternating, CPU from /proc/PID/stat),
then the throughput of each with 16 concurrent scrapers (ours shares one
in-flight collection between concurrent scrapes). Exits non-zero only on
scrape errors or mysql_up 0, never on ratios.

    python3 bench/mysqld.py [--build-dir build] [--scrapes 200] [--throughput-seconds 5]
"""
import argparse
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "lib"))

import benchlib  # noqa: E402
import harness  # noqa: E402

REFERENCE = "/usr/bin/prometheus-mysqld-exporter"
TARGET_CPU_RATIO = 0.2
TARGET_RSS_MB = 6.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    parser.add_argument("--scrapes", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--throughput-seconds", type=float, default=5.0)
    args = parser.parse_args()
    binary = os.path.join(os.path.abspath(args.build_dir), "bin", "mysqld_exporter")

    tmp = tempfile.mkdtemp(prefix="bench-mysqld-")
    db = harness.MariaDB().start()
    processes = []
    failed = False
    try:
        db.create_user("exporter", "bench-pw", "PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT")
        cnf = os.path.join(tmp, "my.cnf")
        with open(cnf, "w") as f:
            f.write("[client]\nuser=exporter\npassword=bench-pw\nhost=127.0.0.1\nport=%d\n" % db.port)
        ours_port, ref_port = harness.free_port(), harness.free_port()
        ours = harness.Process([binary, "--web.listen-address=127.0.0.1:%d" % ours_port, "--config.my-cnf=" + cnf],
                               log_path=os.path.join(tmp, "ours.log"))
        processes.append(ours)
        reference = harness.Process([REFERENCE, "--web.listen-address=127.0.0.1:%d" % ref_port,
                                     "--config.my-cnf=" + cnf, "--collect.info_schema.processlist"],
                                    log_path=os.path.join(tmp, "reference.log"))
        processes.append(reference)
        for port in (ours_port, ref_port):
            harness.wait_for(lambda: harness.port_open(port), timeout=15, what="an exporter to listen")
        targets = [benchlib.Target("ours", "http://127.0.0.1:%d/metrics" % ours_port, ours.pid),
                   benchlib.Target("reference", "http://127.0.0.1:%d/metrics" % ref_port, reference.pid)]
        for target in targets:
            _, _, body = benchlib.scrape_once(target)
            up = harness.sample_value(harness.parse_metrics(body.decode()), "mysql_up")
            if up != 1:
                print("%s: mysql_up %s" % (target.name, up))
                failed = True

        results = benchlib.compare(targets, scrapes=args.scrapes, warmup=args.warmup)
        print("MariaDB %s, %d scrapes each, alternating\n" % (db.sql("SELECT VERSION()").strip(), args.scrapes))
        print(benchlib.format_table(results))
        ours_r, ref_r = results["ours"], results["reference"]
        cpu_ratio = ours_r["cpu_ms_per_scrape"] / ref_r["cpu_ms_per_scrape"] if ref_r["cpu_ms_per_scrape"] else 0
        print("\nCPU per scrape: ours/reference = %.3f (target <= %.2f: %s)"
              % (cpu_ratio, TARGET_CPU_RATIO, "met" if cpu_ratio <= TARGET_CPU_RATIO else "NOT met"))
        print("RSS: ours %.1f MB (target <= %.1f MB: %s), reference %.1f MB"
              % (ours_r["rss_mb"], TARGET_RSS_MB, "met" if ours_r["rss_mb"] <= TARGET_RSS_MB else "NOT met",
                 ref_r["rss_mb"]))
        if args.throughput_seconds > 0:
            print("\nthroughput, 16 concurrent scrapers, %.0f s each:" % args.throughput_seconds)
            for target in targets:
                figures = benchlib.throughput(target, concurrency=16, duration=args.throughput_seconds)
                print("  %-9s %8.1f scrapes/s, %d errors" % (target.name, figures["scrapes_per_s"], figures["errors"]))
                failed |= figures["errors"] > 0
            print("  ours after the run: RSS %.1f MB" % (benchlib.rss_bytes(ours.pid) / 1e6))
        failed |= ours_r["errors"] > 0 or ref_r["errors"] > 0
    finally:
        for process in processes:
            process.stop()
        db.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
