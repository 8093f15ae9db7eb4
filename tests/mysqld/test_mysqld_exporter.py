"""mysqld_exporter against a real MariaDB on a loopback port: up, down, restart,
wrong password, missing grants, processlist, /probe, hung and refused servers,
missing config."""
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

import harness

PASSWORD = 'ex"p#ort\\er'  # quotes, '#' and a backslash: the my.cnf must quote and escape it
TIMEOUT_HEADERS = {"X-Prometheus-Scrape-Timeout-Seconds": "3"}


def cnf_quote(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_cnf(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def post(url):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def families_of(text):
    return harness.parse_metrics(text)


class MysqldExporterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mysqld-test-")
        cls.db = harness.MariaDB().start()
        cls.db.create_user("exporter", PASSWORD, "PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT")
        cls.db.create_user("noprocess", "np", "SELECT")
        cls.cnf = write_cnf(cls.tmp, "my.cnf",
                            "[client]\nuser=exporter\npassword=%s\nhost=127.0.0.1\nport=%d\n"
                            "[client.noprocess]\nuser=noprocess\npassword=np\n"
                            "[client.badpass]\npassword=wrong\n" % (cnf_quote(PASSWORD), cls.db.port))
        cls.exporter = harness.Exporter("mysqld_exporter", ["--config.my-cnf=" + cls.cnf], log_dir=cls.tmp)

    @classmethod
    def tearDownClass(cls):
        cls.exporter.stop()
        cls.db.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def fresh_dir(cls):
        return tempfile.mkdtemp(dir=cls.tmp)

    def test_up_and_families(self):
        metrics = self.exporter.metrics()
        self.assertEqual(harness.sample_value(metrics, "mysql_up"), 1)
        self.assertEqual(metrics["mysql_global_status_commands_total"]["type"], "counter")
        self.assertGreater(harness.sample_value(metrics, "mysql_global_status_commands_total", command="select"), -1)
        self.assertEqual(metrics["mysql_global_status_uptime"]["type"], "untyped")
        self.assertGreater(harness.sample_value(metrics, "mysql_global_status_uptime"), 0)
        self.assertIsNotNone(harness.sample_value(metrics, "mysql_global_status_buffer_pool_pages", state="data"))
        self.assertIsNotNone(harness.sample_value(metrics, "mysql_global_status_handlers_total",
                                                  handler="read_rnd_next"))
        self.assertEqual(harness.sample_value(metrics, "mysql_global_variables_max_connections"), 200)
        version = metrics["mysql_version_info"]["samples"][0][1]["version"]
        self.assertIn("MariaDB", version)
        self.assertEqual(harness.sample_value(metrics, "mysql_exporter_last_scrape_error"), 0)
        self.assertIsNotNone(harness.sample_value(metrics, "mysql_exporter_collector_duration_seconds",
                                                  collector="collect.global_status"))
        self.assertIsNotNone(harness.sample_value(metrics, "mysqld_exporter_build_info"))
        self.assertIsNotNone(harness.sample_value(metrics, "process_resident_memory_bytes"))
        # The connection is kept: two more scrapes, one more connection at most.
        before = harness.sample_value(metrics, "mysql_global_status_connections")
        self.exporter.metrics()
        after = harness.sample_value(self.exporter.metrics(), "mysql_global_status_connections")
        self.assertEqual(after, before)
        self.assertNotIn(PASSWORD, self.exporter.process.log_text())

    def test_not_a_replica(self):
        metrics = self.exporter.metrics()
        self.assertIsNotNone(harness.sample_value(metrics, "mysql_exporter_collector_duration_seconds",
                                                  collector="collect.slave_status"))
        self.assertIsNone(harness.sample_value(metrics, "mysql_exporter_scrape_errors_total",
                                               collector="collect.slave_status"))
        self.assertFalse([name for name in metrics if name.startswith("mysql_slave_status_")])

    def test_collect_filter(self):
        status, text = self.exporter.scrape("/metrics?collect[]=global_variables")
        self.assertEqual(status, 200)
        metrics = families_of(text)
        self.assertIn("mysql_global_variables_max_connections", metrics)
        self.assertNotIn("mysql_global_status_uptime", metrics)
        status, _ = self.exporter.scrape("/metrics?collect[]=no_such_collector")
        self.assertEqual(status, 400)

    def test_processlist_follows_connections(self):
        self.db.create_user("sleeper", "zz", "SELECT")

        def count():
            metrics = self.exporter.metrics()
            return (harness.sample_value(metrics, "mysql_info_schema_processlist_processes_by_user",
                                         mysql_user="sleeper") or 0,
                    harness.sample_value(metrics, "mysql_info_schema_processlist_threads",
                                         command="query", state="user_sleep") or 0)

        self.assertEqual(count(), (0, 0))
        clients = []
        try:
            for _ in range(3):
                clients.append(subprocess.Popen(
                    ["mariadb", "--no-defaults", "-h127.0.0.1", "-P%d" % self.db.port, "-usleeper", "-pzz",
                     "-e", "SELECT SLEEP(20)"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            harness.wait_for(lambda: count() == (3, 3), timeout=15, what="3 sleeping connections")
            for client in clients[:2]:
                client.kill()
                client.wait()
            self.db.sql("KILL USER sleeper")
            clients[2].wait(10)
        finally:
            for client in clients:
                if client.poll() is None:
                    client.kill()
                    client.wait()
        harness.wait_for(lambda: count() == (0, 0), timeout=15, what="the connections to go")

    def test_missing_grants_fail_only_their_collectors(self):
        status, text = harness.scrape("%s/probe?target=127.0.0.1:%d&auth_module=client.noprocess"
                                      % (self.exporter.url, self.db.port))
        self.assertEqual(status, 200)
        metrics = families_of(text)
        self.assertEqual(harness.sample_value(metrics, "mysql_up"), 1)
        self.assertEqual(harness.sample_value(metrics, "mysql_exporter_last_scrape_error"), 1)
        failed = {labels["collector"] for _, labels, value in metrics["mysql_exporter_scrape_errors_total"]["samples"]
                  if value > 0}
        # information_schema.innodb_cmp* need PROCESS; SHOW ALL SLAVES STATUS needs SLAVE MONITOR.
        self.assertEqual(failed, {"collect.info_schema.innodb_cmp", "collect.info_schema.innodb_cmpmem",
                                  "collect.slave_status"})
        self.assertIn("mysql_global_status_uptime", metrics)
        self.assertIn("mysql_version_info", metrics)

    def test_probe_auth_modules(self):
        base = self.exporter.url + "/probe"
        status, text = harness.scrape(base + "?target=127.0.0.1:%d" % self.db.port)
        self.assertEqual(status, 200)
        self.assertEqual(harness.sample_value(families_of(text), "mysql_up"), 1)
        status, text = harness.scrape(base + "?target=unix://%s&auth_module=client.noprocess" % self.db.socket)
        self.assertEqual(status, 200)
        self.assertEqual(harness.sample_value(families_of(text), "mysql_up"), 1)
        # [client.badpass] inherits the user of [client] but not its password.
        status, text = harness.scrape(base + "?target=127.0.0.1:%d&auth_module=client.badpass" % self.db.port)
        self.assertEqual(status, 200)
        self.assertEqual(harness.sample_value(families_of(text), "mysql_up"), 0)
        self.assertEqual(harness.scrape(base)[0], 400)
        self.assertEqual(harness.scrape(base + "?target=")[0], 400)
        self.assertEqual(harness.scrape(base + "?target=127.0.0.1:%d&auth_module=client.nope" % self.db.port)[0], 400)
        self.assertEqual(harness.scrape(base + "?target=127.0.0.1:notaport")[0], 400)

    def test_wrong_password(self):
        cnf = write_cnf(self.tmp, "wrong.cnf", "[client]\nuser=exporter\npassword=Wr0ngSecret\nhost=127.0.0.1\n"
                        "port=%d\n" % self.db.port)
        with harness.Exporter("mysqld_exporter", ["--config.my-cnf=" + cnf], log_dir=self.fresh_dir()) as exporter:
            for _ in range(3):
                metrics = exporter.metrics()
                self.assertEqual(harness.sample_value(metrics, "mysql_up"), 0)
                self.assertEqual(harness.sample_value(metrics, "mysql_exporter_last_scrape_error"), 1)
            self.assertTrue(exporter.process.alive())
            log = exporter.process.log_text()
        self.assertIn("Access denied", log)
        self.assertNotIn("Wr0ngSecret", log)
        # Logged once per change of state, not on every scrape.
        self.assertEqual(log.count("Access denied"), 1)

    def test_password_from_environment(self):
        cnf = write_cnf(self.tmp, "nopass.cnf", "[client]\nuser=exporter\n")
        with harness.Exporter("mysqld_exporter", ["--config.my-cnf=" + cnf, "--mysqld.address=127.0.0.1:%d"
                                                  % self.db.port], env={"MYSQLD_EXPORTER_PASSWORD": PASSWORD},
                              log_dir=self.fresh_dir()) as exporter:
            self.assertEqual(harness.sample_value(exporter.metrics(), "mysql_up"), 1)
            with open("/proc/%d/cmdline" % exporter.process.pid, "rb") as f:
                self.assertNotIn(PASSWORD.encode(), f.read())

    def check_down_within_deadline(self, port):
        cnf = write_cnf(self.tmp, "down-%d.cnf" % port,
                        "[client]\nuser=exporter\npassword=x\nhost=127.0.0.1\nport=%d\n" % port)
        elapsed = []
        with harness.Exporter("mysqld_exporter", ["--config.my-cnf=" + cnf], log_dir=self.fresh_dir()) as exporter:
            for _ in range(2):
                start = time.monotonic()
                status, text = exporter.scrape(headers=TIMEOUT_HEADERS, timeout=10)
                elapsed.append(time.monotonic() - start)
                self.assertEqual(status, 200)
                self.assertLess(elapsed[-1], 3.0)
                metrics = families_of(text)
                self.assertEqual(harness.sample_value(metrics, "mysql_up"), 0)
                self.assertIsNotNone(harness.sample_value(metrics, "process_resident_memory_bytes"))
            self.assertTrue(exporter.process.alive())
            return exporter.process.log_text(), elapsed

    def test_refused_port(self):
        log, _ = self.check_down_within_deadline(harness.free_port())
        self.assertEqual(log.count("Error pinging mysqld"), 1)

    def test_hung_port(self):
        server = harness.HungListener()
        try:
            log, elapsed = self.check_down_within_deadline(server.port)
            self.assertGreater(min(elapsed), 2.0)  # it did wait for the server, up to the deadline
            self.assertTrue(server.accepted)
            self.assertEqual(log.count("Error pinging mysqld"), 1)
        finally:
            server.close()

    def test_concurrent_scrapes_share_one_collection(self):
        # Against a server that never answers, a collection lasts the whole deadline: scrapes arriving
        # meanwhile (an HA Prometheus pair) must join it rather than open connections of their own.
        server = harness.HungListener()
        try:
            cnf = write_cnf(self.tmp, "shared.cnf",
                            "[client]\nuser=exporter\npassword=x\nhost=127.0.0.1\nport=%d\n" % server.port)
            with harness.Exporter("mysqld_exporter", ["--config.my-cnf=" + cnf], log_dir=self.fresh_dir()) as exporter:
                results = []

                def scrape():
                    status, text = exporter.scrape(headers=TIMEOUT_HEADERS, timeout=10)
                    results.append((status, harness.sample_value(families_of(text), "mysql_up")))

                threads = [threading.Thread(target=scrape) for _ in range(3)]
                for thread in threads:
                    thread.start()
                    time.sleep(0.2)
                for thread in threads:
                    thread.join(10)
            self.assertEqual(results, [(200, 0)] * 3)
            self.assertEqual(len(server.accepted), 1)
        finally:
            server.close()

    def test_missing_config(self):
        path = os.path.join(self.tmp, "does-not-exist.cnf")
        result = subprocess.run([os.path.join(harness.BIN, "mysqld_exporter"), "--config.my-cnf=" + path,
                                 "--web.listen-address=127.0.0.1:%d" % harness.free_port()],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=10)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(path, result.stderr.decode())


class ReloadTest(unittest.TestCase):
    def test_reload_rereads_the_my_cnf(self):
        tmp = tempfile.mkdtemp(prefix="mysqld-reload-")
        db = harness.MariaDB().start()
        try:
            db.create_user("rotating", "first-pw")
            cnf = write_cnf(tmp, "my.cnf", "[client]\nuser=rotating\npassword=first-pw\nhost=127.0.0.1\n"
                            "port=%d\n" % db.port)
            with harness.Exporter("mysqld_exporter", ["--config.my-cnf=" + cnf], log_dir=tmp) as exporter:
                up = lambda: harness.sample_value(exporter.metrics(headers=TIMEOUT_HEADERS), "mysql_up")
                self.assertEqual(up(), 1)
                # The password is rotated and the kept connection dropped: down until the file follows.
                db.sql("ALTER USER 'rotating'@'127.0.0.1' IDENTIFIED BY 'second-pw';"
                       "ALTER USER 'rotating'@'localhost' IDENTIFIED BY 'second-pw'; KILL USER rotating;")
                self.assertEqual(up(), 0)
                # A config that does not parse is refused and the old one kept.
                write_cnf(tmp, "my.cnf", "[client]\nuser=rotating\nport=notaport\n")
                status = post(exporter.url + "/-/reload")
                self.assertEqual(status, 500)
                write_cnf(tmp, "my.cnf", "[client]\nuser=rotating\npassword=second-pw\nhost=127.0.0.1\n"
                          "port=%d\n" % db.port)
                status = post(exporter.url + "/-/reload")
                self.assertEqual(status, 200)
                self.assertEqual(up(), 1)
                log = exporter.process.log_text()
            self.assertIn("Reloaded my.cnf", log)
            self.assertNotIn("second-pw", log)
        finally:
            db.cleanup()
            shutil.rmtree(tmp, ignore_errors=True)


class RestartTest(unittest.TestCase):
    def test_restart_without_restarting_the_exporter(self):
        tmp = tempfile.mkdtemp(prefix="mysqld-restart-")
        db = harness.MariaDB().start()
        try:
            db.create_user("exporter", "pw")
            cnf = write_cnf(tmp, "my.cnf", "[client]\nuser=exporter\npassword=pw\nhost=127.0.0.1\nport=%d\n" % db.port)
            with harness.Exporter("mysqld_exporter", ["--config.my-cnf=" + cnf], log_dir=tmp) as exporter:
                up = lambda: harness.sample_value(exporter.metrics(headers=TIMEOUT_HEADERS), "mysql_up")
                self.assertEqual(up(), 1)
                db.stop()
                self.assertEqual(up(), 0)
                self.assertEqual(up(), 0)
                db.start()
                self.assertEqual(up(), 1)
                self.assertTrue(exporter.process.alive())
                log = exporter.process.log_text()
            self.assertEqual(log.count("Error pinging mysqld"), 1)
            self.assertEqual(log.count("Connected to mysqld"), 2)
        finally:
            db.cleanup()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
