"""Integration tests of postgres_exporter against a real PostgreSQL 15 (and the
Debian prometheus-postgres-exporter 0.11 for compatibility)."""
import concurrent.futures
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import harness

REFERENCE = "/usr/bin/prometheus-postgres-exporter"
SCRAPE_TIMEOUT_HEADER = {"X-Prometheus-Scrape-Timeout-Seconds": "3"}


def dsn(pg, user, password, database="postgres"):
    return "postgresql://%s:%s@127.0.0.1:%d/%s?sslmode=disable" % (user, password, pg.port, database)


def process_tree(root):
    """root and all its descendants (PostgreSQL's children each start their own session)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def label_sets(family):
    return {frozenset(labels) for _, labels, _ in family["samples"]}


class PostgresExporterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = harness.PostgreSQL()
        cls.pg.start()
        cls.password = "s3cret-Pw'x"
        cls.pg.create_user("exporter", cls.password)

    @classmethod
    def tearDownClass(cls):
        cls.pg.cleanup()

    def start_exporter(self, args=(), env=None):
        exporter = harness.Exporter("postgres_exporter", args=args, env=env or {})
        self.addCleanup(exporter.stop)
        return exporter

    def exporter_for(self, user="exporter", password=None, args=()):
        password = self.password if password is None else password
        return self.start_exporter(args, {"DATA_SOURCE_NAME": dsn(self.pg, user, password)})

    def pg_up(self, exporter, path="/metrics"):
        status, text = exporter.scrape(path, headers=SCRAPE_TIMEOUT_HEADER)
        self.assertEqual(status, 200, text[:300])
        return harness.sample_value(harness.parse_metrics(text), "pg_up")

    def wait_for_up(self, exporter, value, timeout=10.0):
        seen = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen.append(self.pg_up(exporter))
            if seen[-1] == value:
                return
            time.sleep(0.2)
        self.fail("pg_up never became %s (saw %s)" % (value, seen[-5:]))

    def test_up_with_truthful_values(self):
        exporter = self.exporter_for()
        families = exporter.metrics()
        self.assertEqual(harness.sample_value(families, "pg_up"), 1)
        # The harness starts the server with shared_buffers=16MB and max_connections=100.
        self.assertEqual(harness.sample_value(families, "pg_settings_shared_buffers_bytes"), 16 * 1024 * 1024)
        self.assertEqual(harness.sample_value(families, "pg_settings_max_connections"), 100)
        server = "127.0.0.1:%d" % self.pg.port
        static = families["pg_static"]["samples"][0][1]
        self.assertEqual(static["server"], server)
        self.assertTrue(static["short_version"].startswith("15."), static)
        self.assertEqual(harness.sample_value(families, "pg_replication_is_replica", server=server), 0)
        start = harness.sample_value(families, "pg_postmaster_start_time_seconds", server=server)
        self.assertLess(abs(start - time.time()), 3600)
        self.assertIsNotNone(harness.sample_value(families, "pg_stat_database_xact_commit", datname="postgres"))
        self.assertEqual(harness.sample_value(families, "pg_exporter_last_scrape_error"), 0)
        for name, labels, value in families["pg_scrape_collector_success"]["samples"]:
            self.assertEqual(value, 1, labels)
        first = harness.sample_value(families, "pg_exporter_scrapes_total")
        self.assertEqual(harness.sample_value(exporter.metrics(), "pg_exporter_scrapes_total"), first + 1)
        log = exporter.process.log_text()
        self.assertIn("password=******", log)
        self.assertNotIn(self.password, log)

    def test_compatibility_with_reference(self):
        env = dict(os.environ, DATA_SOURCE_NAME=dsn(self.pg, "exporter", self.password))
        port = harness.free_port()
        log_path = os.path.join(tempfile.mkdtemp(prefix="pgref-"), "reference.log")
        reference = harness.Process([REFERENCE, "--web.listen-address=127.0.0.1:%d" % port], log_path=log_path,
                                    env=env)
        self.addCleanup(reference.stop)
        harness.wait_for(lambda: harness.port_open(port), timeout=15, what="reference exporter")
        ours = self.exporter_for()
        status, text = harness.scrape("http://127.0.0.1:%d/metrics" % port, timeout=30)
        self.assertEqual(status, 200)
        theirs = harness.parse_metrics(text)
        mine = ours.metrics()
        names = sorted(n for n in theirs if n.startswith("pg_"))
        self.assertGreater(len(names), 250)
        same, different = 0, []
        for name in names:
            if name in mine and mine[name]["type"] == theirs[name]["type"] and \
                    label_sets(mine[name]) == label_sets(theirs[name]):
                same += 1
            else:
                different.append(name)
        share = same / len(names)
        print("\ncompatibility: %d of %d pg_* families of the reference with the same type and label names "
              "(%.1f%%); different: %s" % (same, len(names), 100 * share, different[:20]), file=sys.stderr)
        self.assertGreaterEqual(share, 0.95, different)

    def test_activity_counts_follow_connections(self):
        exporter = self.exporter_for()
        app = "activity-test"

        def connections():
            return harness.sample_value(exporter.metrics(), "pg_stat_activity_connections", application_name=app,
                                        state="idle", usename="postgres", datname="postgres")

        self.assertIsNone(connections())
        clients = []
        for _ in range(3):
            clients.append(subprocess.Popen(
                ["psql", "-X", "-q", "-h", self.pg.dir, "-p", str(self.pg.port), "-U", "postgres", "-d", "postgres"],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env=dict(os.environ, PGAPPNAME=app)))
        try:
            harness.wait_for(lambda: connections() == 3, timeout=15, what="3 idle connections")
            idle = harness.sample_value(exporter.metrics(), "pg_stat_activity_count", datname="postgres",
                                        state="idle")
            self.assertGreaterEqual(idle, 3)
        finally:
            for client in clients:
                client.stdin.close()
                client.wait(timeout=10)
        harness.wait_for(lambda: connections() is None, timeout=15, what="connections to close")

    def test_password_change_and_revoked_login_while_running(self):
        self.pg.create_user("rotating", "first-pw")
        exporter = self.exporter_for("rotating", "first-pw")
        self.assertEqual(self.pg_up(exporter), 1)
        self.pg.sql("ALTER ROLE rotating PASSWORD 'second-pw';")
        self.wait_for_up(exporter, 0)
        self.pg.sql("ALTER ROLE rotating PASSWORD 'first-pw';")
        self.wait_for_up(exporter, 1)
        self.pg.sql("ALTER ROLE rotating NOLOGIN;")
        self.wait_for_up(exporter, 0)
        self.pg.sql("ALTER ROLE rotating LOGIN;")
        self.wait_for_up(exporter, 1)
        self.assertNotIn("first-pw", exporter.process.log_text())

    def test_wrong_password(self):
        exporter = self.exporter_for(password="not-the-password")
        self.assertEqual(self.pg_up(exporter), 0)
        families = exporter.metrics()
        self.assertEqual(harness.sample_value(families, "pg_exporter_last_scrape_error"), 1)
        log = exporter.process.log_text()
        self.assertIn("password authentication failed", log)
        self.assertNotIn("not-the-password", log)

    def test_refused_port_answers_inside_the_deadline(self):
        port = harness.free_port()
        exporter = self.start_exporter(env={"DATA_SOURCE_NAME": "postgresql://u:p@127.0.0.1:%d/db" % port})
        for _ in range(2):
            start = time.monotonic()
            self.assertEqual(self.pg_up(exporter), 0)
            self.assertLess(time.monotonic() - start, 3.0)

    def test_hung_listener_answers_inside_the_deadline(self):
        listener = harness.HungListener()
        self.addCleanup(listener.close)
        exporter = self.start_exporter(
            env={"DATA_SOURCE_NAME": "postgresql://u:p@127.0.0.1:%d/db?sslmode=disable" % listener.port})
        for _ in range(3):
            start = time.monotonic()
            self.assertEqual(self.pg_up(exporter), 0)
            self.assertLess(time.monotonic() - start, 3.0)
        self.assertGreaterEqual(len(listener.accepted), 1)
        self.assertIn("timeout", exporter.process.log_text())

    def test_down_and_restart_without_restarting_the_exporter(self):
        exporter = self.exporter_for()
        self.assertEqual(self.pg_up(exporter), 1)
        self.pg.stop()
        try:
            start = time.monotonic()
            self.assertEqual(self.pg_up(exporter), 0)
            self.assertLess(time.monotonic() - start, 3.0)
        finally:
            self.pg.start()
        self.wait_for_up(exporter, 1)
        self.assertTrue(exporter.process.alive())
        self.assertIn(exporter.process.log_text().count("PostgreSQL is unreachable"), (1, 2))

    def test_server_frozen_after_connecting(self):
        """A server that stops answering mid-session (SIGSTOP): 200 with pg_up 0 inside the deadline."""
        exporter = self.exporter_for()
        self.assertEqual(self.pg_up(exporter), 1)
        frozen = process_tree(self.pg.process.popen.pid)
        self.assertGreater(len(frozen), 3)
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        try:
            for _ in range(2):
                start = time.monotonic()
                self.assertEqual(self.pg_up(exporter), 0)
                self.assertLess(time.monotonic() - start, 3.0)
        finally:
            for pid in frozen:
                os.kill(pid, signal.SIGCONT)
        self.wait_for_up(exporter, 1)

    def test_statement_blocked_on_a_lock(self):
        """A collector stuck behind a lock is cancelled by statement_timeout; the rest is served."""
        exporter = self.exporter_for()
        self.assertEqual(self.pg_up(exporter), 1)
        locker = subprocess.Popen(
            ["psql", "-X", "-q", "-h", self.pg.dir, "-p", str(self.pg.port), "-U", "postgres", "-d", "postgres"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            locker.stdin.write(b"BEGIN; LOCK TABLE pg_database IN ACCESS EXCLUSIVE MODE;\n")
            locker.stdin.flush()
            time.sleep(1)
            start = time.monotonic()
            status, text = exporter.scrape(headers=SCRAPE_TIMEOUT_HEADER)
            self.assertLess(time.monotonic() - start, 3.0)
            self.assertEqual(status, 200)
            families = harness.parse_metrics(text)
            self.assertEqual(harness.sample_value(families, "pg_up"), 1)
            self.assertEqual(harness.sample_value(families, "pg_scrape_collector_success", collector="locks"), 0)
            self.assertEqual(harness.sample_value(families, "pg_scrape_collector_success", collector="bgwriter"), 1)
            self.assertIsNotNone(harness.sample_value(families, "pg_stat_bgwriter_buffers_alloc_total"))
        finally:
            locker.stdin.close()
            locker.wait(timeout=10)
        self.wait_for_up(exporter, 1)

    def test_streaming_replica(self):
        # A base backup of the primary over its Unix socket (trusted), -R writes standby.signal and
        # primary_conninfo; a named slot makes slot_name visible on the primary.
        self.pg.sql("SELECT pg_create_physical_replication_slot('test_slot');")

        def drop_slot():  # once the replica (cleaned up first) has disconnected
            harness.wait_for(lambda: self.pg.sql("SELECT count(*) FROM pg_replication_slots "
                                                 "WHERE slot_name = 'test_slot' AND active").strip() == "0",
                             timeout=20, what="the slot to be released")
            self.pg.sql("SELECT pg_drop_replication_slot('test_slot');")

        self.addCleanup(drop_slot)
        replica = harness.PostgreSQL()
        self.addCleanup(replica.cleanup)
        harness._run(["/usr/lib/postgresql/15/bin/pg_basebackup", "-h", self.pg.dir, "-p", str(self.pg.port), "-U",
                      "postgres", "-D", replica.datadir, "-R", "-S", "test_slot", "-X", "stream"],
                     user=replica.os_user)
        replica.start()
        primary = self.exporter_for()

        def streaming():
            families = primary.metrics()
            return harness.sample_value(families, "pg_stat_replication_pg_wal_lsn_diff", state="streaming",
                                        slot_name="test_slot")

        harness.wait_for(lambda: streaming() is not None, timeout=20, what="the replica to stream")
        families = primary.metrics()
        self.assertEqual(harness.sample_value(families, "pg_replication_is_replica"), 0)
        self.assertEqual(harness.sample_value(families, "pg_replication_slots_active", slot_name="test_slot"), 1)
        standby = self.start_exporter(env={"DATA_SOURCE_NAME": "postgresql://exporter:%s@127.0.0.1:%d/postgres"
                                           "?sslmode=disable" % (self.password, replica.port)})
        families = standby.metrics()
        self.assertEqual(harness.sample_value(families, "pg_up"), 1)
        self.assertEqual(harness.sample_value(families, "pg_replication_is_replica"), 1)
        self.assertGreaterEqual(harness.sample_value(families, "pg_replication_lag"), 0)
        for _, labels, value in families["pg_scrape_collector_success"]["samples"]:
            self.assertEqual(value, 1, labels)

    def test_probe_with_two_auth_modules(self):
        self.pg.create_user("probe_a", "pa-secret")
        self.pg.create_user("probe_b", "pb-secret")
        config = tempfile.NamedTemporaryFile("w", suffix=".cnf", delete=False)
        config.write("[client]\nsslmode=disable\ndbname=postgres\nuser=nobody\n"
                     "[client.a]\nuser=probe_a\npassword=pa-secret\n"
                     "[client.b]\nuser=probe_b\npassword=\"pb-secret\"\n"
                     "[client.wrong]\nuser=probe_a\npassword=nope\n")
        config.close()
        self.addCleanup(os.remove, config.name)
        exporter = self.start_exporter(["--config.file=" + config.name])
        target = "127.0.0.1:%d" % self.pg.port
        self.assertEqual(self.pg_up(exporter, "/probe?target=%s&auth_module=client.a" % target), 1)
        families = exporter.metrics("/probe?target=%s&auth_module=client.b" % target)
        self.assertEqual(harness.sample_value(families, "pg_up"), 1)
        users = {labels["usename"] for _, labels, _ in families["pg_stat_activity_connections"]["samples"]}
        self.assertTrue({"probe_a", "probe_b"} <= users, users)
        self.assertEqual(harness.sample_value(families, "pg_static", server=target), 1)
        self.assertEqual(self.pg_up(exporter, "/probe?target=%s&auth_module=client.wrong" % target), 0)
        self.assertEqual(exporter.scrape("/probe")[0], 400)
        self.assertEqual(exporter.scrape("/probe?target=%s&auth_module=client.nope" % target)[0], 400)
        self.assertNotIn("pb-secret", exporter.process.log_text())

    def test_missing_config_file_exits_naming_the_path(self):
        path = "/nonexistent/postgres-exporter/my.cnf"
        result = subprocess.run([harness.binary("postgres_exporter"), "--web.listen-address=127.0.0.1:%d" %
                                 harness.free_port(), "--config.file=" + path],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20,
                                env={k: v for k, v in os.environ.items() if not k.startswith("DATA_SOURCE")})
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(path, result.stderr.decode())

    def test_uri_user_pass_variables_and_collector_flags(self):
        self.pg.sql("CREATE TABLE IF NOT EXISTS compat_t(a int); INSERT INTO compat_t VALUES (1);")
        pass_file = tempfile.NamedTemporaryFile("w", delete=False)
        pass_file.write(self.password + "\n")
        pass_file.close()
        self.addCleanup(os.remove, pass_file.name)
        exporter = self.start_exporter(
            ["--no-collector.settings", "--collector.stat_user_tables"],
            {"DATA_SOURCE_URI": "127.0.0.1:%d/postgres?sslmode=disable" % self.pg.port,
             "DATA_SOURCE_USER": "postgres", "DATA_SOURCE_PASS_FILE": pass_file.name})
        self.pg.sql("ALTER ROLE postgres PASSWORD '%s';" % self.password.replace("'", "''"))
        families = exporter.metrics()
        self.assertEqual(harness.sample_value(families, "pg_up"), 1)
        self.assertFalse([n for n in families if n.startswith("pg_settings_")])
        self.assertIsNotNone(harness.sample_value(families, "pg_stat_user_tables_n_tup_ins", relname="compat_t"))

    def test_concurrent_scrapes_share_one_connection(self):
        exporter = self.exporter_for()
        self.assertEqual(self.pg_up(exporter), 1)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: exporter.scrape(headers=SCRAPE_TIMEOUT_HEADER), range(16)))
        for status, text in results:
            self.assertEqual(status, 200)
            self.assertEqual(harness.sample_value(harness.parse_metrics(text), "pg_up"), 1)
        families = exporter.metrics()
        ours = sum(value for _, labels, value in families["pg_stat_activity_connections"]["samples"]
                   if labels["application_name"] == "postgres_exporter" and labels["usename"] == "exporter")
        self.assertEqual(ours, 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
