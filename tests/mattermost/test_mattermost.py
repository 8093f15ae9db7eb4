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
import time
import unittest

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
