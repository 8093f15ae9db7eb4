"""mattermost_exporter against a real process holding known connections.

Loopback listeners stand in for the databases: the master listens on
127.0.0.1:P and [::1]:P (one port, both families), two replicas on
127.0.0.1. scripts/conn_holder.py is the "application": 3 connections to the
master (2 over IPv4, 1 over IPv6, the master given as localhost:P) and 2 to
each replica (one of them through an IPv6 socket to ::ffff:127.0.0.1).
"""
import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

import harness

REPO = harness.REPO
HOLDER = os.path.join(REPO, "scripts", "conn_holder.py")
SECRET = "Sup3r-s3cret%pw"


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


HAVE_IPV6 = ipv6_loopback()


class MattermostExporterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not HAVE_IPV6:
            print("NOTE: ::1 is not available here; the IPv6 connection to the master is replaced by an IPv4 one",
                  file=sys.stderr)
        cls.dir = tempfile.mkdtemp(prefix="mattermost-test-")
        cls.listeners = harness.DatabaseStandIns(ipv6=HAVE_IPV6)
        cls.processes = []

    @classmethod
    def tearDownClass(cls):
        for process in cls.processes:
            process.stop()
        cls.listeners.close()

    def holder(self, endpoints, pidfile=None, name="holder"):
        argv = [sys.executable, HOLDER] + (["--pidfile", pidfile] if pidfile else []) + endpoints
        process = harness.Process(argv, log_path=os.path.join(self.dir, name + ".log"))
        self.processes.append(process)
        harness.wait_for(lambda: "ready" in process.log_text() or not process.alive(), timeout=20,
                         what="conn_holder to connect")
        self.assertTrue(process.alive(), process.log_text())
        return process

    def standard_holder(self, pidfile=None, name="holder"):
        master, (r1, r2) = self.listeners.master, self.listeners.replicas
        v6 = ["[::1]:%d" % master] if HAVE_IPV6 else ["127.0.0.1:%d" % master]
        r2_endpoints = ["127.0.0.1:%d" % r2, "[::ffff:127.0.0.1]:%d" % r2] if HAVE_IPV6 else ["127.0.0.1:%dx2" % r2]
        return self.holder(["127.0.0.1:%dx2" % master] + v6 + ["127.0.0.1:%dx2" % r1] + r2_endpoints, pidfile, name)

    def exporter(self, args):
        exporter = harness.Exporter("mattermost_exporter", args, log_dir=self.dir)
        self.processes.append(exporter.process)
        return exporter

    def db_flags(self):
        master, (r1, r2) = self.listeners.master, self.listeners.replicas
        return ["--db.master=localhost:%d" % master, "--db.replica=127.0.0.1:%d" % r1,
                "--db.replica=localhost:%d" % r2]

    def assert_standard_counts(self, families, holder_pid):
        master, (r1, r2) = self.listeners.master, self.listeners.replicas
        self.assertEqual(harness.sample_value(families, "mattermost_up"), 1)
        self.assertEqual(harness.sample_value(families, "mattermost_db_master_connections_total"), 3)
        self.assertEqual(harness.sample_value(families, "mattermost_db_read_replica_connections_total"), 4)
        self.assertEqual(families["mattermost_db_master_connections_total"]["type"], "gauge")
        self.assertEqual(families["mattermost_db_read_replica_connections_total"]["type"], "gauge")
        detail = {(labels["role"], labels["endpoint"]): value
                  for _, labels, value in families["mattermost_db_connections"]["samples"]}
        self.assertEqual(detail[("master", "localhost:%d" % master)], 3)
        self.assertEqual(sorted(v for (role, _), v in detail.items() if role == "replica"), [2, 2])
        self.assert_sane_process(families, holder_pid)

    def assert_sane_process(self, families, pid):
        value = lambda name: harness.sample_value(families, "mattermost_process_" + name)
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open("/proc/stat") as f:
            btime = next(int(line.split()[1]) for line in f if line.startswith("btime "))
        start = btime + int(fields[19]) / os.sysconf("SC_CLK_TCK")
        self.assertAlmostEqual(value("start_time_seconds"), start, delta=0.02)
        self.assertLess(abs(value("start_time_seconds") - time.time()), 600)
        self.assertEqual(value("open_fds"), len(os.listdir("/proc/%d/fd" % pid)))
        self.assertGreaterEqual(value("cpu_seconds_total"), 0)
        self.assertGreater(value("resident_memory_bytes"), 1e6)
        self.assertGreater(value("virtual_memory_bytes"), value("resident_memory_bytes"))
        self.assertGreater(value("max_fds"), 0)
        self.assertGreaterEqual(value("threads"), 1)
        self.assertEqual(families["mattermost_process_cpu_seconds_total"]["type"], "counter")

    def test_pidfile_with_flags_then_pidfile_changes_then_exit(self):
        pidfile = os.path.join(self.dir, "app.pid")
        holder = self.standard_holder(pidfile, "holder-pidfile")
        exporter = self.exporter(["--process.pidfile=" + pidfile] + self.db_flags())
        families = exporter.metrics()
        self.assert_standard_counts(families, holder.pid)
        # Scraped again (remembered sockets, no fd walk): the same.
        self.assert_standard_counts(exporter.metrics(), holder.pid)
        # Both socket tables agree.
        procfs = self.exporter(["--process.pidfile=" + pidfile, "--db.socket-table=procfs"] + self.db_flags())
        self.assert_standard_counts(procfs.metrics(), holder.pid)

        # The pidfile now names another process: 1 master connection only.
        other = self.holder(["127.0.0.1:%d" % self.listeners.master], name="holder-other")
        with open(pidfile + ".new", "w") as f:
            f.write("%d\n" % other.pid)
        os.replace(pidfile + ".new", pidfile)
        families = exporter.metrics()
        self.assertEqual(harness.sample_value(families, "mattermost_db_master_connections_total"), 1)
        self.assertEqual(harness.sample_value(families, "mattermost_db_read_replica_connections_total"), 0)
        self.assert_sane_process(families, other.pid)

        # It exits: down, HTTP 200, no process or database series.
        other.stop()
        status, text = exporter.scrape()
        self.assertEqual(status, 200)
        families = harness.parse_metrics(text)
        self.assertEqual(harness.sample_value(families, "mattermost_up"), 0)
        leftovers = [name for name in families if name.startswith(("mattermost_process_", "mattermost_db_"))]
        self.assertEqual(leftovers, [])
        self.assertEqual(harness.sample_value(families, "mattermost_scrape_collector_success", collector="db"), 1)
        # The first holder exits too (the pidfile still names the other): still 200 and down.
        holder.stop()
        status, text = exporter.scrape()
        self.assertEqual(status, 200)
        self.assertEqual(harness.sample_value(harness.parse_metrics(text), "mattermost_up"), 0)
        self.assertIn("application process not found", exporter.process.log_text())

    def test_concurrent_scrapes_on_new_connections_stay_exact(self):
        # Each scrape on its own connection moves the namespace's ActiveOpens: the
        # counter either attributes that to its own listener or dumps the table;
        # either way every concurrent scrape must report the exact counts.
        holder = self.standard_holder(name="holder-concurrent")
        exporter = self.exporter(["--process.pid=%d" % holder.pid] + self.db_flags())
        results = []

        def worker():
            for _ in range(15):
                status, text = exporter.scrape()
                families = harness.parse_metrics(text) if status == 200 else {}
                results.append((status, harness.sample_value(families, "mattermost_db_master_connections_total"),
                                harness.sample_value(families, "mattermost_db_read_replica_connections_total")))

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(len(results), 90)
        self.assertEqual(set(results), {(200, 3, 4)})
        self.assertTrue(exporter.process.alive())

    def write_config(self, name, driver, master, replicas):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            json.dump({"ServiceSettings": {"ListenAddress": ":8065"},
                       "SqlSettings": {"DriverName": driver, "DataSource": master, "DataSourceReplicas": replicas,
                                       "MaxIdleConns": 20}}, f, indent=2)
        return path

    def test_pid_with_mattermost_config_in_both_driver_forms(self):
        holder = self.standard_holder(name="holder-config")
        master, (r1, r2) = self.listeners.master, self.listeners.replicas
        quoted = SECRET.replace("%", "%25")
        postgres = self.write_config(
            "config-postgres.json", "postgres",
            "postgres://mmuser:%s@localhost:%d/mattermost?sslmode=disable&connect_timeout=10" % (quoted, master),
            ["postgres://mmuser:%s@127.0.0.1:%d/mattermost?sslmode=disable" % (quoted, r1),
             "postgres://mmuser:%s@localhost:%d/mattermost" % (quoted, r2)])
        mysql = self.write_config(
            "config-mysql.json", "mysql",
            "mmuser:%s@tcp(localhost:%d)/mattermost?charset=utf8mb4,utf8&readTimeout=30s" % (SECRET, master),
            ["mmuser:%s@tcp(127.0.0.1:%d)/mattermost" % (SECRET, r1),
             "mmuser:%s@tcp(localhost:%d)/mattermost" % (SECRET, r2)])
        for config in (postgres, mysql):
            with self.subTest(config=os.path.basename(config)):
                exporter = self.exporter(["--process.pid=%d" % holder.pid, "--mattermost.config=" + config])
                self.assert_standard_counts(exporter.metrics(), holder.pid)
                exporter.stop()
                log = exporter.process.log_text()
                self.assertIn("counting connections to database", log)
                self.assertNotIn(SECRET, log)
                self.assertNotIn("Sup3r", log)

    def test_config_file_and_cmdline_follow_a_restarted_process(self):
        token = os.path.join(self.dir, "restart.pid")  # unique in the holder's command line
        holder = self.standard_holder(token, "holder-restart-1")
        master, (r1, r2) = self.listeners.master, self.listeners.replicas
        cnf = os.path.join(self.dir, "exporter.cnf")
        with open(cnf, "w") as f:
            f.write("[mattermost]\nmaster = localhost:%d\nreplica = 127.0.0.1:%d\nreplica = localhost:%d\n"
                    "process-cmdline = conn_holder[.]py --pidfile %s\n" % (master, r1, r2, token))
        exporter = self.exporter(["--config.file=" + cnf])
        self.assert_standard_counts(exporter.metrics(), holder.pid)
        holder.stop()
        self.assertEqual(harness.sample_value(exporter.metrics(), "mattermost_up"), 0)
        restarted = self.holder(["--pidfile", token, "localhost:%dx2" % master], name="holder-restart-2")
        families = exporter.metrics()
        self.assertEqual(harness.sample_value(families, "mattermost_up"), 1)
        self.assertEqual(harness.sample_value(families, "mattermost_db_master_connections_total"), 2)
        self.assert_sane_process(families, restarted.pid)

    def replace_file(self, path, text):
        with open(path + ".new", "w") as f:
            f.write(text)
        os.replace(path + ".new", path)

    def reload(self, exporter, how):
        """Reloads by SIGHUP or POST /-/reload; returns (HTTP status or None, body, the log lines it wrote)."""
        offset = len(exporter.process.log_text())
        status, body = None, ""
        if how == "SIGHUP":
            os.kill(exporter.process.pid, signal.SIGHUP)
            harness.wait_for(lambda: ("reloaded configuration" in exporter.process.log_text()[offset:]
                                      or "reload failed" in exporter.process.log_text()[offset:]),
                             timeout=10, what="the reload to be logged")
        else:
            request = urllib.request.Request(exporter.url + "/-/reload", data=b"", method="POST")
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status, body = response.status, response.read().decode()
            except urllib.error.HTTPError as e:
                status, body = e.code, e.read().decode()
        return status, body, exporter.process.log_text()[offset:]

    def counts(self, families):
        detail = {(labels["role"], labels["endpoint"]): value
                  for _, labels, value in families["mattermost_db_connections"]["samples"]}
        return (harness.sample_value(families, "mattermost_db_master_connections_total"),
                harness.sample_value(families, "mattermost_db_read_replica_connections_total"), detail)

    def test_reload_rereads_config_file_by_sighup_and_post(self):
        holder = self.standard_holder(name="holder-reload-cnf")
        master, (r1, r2) = self.listeners.master, self.listeners.replicas
        cnf = os.path.join(self.dir, "reload.cnf")
        standard = "[mattermost]\nmaster = localhost:%d\nreplica = 127.0.0.1:%d\nreplica = localhost:%d\n" % (
            master, r1, r2)
        self.replace_file(cnf, standard + "pid = %d\n" % holder.pid)
        exporter = self.exporter(["--config.file=" + cnf])
        self.assert_standard_counts(exporter.metrics(), holder.pid)

        for how in ("SIGHUP", "POST"):
            with self.subTest(how=how):
                # Another master (the first replica's port), one replica: the counts follow.
                self.replace_file(cnf, "[mattermost]\nmaster = 127.0.0.1:%d\nreplica = localhost:%d\npid = %d\n"
                                  % (r1, r2, holder.pid))
                status, body, log = self.reload(exporter, how)
                self.assertIn("reloaded configuration", log)
                if how == "POST":
                    self.assertEqual(status, 200, body)
                self.assertEqual(self.counts(exporter.metrics()),
                                 (2, 2, {("master", "127.0.0.1:%d" % r1): 2, ("replica", "localhost:%d" % r2): 2}))
                # A broken file: the previous config stays, the exporter answers, the log says why.
                self.replace_file(cnf, "[mattermost]\nmaster = localhost:99999\nreplica = 127.0.0.1:%d\npid = %d\n"
                                  % (r1, holder.pid))
                status, body, log = self.reload(exporter, how)
                self.assertIn("reload failed", log)
                self.assertIn("invalid port", log)
                if how == "POST":
                    self.assertEqual(status, 500, body)
                    self.assertIn("invalid port", body)
                self.assertEqual(self.counts(exporter.metrics())[:2], (2, 2))
                # Back to the first file.
                self.replace_file(cnf, standard + "pid = %d\n" % holder.pid)
                status, body, log = self.reload(exporter, how)
                self.assertIn("reloaded configuration", log)
                self.assert_standard_counts(exporter.metrics(), holder.pid)
        # The file names another process: it is followed.
        other = self.holder(["127.0.0.1:%d" % master], name="holder-reload-other")
        self.replace_file(cnf, standard + "pid = %d\n" % other.pid)
        status, body, log = self.reload(exporter, "SIGHUP")
        self.assertIn("reloaded configuration", log)
        families = exporter.metrics()
        self.assertEqual(self.counts(families)[:2], (1, 0))
        self.assert_sane_process(families, other.pid)
        self.assertTrue(exporter.process.alive())

    def test_reload_rereads_mattermost_config_without_leaking_secrets(self):
        holder = self.standard_holder(name="holder-reload-json")
        master, (r1, r2) = self.listeners.master, self.listeners.replicas
        dsn = "mmuser:%s@tcp(%s:%d)/mattermost"
        config = self.write_config("reload.json", "mysql", dsn % (SECRET, "localhost", master),
                                   [dsn % (SECRET, "127.0.0.1", r1), dsn % (SECRET, "localhost", r2)])
        exporter = self.exporter(["--process.pid=%d" % holder.pid, "--mattermost.config=" + config])
        self.assert_standard_counts(exporter.metrics(), holder.pid)
        # The first replica becomes the master, and there is no replica.
        self.replace_file(config, json.dumps({"SqlSettings": {
            "DriverName": "mysql", "DataSource": dsn % (SECRET, "127.0.0.1", r1), "DataSourceReplicas": []}}))
        status, body, log = self.reload(exporter, "POST")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.counts(exporter.metrics()), (2, 0, {("master", "127.0.0.1:%d" % r1): 2}))
        # Truncated JSON, then an unreadable file: refused, the previous databases kept.
        for broken in ('{"SqlSettings": {"DataSource": "mmuser:%s@tcp(' % SECRET, None):
            if broken is None:
                os.unlink(config)
            else:
                self.replace_file(config, broken)
            status, body, log = self.reload(exporter, "SIGHUP")
            self.assertIn("reload failed", log)
            self.assertIn("reload.json", log)
            self.assertEqual(self.counts(exporter.metrics())[:2], (2, 0))
            status, body, _ = self.reload(exporter, "POST")
            self.assertEqual(status, 500, body)
            self.assertNotIn(SECRET, body)
        self.assertNotIn(SECRET, exporter.process.log_text())
        self.assertNotIn("Sup3r", exporter.process.log_text())

    def test_no_databases_serves_process_metrics_with_zero_counts(self):
        exporter = harness.Exporter("mattermost_exporter", ["--process.pid=%d" % os.getpid()])
        self.addCleanup(exporter.stop)
        families = exporter.metrics()
        self.assertEqual(harness.sample_value(families, "mattermost_up"), 1)
        self.assertEqual(harness.sample_value(families, "mattermost_db_master_connections_total"), 0)
        self.assertEqual(harness.sample_value(families, "mattermost_db_read_replica_connections_total"), 0)
        self.assertIn("no databases given", exporter.process.log_text())

    def test_bad_configuration_fails_at_start_without_leaking_secrets(self):
        bad = self.write_config("bad.json", "mysql", "mmuser:%s@tcp(localhost:99999)/mm" % SECRET, [])
        for args, message in [
            (["--process.pid=1", "--mattermost.config=" + bad], "invalid port"),
            (["--db.master=localhost:1"], "no target"),
            (["--process.pid=1", "--db.master=localhost"], "needs a port"),
            (["--process.pid=1", "--mattermost.config=/nonexistent.json"], "cannot read"),
        ]:
            with self.subTest(args=args):
                process = harness.Process([os.path.join(harness.BIN, "mattermost_exporter"),
                                           "--web.listen-address=127.0.0.1:%d" % harness.free_port()] + args,
                                          log_path=os.path.join(self.dir, "bad.log"))
                process.popen.wait(timeout=10)
                self.assertNotEqual(process.popen.returncode, 0)
                log = process.log_text()
                process.stop()
                self.assertIn(message, log)
                self.assertNotIn(SECRET, log)
                os.unlink(os.path.join(self.dir, "bad.log"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
