#!/usr/bin/env python3
"""Benchmarks, side by side with the reference exporters, in one run.

  bench.py                      run every exporter's benchmark (bench/<exporter>.py)
  bench.py node mysqld          run only those
  bench.py compare NAME=URL@PID NAME=URL@PID [--scrapes N]
                                scrape two running exporters alternately and print, for
                                each, CPU per scrape, RSS, p50/p99 latency, series, ratios

Figures are ratios measured in one run on one machine; they are not timed tests.
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import benchlib  # noqa: E402

EXPORTERS = ["node", "mysqld", "postgres", "mattermost"]


def compare(argv):
    parser = argparse.ArgumentParser(prog="bench.py compare")
    parser.add_argument("targets", nargs=2, metavar="NAME=URL@PID")
    parser.add_argument("--scrapes", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args(argv)
    targets = []
    for spec in args.targets:
        name, rest = spec.split("=", 1)
        url, pid = rest.rsplit("@", 1)
        targets.append(benchlib.Target(name, url, int(pid)))
    results = benchlib.compare(targets, scrapes=args.scrapes, warmup=args.warmup)
    print(benchlib.format_table(results, ours=targets[0].name, reference=targets[1].name))
    return 1 if any(r["errors"] for r in results.values()) else 0


def run_all(names, build_dir):
    failed = []
    for name in names:
        script = os.path.join(HERE, name + ".py")
        if not os.path.exists(script):
            print("== %s: no benchmark yet (bench/%s.py)" % (name, name))
            continue
        print("== %s" % name, flush=True)
        env = dict(os.environ, EXPORTERS_BIN=os.path.join(build_dir, "bin"))
        if subprocess.call([sys.executable, script], env=env) != 0:
            failed.append(name)
    if failed:
        print("benchmarks with errors: " + ", ".join(failed))
    return 1 if failed else 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "compare":
        return compare(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exporters", nargs="*", choices=EXPORTERS + [[]], default=[])
    parser.add_argument("--build-dir", default=os.path.join(os.path.dirname(HERE), "build"))
    args = parser.parse_args()
    return run_all(args.exporters or EXPORTERS, os.path.abspath(args.build_dir))


if __name__ == "__main__":
    sys.exit(main())
