#!/usr/bin/env python3
"""mattermost_exporter against prometheus-process-exporter, watching one process.

The watched process is scripts/conn_holder.py holding 1,000 open fds: 990
/dev/null descriptors opened first, then 7 TCP connections (3 to a "master",
2 to each of two "replicas", loopback listeners run by this script), so the
sockets sit at the end of /proc/PID/fd, the worst place for a walk.

CPU per scrape (from /proc/PID/stat) is measured three ways: benchlib.compare
(scrapes alternating between the exporters, each on a new connection), then for
ours and the reference one after the other: a new HTTP connection per scrape,
and one kept-alive connection (as Prometheus scrapes).
  ours                      mattermost_exporter --process.pidfile --db.master --db.replica
  reference                 prometheus-process-exporter with a config matching only conn_holder.py
  reference-all             prometheus-process-exporter with its packaged example config
                            (every process of the machine), as it is commonly run
Exits non-zero only on scrape errors or wrong connection counts, never on ratios.

    python3 bench/mattermost.py [--build-dir build] [--scrapes 300]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "lib"))

import benchlib  # noqa: E402

REFERENCE = "/usr/bin/prometheus-process-exporter"


def new_connection_cpu_ms(target, scrapes):
    """CPU per scrape with a new HTTP connection per scrape and nothing else
    scraped in between (each connect() moves the namespace's ActiveOpens; ours
    attributes it to its own listener instead of dumping the TCP table)."""
    errors = 0
    for _ in range(10):
        benchlib.scrape_once(target)
    before = benchlib.cpu_seconds(target.pid)
    for _ in range(scrapes):
        status, _, _ = benchlib.scrape_once(target)
        errors += status != 200
    spent = benchlib.cpu_seconds(target.pid) - before
    return 1000 * spent / scrapes, errors


def keepalive_cpu_ms(target, scrapes):
    """CPU per scrape over one kept-alive HTTP connection, as Prometheus scrapes
    (no new connection per scrape, so the namespace's ActiveOpens does not move
    and the exporter can recheck its remembered sockets instead of dumping)."""
    import http.client
    from urllib.parse import urlparse
    url = urlparse(target.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    errors = 0
    for _ in range(10):
        connection.request("GET", url.path, headers=target.headers)
        connection.getresponse().read()
    before = benchlib.cpu_seconds(target.pid)
    for _ in range(scrapes):
        connection.request("GET", url.path, headers=target.headers)
        response = connection.getresponse()
        response.read()
        errors += response.status != 200
    spent = benchlib.cpu_seconds(target.pid) - before
    connection.close()
    return 1000 * spent / scrapes, errors


def wait_ready(process, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "ready" in process.log_text():
            return
        if not process.alive():
            raise RuntimeError("conn_holder exited: " + process.log_text())
        time.sleep(0.05)
    raise TimeoutError("conn_holder not ready")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    parser.add_argument("--scrapes", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--fds", type=int, default=1000, help="open fds of the watched process")
    args = parser.parse_args()
    binary = os.path.join(args.build_dir, "bin", "mattermost_exporter")
    if not os.access(binary, os.X_OK):
        sys.exit("no %s: build first" % binary)
    os.environ["EXPORTERS_BIN"] = os.path.dirname(binary)
    global harness
    import harness  # reads EXPORTERS_BIN at import

    work = tempfile.mkdtemp(prefix="bench-mattermost-")
    listeners = harness.DatabaseStandIns()
    processes = []
    try:
        pidfile = os.path.join(work, "app.pid")
        connections = 7
        extra = args.fds - 3 - connections  # stdin, stdout, stderr
        holder = harness.Process(
            [sys.executable, os.path.join(REPO, "scripts", "conn_holder.py"), "--pidfile", pidfile,
             "--extra-fds", str(extra), "127.0.0.1:%dx2" % listeners.master, "[::1]:%d" % listeners.master,
             "127.0.0.1:%dx2" % listeners.replicas[0], "127.0.0.1:%dx2" % listeners.replicas[1]],
            log_path=os.path.join(work, "holder.log"))
        processes.append(holder)
        wait_ready(holder)
        open_fds = len(os.listdir("/proc/%d/fd" % holder.pid))

        ours = harness.Exporter("mattermost_exporter", [
            "--process.pidfile=" + pidfile, "--db.master=localhost:%d" % listeners.master,
            "--db.replica=127.0.0.1:%d" % listeners.replicas[0], "--db.replica=127.0.0.1:%d" % listeners.replicas[1]],
            log_dir=work)
        processes.append(ours.process)
        config = os.path.join(work, "process-exporter.yml")
        with open(config, "w") as f:
            f.write("process_names:\n  - name: \"{{.Comm}}\"\n    cmdline:\n    - 'conn_holder\\.py'\n")
        ref_port = harness.free_port()
        reference = harness.Process([REFERENCE, "-config.path", config, "-web.listen-address",
                                     "127.0.0.1:%d" % ref_port], log_path=os.path.join(work, "reference.log"))
        processes.append(reference)
        all_port = harness.free_port()
        reference_all = harness.Process(
            [REFERENCE, "-config.path", "/usr/share/doc/prometheus-process-exporter/examples/all.yaml",
             "-web.listen-address", "127.0.0.1:%d" % all_port], log_path=os.path.join(work, "reference-all.log"))
        processes.append(reference_all)
        for port in (ref_port, all_port):
            harness.wait_for(lambda: harness.port_open(port), timeout=15, what="process-exporter to listen")

        families = ours.metrics()
        master = harness.sample_value(families, "mattermost_db_master_connections_total")
        replicas = harness.sample_value(families, "mattermost_db_read_replica_connections_total")
        print("watched pid %d with %d open fds; ours reports master=%s replicas=%s open_fds=%s"
              % (holder.pid, open_fds, master, replicas,
                 harness.sample_value(families, "mattermost_process_open_fds")))
        counts_ok = master == 3 and replicas == 4

        targets = [
            benchlib.Target("ours", ours.url + "/metrics", ours.process.pid),
            benchlib.Target("reference", "http://127.0.0.1:%d/metrics" % ref_port, reference.pid),
            benchlib.Target("reference-all", "http://127.0.0.1:%d/metrics" % all_port, reference_all.pid),
        ]
        results = benchlib.compare(targets, scrapes=args.scrapes, warmup=args.warmup)
        print(benchlib.format_table(results))
        for name in ("reference", "reference-all"):
            print("cpu per scrape ours/%s: %.3f" % (name, results["ours"]["cpu_ms_per_scrape"]
                                                   / max(results[name]["cpu_ms_per_scrape"], 1e-9)))
        keepalive, fresh = {}, {}
        for target in targets[:2]:
            fresh[target.name] = new_connection_cpu_ms(target, args.scrapes)
            keepalive[target.name] = keepalive_cpu_ms(target, args.scrapes)
        print("\n| CPU ms per scrape, %d scrapes each | ours | reference | ratio |\n|---|---|---|---|" % args.scrapes)
        for label, figures in (("new connection per scrape, alone", fresh), ("one kept-alive connection", keepalive)):
            print("| %s | %.3f | %.3f | %.2f |" % (label, figures["ours"][0], figures["reference"][0],
                                                figures["ours"][0] / max(figures["reference"][0], 1e-9)))
        print("| new connection per scrape, alternating (compare) | %.3f | %.3f | %.2f |\n"
              % (results["ours"]["cpu_ms_per_scrape"], results["reference"]["cpu_ms_per_scrape"],
                 results["ours"]["cpu_ms_per_scrape"] / max(results["reference"]["cpu_ms_per_scrape"], 1e-9)))
        tput = benchlib.throughput(targets[0], concurrency=16, duration=5)
        print("ours throughput: %.0f scrapes/s, %d errors" % (tput["scrapes_per_s"], tput["errors"]))
        for label, value in (("new connection per scrape", fresh["ours"][0]),
                             ("kept-alive connection", keepalive["ours"][0])):
            print("target CPU < 1 ms per scrape, %s: %s (%.3f ms)" % (label, "met" if value < 1.0 else "NOT met",
                                                                      value))
        errors = (sum(r["errors"] for r in results.values()) + tput["errors"]
                  + sum(e for _, e in keepalive.values()) + sum(e for _, e in fresh.values()))
        if not counts_ok:
            print("wrong connection counts", file=sys.stderr)
        return 1 if errors or not counts_ok else 0
    finally:
        for process in reversed(processes):
            process.stop()
        listeners.close()


if __name__ == "__main__":
    sys.exit(main())
