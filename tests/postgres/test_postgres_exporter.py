"""Integration tests of postgres_exporter against a real PostgreSQL 15 (and the
Debian prometheus-postgres-exporter 0.11 for compatibility)."""
import concurrent.futures
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import harness

REFERENCE = "/usr/bin/prometheus-postgres-exporter"
EXAMPLE_QUERIES = "/usr/share/doc/prometheus-postgres-exporter/examples/queries.yaml"
SCRAPE_TIMEOUT_HEADER = {"X-Prometheus-Scrape-Timeout-Seconds": "3"}


def dsn(pg, user, password, database="postgres"):
    return "postgresql://%s:%s@127.0.0.1:%d/%s?sslmode=disable" % (user, password, pg.port, database)


def post(url, timeout=10.0):
    request = urllib.request.Request(url, data=b"", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def write_private(path, text):
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(text)


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

    def temp_dir(self):
        path = tempfile.mkdtemp(prefix="pgtest-")
        self.addCleanup(shutil.rmtree, path, True)
        return path

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
        # Each fresh login closed the session it replaced.
        harness.wait_for(lambda: self.pg.sql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'rotating';")
                         .strip() == "1", timeout=10, what="one session of the exporter")
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
        frozen = harness.process_tree(self.pg.process.popen.pid)
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

    def test_reload_config_file(self):
        """SIGHUP and POST /-/reload re-read --config.file; a broken or missing file keeps the old config."""
        good, wrong = "reload-pw-1", "reload-wrong-2"
        self.pg.create_user("reloaded", good)
        path = os.path.join(self.temp_dir(), "exporter.cnf")
        head = "[client]\nhost=127.0.0.1\nport=%d\ndbname=postgres\nsslmode=disable\nuser=reloaded\n" % self.pg.port
        write_private(path, head + "password=%s\n" % good)
        exporter = self.start_exporter(["--config.file=" + path])
        pid = exporter.process.pid

        def sessions():
            return int(self.pg.sql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'reloaded';").strip())

        def reload_log_count():
            return exporter.process.log_text().count("reload failed")

        self.assertEqual(self.pg_up(exporter), 1)
        self.assertEqual(sessions(), 1)

        # A wrong password by SIGHUP: the kept session is closed and the new login fails.
        write_private(path, head + "password=%s\n" % wrong)
        os.kill(pid, signal.SIGHUP)
        harness.wait_for(lambda: "reloaded configuration" in exporter.process.log_text(), timeout=10,
                         what="the SIGHUP reload")
        self.assertEqual(self.pg_up(exporter), 0)
        harness.wait_for(lambda: sessions() == 0, timeout=10, what="the old session to close")

        # Fixed, by POST /-/reload, with a new auth module for /probe.
        probe = "/probe?target=127.0.0.1:%d&auth_module=client.extra" % self.pg.port
        self.assertEqual(exporter.scrape(probe)[0], 400)
        write_private(path, head + "password=\"%s\"\n[client.extra]\napplication_name=probe\n" % good)
        status, body = post(exporter.url + "/-/reload")
        self.assertEqual((status, body), (200, "Reloaded\n"))
        self.assertEqual(self.pg_up(exporter), 1)
        self.assertEqual(sessions(), 1)
        self.assertEqual(self.pg_up(exporter, probe), 1)

        # A syntax error: 500 naming file:line, old config kept, the session too.
        write_private(path, "[client\nuser=reloaded\npassword=%s\n" % wrong)
        status, body = post(exporter.url + "/-/reload")
        self.assertEqual(status, 500)
        self.assertIn(path + ":1", body)
        self.assertEqual(self.pg_up(exporter), 1)
        # An unknown keyword, by SIGHUP: the log names file:line.
        write_private(path, head + "pasword=%s\n" % wrong)
        failures = reload_log_count()
        os.kill(pid, signal.SIGHUP)
        harness.wait_for(lambda: reload_log_count() > failures, timeout=10, what="the failed reload")
        self.assertIn("pasword", exporter.process.log_text())
        self.assertIn(path + ":7", exporter.process.log_text())
        self.assertEqual(self.pg_up(exporter), 1)
        # A missing file, by SIGHUP.
        os.remove(path)
        failures = reload_log_count()
        os.kill(pid, signal.SIGHUP)
        harness.wait_for(lambda: reload_log_count() > failures, timeout=10, what="the failed reload")
        self.assertIn("No such file", exporter.process.log_text())
        self.assertEqual(self.pg_up(exporter), 1)
        self.assertEqual(self.pg_up(exporter, probe), 1)
        self.assertEqual(sessions(), 2)  # /metrics and the probe's

        self.assertTrue(exporter.process.alive())
        self.assertEqual(exporter.process.pid, pid)
        log = exporter.process.log_text()
        self.assertIn(path + ":1", log)
        self.assertNotIn(good, log)
        self.assertNotIn(wrong, log)

    def test_reload_rereads_data_source_files(self):
        """DATA_SOURCE_PASS_FILE is read again on reload (a rotated secret)."""
        self.pg.create_user("rotated_file", "file-pw-1")
        pass_file = os.path.join(self.temp_dir(), "pass")
        write_private(pass_file, "file-pw-1\n")
        exporter = self.start_exporter(env={"DATA_SOURCE_URI": "127.0.0.1:%d/postgres?sslmode=disable" % self.pg.port,
                                            "DATA_SOURCE_USER": "rotated_file", "DATA_SOURCE_PASS_FILE": pass_file})
        self.assertEqual(self.pg_up(exporter), 1)
        self.pg.sql("ALTER ROLE rotated_file PASSWORD 'file-pw-2';")
        self.wait_for_up(exporter, 0)
        write_private(pass_file, "file-pw-2\n")
        self.assertEqual(post(exporter.url + "/-/reload")[0], 200)
        self.assertEqual(self.pg_up(exporter), 1)
        self.assertNotIn("file-pw-", exporter.process.log_text())

    def test_stat_statements(self):
        """The off-by-default pg_stat_statements collector against a server that preloads the module."""
        self.pg.sql("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';")

        def unload():
            self.pg.sql("ALTER SYSTEM RESET shared_preload_libraries;")
            self.pg.stop()
            self.pg.start()

        self.addCleanup(unload)
        self.pg.stop()
        self.pg.start()
        self.pg.sql("CREATE DATABASE stmts;")
        # Runs after the exporters started below have stopped.
        self.addCleanup(self.pg.sql, "DROP DATABASE IF EXISTS stmts WITH (FORCE);")
        self.pg.sql("CREATE EXTENSION pg_stat_statements;", database="stmts")
        args = ["--collector.stat_statements", "--collector.stat_statements.limit=1000"]

        # No extension in the connected database: this collector fails alone.
        absent = self.exporter_for(args=args)
        status, text = absent.scrape(headers=SCRAPE_TIMEOUT_HEADER)
        self.assertEqual(status, 200)
        families = harness.parse_metrics(text)
        self.assertEqual(harness.sample_value(families, "pg_up"), 1)
        self.assertEqual(harness.sample_value(families, "pg_scrape_collector_success", collector="stat_statements"), 0)
        for collector in ("bgwriter", "stat_user_tables", "settings", "stat_database"):
            if harness.sample_value(families, "pg_scrape_collector_success", collector=collector) is not None:
                self.assertEqual(harness.sample_value(families, "pg_scrape_collector_success", collector=collector),
                                 1, collector)
        self.assertIsNotNone(harness.sample_value(families, "pg_stat_bgwriter_buffers_alloc_total"))
        self.assertNotIn("pg_stat_statements_calls_total", families)

        exporter = self.start_exporter(args, {"DATA_SOURCE_NAME": dsn(self.pg, "exporter", self.password, "stmts")})
        probe = "SELECT 42 AS stat_statements_probe;\n"
        self.pg.sql(probe)
        queryid = self.pg.sql("SELECT queryid FROM pg_stat_statements WHERE query LIKE '%AS stat_statements_probe' "
                              "AND query NOT LIKE '%pg_stat_statements%';", database="stmts").strip()
        self.assertRegex(queryid, r"^-?[0-9]+$")

        def calls():
            families = exporter.metrics(headers=SCRAPE_TIMEOUT_HEADER)
            self.assertEqual(
                harness.sample_value(families, "pg_scrape_collector_success", collector="stat_statements"), 1)
            return families, harness.sample_value(families, "pg_stat_statements_calls_total", queryid=queryid,
                                                  user="postgres", datname="postgres")

        families, before = calls()
        self.assertGreaterEqual(before, 1)
        self.assertEqual(families["pg_stat_statements_calls_total"]["type"], "counter")
        for name in ("pg_stat_statements_calls_total", "pg_stat_statements_seconds_total",
                     "pg_stat_statements_rows_total", "pg_stat_statements_block_read_seconds_total",
                     "pg_stat_statements_block_write_seconds_total"):
            self.assertEqual(label_sets(families[name]), {frozenset({"user", "datname", "queryid", "server"})}, name)
        self.assertEqual(harness.sample_value(families, "pg_stat_statements_rows_total", queryid=queryid,
                                              user="postgres", datname="postgres"), before)
        self.pg.sql(probe * 3)
        self.assertEqual(calls()[1], before + 3)

        # The top N by total time only.
        top = self.start_exporter(["--collector.stat_statements", "--collector.stat_statements.limit=2"],
                                  {"DATA_SOURCE_NAME": dsn(self.pg, "exporter", self.password, "stmts")})
        self.assertEqual(len(top.metrics()["pg_stat_statements_calls_total"]["samples"]), 2)

    def test_table_stats_match_the_reference_example_queries(self):
        """pg_stat_user_tables_* / pg_statio_user_tables_* as the reference 0.11 gives them from its example
        queries.yaml: same names, types, label names and values for a table whose counters we know."""
        with open(EXAMPLE_QUERIES) as f:
            example = f.read()
        start, end = example.index("pg_stat_user_tables:"), example.index("pg_stat_statements:")
        queries = os.path.join(self.temp_dir(), "queries.yaml")
        with open(queries, "w") as f:
            f.write(example[start:end])
        self.pg.sql("DROP TABLE IF EXISTS table_stats_t; CREATE TABLE table_stats_t(a int primary key, b text); "
                    "INSERT INTO table_stats_t SELECT g, 'x' FROM generate_series(1, 7) g; "
                    "UPDATE table_stats_t SET b = 'y' WHERE a <= 2; DELETE FROM table_stats_t WHERE a = 7;")
        self.addCleanup(self.pg.sql, "DROP TABLE IF EXISTS table_stats_t;")
        env = dict(os.environ, DATA_SOURCE_NAME=dsn(self.pg, "exporter", self.password))
        port = harness.free_port()
        log_path = os.path.join(os.path.dirname(queries), "reference.log")
        reference = harness.Process([REFERENCE, "--web.listen-address=127.0.0.1:%d" % port, "--disable-default-metrics",
                                     "--disable-settings-metrics", "--extend.query-path=" + queries],
                                    log_path=log_path, env=env)
        self.addCleanup(reference.stop)
        harness.wait_for(lambda: harness.port_open(port), timeout=15, what="reference exporter")
        ours = self.exporter_for(args=["--collector.stat_user_tables", "--collector.statio_user_tables"])
        # The statistics reach the views at the end of each writing transaction (PostgreSQL 15: shared memory).
        harness.wait_for(lambda: harness.sample_value(ours.metrics(), "pg_stat_user_tables_n_tup_del",
                                                      relname="table_stats_t") == 1, timeout=10, what="table stats")
        status, text = harness.scrape("http://127.0.0.1:%d/metrics" % port, timeout=30)
        self.assertEqual(status, 200)
        theirs, mine = harness.parse_metrics(text), ours.metrics()
        names = sorted(n for n in theirs if n.startswith(("pg_stat_user_tables_", "pg_statio_user_tables_")))
        self.assertGreaterEqual(len(names), 25, names)
        for name in names:
            self.assertIn(name, mine)
            self.assertEqual(mine[name]["type"], theirs[name]["type"], name)
            self.assertEqual(label_sets(mine[name]), label_sets(theirs[name]), name)
        for name, value in (("pg_stat_user_tables_n_tup_ins", 7), ("pg_stat_user_tables_n_tup_upd", 2),
                            ("pg_stat_user_tables_n_tup_del", 1), ("pg_stat_user_tables_n_live_tup", 6)):
            for families in (theirs, mine):
                self.assertEqual(harness.sample_value(families, name, relname="table_stats_t", schemaname="public",
                                                      datname="postgres"), value, name)
        self.assertIsNotNone(harness.sample_value(mine, "pg_statio_user_tables_idx_blks_hit", relname="table_stats_t"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
