#!/usr/bin/env python3
"""`make run`: the whole suite on loopback, in the foreground, until Ctrl-C.

Starts a throwaway MariaDB and PostgreSQL (data under <build>/run/), the four
exporters pointed at them, a demo application process holding connections to
both (MariaDB as master, PostgreSQL as replica) for mattermost_exporter, and a
Prometheus scraping everything. Ctrl-C (or SIGTERM) stops all of it.
"""
import argparse
import os
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "lib"))
import harness  # noqa: E402

PROMETHEUS_CONFIG = """global:
  scrape_interval: 5s
  evaluation_interval: 5s
  external_labels:
    replica: run
scrape_configs:
  - job_name: node
    static_configs: [{{targets: ["127.0.0.1:{node}"]}}]
  - job_name: mysqld
    static_configs: [{{targets: ["127.0.0.1:{mysqld}"]}}]
  - job_name: postgres
    static_configs: [{{targets: ["127.0.0.1:{postgres}"]}}]
  - job_name: mattermost
    static_configs: [{{targets: ["127.0.0.1:{mattermost}"]}}]
"""


def write_private(path, text):
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    parser.add_argument("--exit-after", type=float, default=0,
                        help="stop by itself after this many seconds (for tests); 0 waits for Ctrl-C")
    args = parser.parse_args()
    os.environ["EXPORTERS_BIN"] = os.path.join(os.path.abspath(args.build_dir), "bin")
    harness.BIN = os.environ["EXPORTERS_BIN"]

    run_root = os.path.join(os.path.abspath(args.build_dir), "run")
    os.makedirs(run_root, exist_ok=True)
    run_dir = tempfile.mkdtemp(prefix="suite-", dir=run_root)
    os.chmod(run_dir, 0o755)
    started = []
    stop_requested = []

    def request_stop(signum, _frame):
        stop_requested.append(signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    try:
        print("Starting a throwaway MariaDB and PostgreSQL under %s ..." % run_dir, flush=True)
        mariadb = harness.MariaDB(base_dir=run_dir).start()
        started.append(mariadb)
        postgres = harness.PostgreSQL(base_dir=run_dir).start()
        started.append(postgres)

        db_password = secrets.token_urlsafe(12)
        mariadb.create_user("exporter", db_password)
        mariadb.create_user("app", db_password, grants="USAGE")
        postgres.create_user("exporter", db_password)
        postgres.create_user("app", db_password)

        my_cnf = os.path.join(run_dir, "my.cnf")
        write_private(my_cnf, "[client]\nuser=exporter\npassword=%s\nhost=127.0.0.1\nport=%d\n"
                      % (db_password, mariadb.port))
        postgres_cnf = os.path.join(run_dir, "postgres_exporter.cnf")
        write_private(postgres_cnf, "[client]\nhost=127.0.0.1\nport=%d\nuser=exporter\npassword=%s\n"
                      "dbname=postgres\nsslmode=disable\n" % (postgres.port, db_password))

        # The demo "application": MariaDB as its master, PostgreSQL as its replica.
        app_pidfile = os.path.join(run_dir, "app.pid")
        app = harness.Process(
            [sys.executable, os.path.join(REPO, "scripts", "conn_holder.py"), "--pidfile", app_pidfile,
             "mysql://app@127.0.0.1:%dx3" % mariadb.port, "postgres://app@127.0.0.1:%dx2" % postgres.port],
            log_path=os.path.join(run_dir, "app.log"), env=dict(os.environ, CONN_HOLDER_PASSWORD=db_password))
        started.append(app)
        harness.wait_for(lambda: os.path.exists(app_pidfile) or not app.alive(), timeout=30,
                         what="the demo application to connect")

        logs = os.path.join(run_dir, "logs")
        os.makedirs(logs, exist_ok=True)
        exporter_args = {
            "node": ("node_exporter", []),
            "mysqld": ("mysqld_exporter", ["--config.my-cnf=" + my_cnf]),
            "postgres": ("postgres_exporter", ["--config.file=" + postgres_cnf]),
            "mattermost": ("mattermost_exporter", ["--process.pidfile=" + app_pidfile,
                                                   "--db.master=127.0.0.1:%d" % mariadb.port,
                                                   "--db.replica=127.0.0.1:%d" % postgres.port]),
        }
        exporters = {}
        for job, (binary, binary_args) in exporter_args.items():
            exporters[job] = harness.Exporter(binary, binary_args, log_dir=logs)
            started.append(exporters[job])

        prometheus_dir = os.path.join(run_dir, "prometheus")
        os.makedirs(prometheus_dir)
        prometheus_port = harness.free_port()
        config_path = os.path.join(prometheus_dir, "prometheus.yml")
        with open(config_path, "w") as f:
            f.write(PROMETHEUS_CONFIG.format(**{name: e.port for name, e in exporters.items()}))
        prometheus = harness.Process(
            ["prometheus", "--config.file=" + config_path, "--storage.tsdb.path=" + os.path.join(prometheus_dir, "data"),
             "--web.listen-address=127.0.0.1:%d" % prometheus_port, "--storage.tsdb.retention.time=1d"],
            log_path=os.path.join(logs, "prometheus.log"))
        started.append(prometheus)
        harness.wait_for(lambda: harness.port_open(prometheus_port) or not prometheus.alive(), timeout=30,
                         what="prometheus to listen")
        if not prometheus.alive():
            raise RuntimeError("prometheus exited: " + prometheus.log_text()[-2000:])

        print("\nThe suite is running (logs in %s):" % logs)
        for name, exporter in exporters.items():
            print("  %-11s %s/metrics" % (name, exporter.url))
        print("  %-11s 127.0.0.1:%d (user exporter, password in %s)" % ("MariaDB", mariadb.port, my_cnf))
        print("  %-11s 127.0.0.1:%d (user exporter, password in %s)" % ("PostgreSQL", postgres.port, postgres_cnf))
        print("  %-11s http://127.0.0.1:%d/targets  (try: http://127.0.0.1:%d/graph?g0.expr=up)"
              % ("Prometheus", prometheus_port, prometheus_port))
        print("Press Ctrl-C to stop everything.", flush=True)

        deadline = time.monotonic() + args.exit_after if args.exit_after else None
        while not stop_requested:
            if deadline and time.monotonic() >= deadline:
                break
            for process in [app, prometheus] + [e.process for e in exporters.values()]:
                if not process.alive():
                    print("warning: %s exited; see its log in %s" % (os.path.basename(process.argv[0]), logs),
                          flush=True)
                    raise SystemExit(1)
            time.sleep(0.5)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("\nStopping ...", flush=True)
        for item in reversed(started):
            try:
                item.stop()
            except Exception as error:  # keep stopping the rest
                print("warning: stopping %r: %s" % (item, error))
        shutil.rmtree(run_dir, ignore_errors=True)
        print("Stopped; nothing left running.")


if __name__ == "__main__":
    main()
