#!/usr/bin/env python3
"""postgres_exporter against prometheus-postgres-exporter 0.11 on the same PostgreSQL.

A throwaway PostgreSQL 15 (tests/lib/harness.PostgreSQL) with one pg_monitor
user; both exporters get the same DATA_SOURCE_NAME and their default
collectors (ours also serves pg_postmaster_start_time_seconds,
pg_replication_* and pg_stat_activity_connections, which the reference's
defaults lack).

Figures (bench/benchlib.compare, scrapes alternating, CPU from /proc/PID/stat),
then the throughput of each with 16 concurrent scrapers (ours shares one
in-flight collection between concurrent scrapes), then the cost of one login
(what a reconnect per scrape would add). Exits non-zero only on scrape errors
or pg_up 0, never on ratios.

    python3 bench/postgres.py [--build-dir build] [--scrapes 200] [--throughput-seconds 5]
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "lib"))

import benchlib  # noqa: E402
import harness  # noqa: E402

REFERENCE = "/usr/bin/prometheus-postgres-exporter"
TARGET_CPU_RATIO = 0.25
TARGET_RSS_MB = 6.0


def login_cost_ms(binary_dir, pg, password, count=20):
    """CPU of the exporter process per fresh login: scrapes with the reauth interval at its minimum."""
    port = harness.free_port()
    env = dict(os.environ, DATA_SOURCE_NAME="postgresql://exporter:%s@127.0.0.1:%d/postgres?sslmode=disable"
               % (password, pg.port))
    process = harness.Process([os.path.join(binary_dir, "postgres_exporter"), "--web.listen-address=127.0.0.1:%d"
                               % port, "--connection.reauth-interval=0.001"], env=env)
    try:
        harness.wait_for(lambda: harness.port_open(port), timeout=15, what="exporter to listen")
        target = benchlib.Target("relogin", "http://127.0.0.1:%d/metrics" % port, process.pid)
        for _ in range(3):
            benchlib.scrape_once(target)
        before = benchlib.cpu_seconds(process.pid)
        for _ in range(count):
            benchlib.scrape_once(target)
        return 1000 * (benchlib.cpu_seconds(process.pid) - before) / count
    finally:
        process.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    parser.add_argument("--scrapes", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--throughput-seconds", type=float, default=5.0)
    args = parser.parse_args()
    binary_dir = os.path.join(os.path.abspath(args.build_dir), "bin")

    tmp = tempfile.mkdtemp(prefix="bench-postgres-")
    pg = harness.PostgreSQL().start()
    processes = []
    failed = False
    try:
        password = "bench-pw"
        pg.create_user("exporter", password)
        env = dict(os.environ, DATA_SOURCE_NAME="postgresql://exporter:%s@127.0.0.1:%d/postgres?sslmode=disable"
                   % (password, pg.port))
        ours_port, ref_port = harness.free_port(), harness.free_port()
        ours = harness.Process([os.path.join(binary_dir, "postgres_exporter"),
                                "--web.listen-address=127.0.0.1:%d" % ours_port],
                               log_path=os.path.join(tmp, "ours.log"), env=env)
        processes.append(ours)
        reference = harness.Process([REFERENCE, "--web.listen-address=127.0.0.1:%d" % ref_port],
                                    log_path=os.path.join(tmp, "reference.log"), env=env)
        processes.append(reference)
        for port in (ours_port, ref_port):
            harness.wait_for(lambda: harness.port_open(port), timeout=15, what="an exporter to listen")
        targets = [benchlib.Target("ours", "http://127.0.0.1:%d/metrics" % ours_port, ours.pid),
                   benchlib.Target("reference", "http://127.0.0.1:%d/metrics" % ref_port, reference.pid)]
        for target in targets:
            _, _, body = benchlib.scrape_once(target)
            up = harness.sample_value(harness.parse_metrics(body.decode()), "pg_up")
            if up != 1:
                print("%s: pg_up %s" % (target.name, up))
                failed = True

        results = benchlib.compare(targets, scrapes=args.scrapes, warmup=args.warmup)
        print("%s, %d scrapes each, alternating\n" % (pg.sql("SELECT version()").split(" on ")[0], args.scrapes))
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
        for process in processes:
            process.stop()
        processes = []
        time.sleep(0.2)
        print("\nCPU per scrape when every scrape logs in afresh (SCRAM): %.2f ms"
              % login_cost_ms(binary_dir, pg, password))
    finally:
        for process in processes:
            process.stop()
        pg.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
