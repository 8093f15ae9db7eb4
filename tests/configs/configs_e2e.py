"""The HA monitoring stack of configs/, for real, on loopback.

Starts a MariaDB primary with a replica, a PostgreSQL, our four exporters (from EXPORTERS_BIN,
configured with the example files of configs/ rewritten to this test's addresses), a process
holding database connections for mattermost_exporter, the Alertmanager pair of configs/alertmanager
(if installed), two Prometheus servers running configs/prometheus/prometheus-{a,b}.yml rewritten to
this test's ports, and nginx with configs/nginx/nginx.conf in front of them (if installed).

An exporter that is missing, does not start, or does not serve its families yet is left out with a
printed reason (its job is removed from the generated configs, its dashboard is only parsed); the
Prometheus pair, federation, rules and dashboard parsing always run.

CONFIGS_E2E_REFERENCE=1 puts Debian's reference exporters in place of ours that are not ready
(node, mysqld, postgres), to check the configs against the reference metric names (a development
aid: the families only ours have, such as pg_stat_activity_connections, then have no data).
"""
import concurrent.futures
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
import unittest
import urllib.parse
import warnings

import configs_common as cc
import harness
import yaml

SCRAPE_INTERVAL = "1s"
PASSWORD = "e2e-" + secrets.token_hex(8)  # only ever written to 0600 files and sent over SQL
REFERENCE = os.environ.get("CONFIGS_E2E_REFERENCE") == "1"
REFERENCE_BINARIES = {
    "node": "/usr/bin/prometheus-node-exporter",
    "mysqld": "/usr/bin/prometheus-mysqld-exporter",
    "postgres": "/usr/bin/prometheus-postgres-exporter",
}

# Which dashboard needs which exporter to return data.
DASHBOARD_EXPORTERS = {"node.json": ("node",), "mysql.json": ("mysqld", "mysqld-probe"),
                       "postgresql.json": ("postgres",), "mattermost.json": ("mattermost",)}

HOLDER = r"""
import os, socket, sys, time
pidfile, addresses = sys.argv[1], sys.argv[2:]
held = []
for address in addresses:
    host, port = address.rsplit(":", 1)
    held.append(socket.create_connection((host, int(port)), timeout=5))
with open(pidfile + ".tmp", "w") as f:
    f.write("%d\n" % os.getpid())
os.rename(pidfile + ".tmp", pidfile)
time.sleep(600)
"""


def log(message):
    print("configs_e2e: " + message, flush=True)


def http_json(url, timeout=10.0):
    status, headers, body = harness.http_get(url, timeout=timeout)
    try:
        return status, headers, json.loads(body)
    except ValueError:
        return status, headers, {"status": "error", "error": body[:300].decode(errors="replace")}


def query(port, expr, timeout=10.0):
    """(http status, headers, decoded answer) of an instant query."""
    return http_json("http://127.0.0.1:%d/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": expr})), timeout)


def result(port, expr):
    status, _, answer = query(port, expr)
    if status != 200 or answer.get("status") != "success":
        raise AssertionError("query %r failed (%d): %s" % (expr, status, answer.get("error")))
    return answer["data"]["result"]


def eventually(check, timeout, what):
    """Calls check() until it returns a true value, and returns that; an AssertionError from check()
    counts as "not yet". Gives up after `timeout` seconds with the last assertion's message."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = check()
            if value:
                return value
        except AssertionError as error:
            last = error
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0fs waiting for %s%s" % (timeout, what,
                                                                          ": %s" % last if last else ""))
        time.sleep(0.5)


def rewrite_option_file(source, destination, values, addresses=None):
    """Copies a my.cnf-style example, replacing the values of [group] keys and host:port strings."""
    group = None
    out = []
    with open(source) as f:
        for line in f:
            stripped = line.strip()
            match = re.fullmatch(r"\[([^\]]+)\]", stripped)
            if match:
                group = match.group(1)
            else:
                key = re.match(r"([A-Za-z0-9_.-]+)\s*=", stripped)
                if key and (group, key.group(1)) in values:
                    line = "%s = %s\n" % (key.group(1), values[(group, key.group(1))])
            for old, new in (addresses or {}).items():
                line = line.replace(old, new)
            out.append(line)
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.writelines(out)
    return destination


def flags_file(path, drop=("--web.listen-address",), replace=None):
    flags = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or line.split("=")[0] in drop:
                continue
            for old, new in (replace or {}).items():
                line = line.replace(old, new)
            flags.append(line)
    return flags


class BinlogMariaDB(harness.MariaDB):
    """The harness' MariaDB with a binary log and a server id of its own, to be a primary."""

    def start(self):
        original = harness.Process

        def process(argv, *args, **kwargs):
            if argv and argv[0] == "mariadbd":
                argv = argv + ["--log-bin=mysql-bin", "--server-id=%d" % self.port, "--log-basename=e2e"]
            return original(argv, *args, **kwargs)

        harness.Process = process
        try:
            return super().start()
        finally:
            harness.Process = original


class Stack:
    """Everything the test starts, stopped in reverse order by close()."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="configs-e2e-")
        os.chmod(self.dir, 0o755)
        self.closers = []
        self.exporters = {}  # job -> "127.0.0.1:port" of the exporters that run
        self.binaries = {}  # job -> the binary that runs for it
        self.ready = {}  # exporter -> True, or the reason it is skipped
        self.prometheus = {}  # "a"/"b" -> (port, Process)
        self.alertmanagers = []
        self.nginx_port = None

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def on_close(self, function):
        self.closers.append(function)

    def close(self):
        for function in reversed(self.closers):
            try:
                function()
            except Exception as error:  # keep stopping the rest
                log("cleanup: %s" % error)
        shutil.rmtree(self.dir, ignore_errors=True)

    # ------------------------------------------------------------------ databases
    def start_databases(self):
        self.primary = BinlogMariaDB(base_dir=self.dir)
        self.replica = BinlogMariaDB(base_dir=self.dir)
        self.postgres = harness.PostgreSQL(base_dir=self.dir)
        for server in (self.primary, self.replica, self.postgres):
            self.on_close(server.cleanup)
        # Two mariadb-install-db at once collide on their temporary tables: the MariaDBs one after
        # the other, PostgreSQL meanwhile.
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(lambda: (self.primary.start(), self.replica.start())), pool.submit(self.postgres.start)]
            for future in futures:
                future.result()
        # Replication first: what the primary does from now on reaches the replica.
        self.primary.sql("CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY '%s';"
                         "GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';" % PASSWORD)
        self.replica.sql("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=%d, MASTER_USER='repl', "
                         "MASTER_PASSWORD='%s', MASTER_USE_GTID=slave_pos; START SLAVE;"
                         % (self.primary.port, PASSWORD))
        for server in (self.replica, self.primary):
            # MariaDB 10.5+ wants SLAVE MONITOR for SHOW SLAVE STATUS (REPLICATION CLIENT no longer does).
            server.create_user("exporter", PASSWORD, grants="PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT")
        self.primary.sql("CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY); INSERT INTO app.t VALUES (1);")
        # The connection holder below speaks no protocol: let its connections wait for a login.
        self.primary.sql("SET GLOBAL connect_timeout = 600;")
        self.replica.sql("SET GLOBAL connect_timeout = 600;")
        self.postgres.create_user("exporter", PASSWORD)
        self.postgres.sql("ALTER SYSTEM SET authentication_timeout = '10min';")
        self.postgres.sql("SELECT pg_reload_conf();")

    # ------------------------------------------------------------------ exporters
    def start_exporter(self, job, binary, args, readiness, env=None):
        """Starts one exporter; records it in self.exporters if it serves /metrics, and in
        self.ready whether it serves its families (readiness(exporter) -> None or a reason)."""
        name = os.path.basename(binary)
        if os.path.isabs(binary):
            # harness.Exporter names its log after the binary: keep it in our directory.
            os.makedirs(self.path("bin"), exist_ok=True)
            link = self.path("bin", name)
            if not os.path.exists(link):
                os.symlink(binary, link)
            binary = link
        elif not os.path.exists(os.path.join(harness.BIN, binary)):
            self.ready[job] = "%s is not built" % os.path.join(harness.BIN, binary)
            return None
        log_dir = self.path("logs-" + job)
        os.makedirs(log_dir, exist_ok=True)
        try:
            exporter = harness.Exporter(binary, args, env=env, log_dir=log_dir)
        except (RuntimeError, TimeoutError) as error:
            last_line = str(error).strip().splitlines()[-1] if str(error).strip() else ""
            self.ready[job] = "%s does not start: %s" % (name, last_line[-200:])
            return None
        self.on_close(exporter.stop)
        try:
            status, _ = exporter.scrape("/metrics", timeout=10)
        except OSError as error:
            status = str(error)
        if status != 200:
            self.ready[job] = "%s /metrics answered %s" % (name, status)
            exporter.stop()
            return None
        self.exporters[job] = "127.0.0.1:%d" % exporter.port
        self.binaries[job] = binary
        reason = readiness(exporter)
        self.ready[job] = True if reason is None else "%s: %s" % (name, reason)
        return exporter

    @staticmethod
    def families_reason(exporter, path, required):
        try:
            families = exporter.metrics(path)
        except Exception as error:
            return "%s: %s" % (path, str(error)[:300])
        for name, labels_value in required.items():
            if name not in families:
                return "does not serve %s on %s yet" % (name, path)
            if labels_value is not None and harness.sample_value(families, name) != labels_value:
                return "%s is %s on %s, expected %s" % (name, harness.sample_value(families, name), path,
                                                        labels_value)
        return None

    def start_exporters(self):
        # node_exporter with the host flags of configs/node/.
        textfile_dir = self.path("textfile")
        os.makedirs(textfile_dir)
        node_args = flags_file(os.path.join(cc.CONFIGS, "node", "host.flags"),
                               replace={"/var/lib/node_exporter/textfile_collector": textfile_dir})
        # Ready = serves its main families; the dashboards then need every family they show.
        node_ready = lambda e: self.families_reason(e, "/metrics", {
            "node_cpu_seconds_total": None, "node_memory_MemTotal_bytes": None, "node_scrape_collector_success": None})
        self.start_exporter("node", "node_exporter", node_args, node_ready)

        # mysqld_exporter twice, as configs/ deploys it: a sidecar for the primary (my.cnf, job
        # mysqld) and one serving /probe with the multi-target file (job mysqld-probe: the replica).
        sidecar_cnf = rewrite_option_file(os.path.join(cc.CONFIGS, "mysqld", "my.cnf"), self.path("my.cnf"), {
            ("client", "user"): "exporter", ("client", "password"): '"%s"' % PASSWORD,
            ("client", "host"): "127.0.0.1", ("client", "port"): str(self.primary.port)})
        fleet_cnf = rewrite_option_file(os.path.join(cc.CONFIGS, "mysqld", "my-multi-target.cnf"),
                                        self.path("my-multi-target.cnf"), {
            ("client", "user"): "exporter", ("client", "password"): '"%s"' % PASSWORD,
            ("client.replica", "user"): "exporter", ("client.replica", "password"): '"%s"' % PASSWORD})
        probe = "/probe?target=127.0.0.1:%d&auth_module=client.replica" % self.replica.port
        sidecar_ready = lambda e: self.families_reason(e, "/metrics", {
            "mysql_up": 1, "mysql_global_status_threads_connected": None})
        fleet_ready = lambda e: self.families_reason(e, probe, {"mysql_up": 1})
        self.start_exporter("mysqld", "mysqld_exporter", ["--config.my-cnf=" + sidecar_cnf], sidecar_ready)
        self.start_exporter("mysqld-probe", "mysqld_exporter", ["--config.my-cnf=" + fleet_cnf], fleet_ready)

        # postgres_exporter with configs/postgres/postgres_exporter.cnf.
        pg_cnf = rewrite_option_file(os.path.join(cc.CONFIGS, "postgres", "postgres_exporter.cnf"),
                                     self.path("postgres_exporter.cnf"), {
            ("client", "host"): "127.0.0.1", ("client", "port"): str(self.postgres.port),
            ("client", "user"): "exporter", ("client", "password"): '"%s"' % PASSWORD})
        pg_ready = lambda e: self.families_reason(e, "/metrics", {"pg_up": 1, "pg_stat_database_numbackends": None})
        self.start_exporter("postgres", "postgres_exporter", ["--config.file=" + pg_cnf], pg_ready)

        # The demo application: 2 connections to the master (the MariaDB primary), 1 to each of
        # two replicas (the MariaDB replica and the PostgreSQL).
        pidfile = self.path("app.pid")
        holder = harness.Process([sys.executable, "-c", HOLDER, pidfile,
                                  "127.0.0.1:%d" % self.primary.port, "127.0.0.1:%d" % self.primary.port,
                                  "127.0.0.1:%d" % self.replica.port, "127.0.0.1:%d" % self.postgres.port],
                                 log_path=self.path("holder.log"))
        self.on_close(holder.stop)
        harness.wait_for(lambda: os.path.exists(pidfile) or not holder.alive(), timeout=15, what="the holder")
        if not holder.alive():
            raise RuntimeError("connection holder exited: " + holder.log_text())
        mm_cnf = rewrite_option_file(os.path.join(cc.CONFIGS, "mattermost", "mattermost_exporter.cnf"),
                                     self.path("mattermost_exporter.cnf"), {("mattermost", "pidfile"): pidfile}, {
            "mysql-primary:3306": "127.0.0.1:%d" % self.primary.port,
            "mysql-replica-1:3306": "127.0.0.1:%d" % self.replica.port,
            "mysql-replica-2:3306": "127.0.0.1:%d" % self.postgres.port})
        mm_ready = lambda e: self.families_reason(e, "/metrics", {
            "mattermost_up": 1, "mattermost_db_master_connections_total": None})
        self.start_exporter("mattermost", "mattermost_exporter", ["--config.file=" + mm_cnf], mm_ready)

        if REFERENCE:
            self.start_reference_exporters(locals())

    def start_reference_exporters(self, setup):
        # Not mysqld-probe: Debian's mysqld_exporter 0.14 has no /probe.
        for job in ("node", "mysqld", "postgres"):
            if self.ready.get(job) is True:
                continue
            log("%s: using the reference exporter instead (%s)" % (job, self.ready.get(job)))
            self.exporters.pop(job, None)
            binary = REFERENCE_BINARIES[job.split("-")[0]]
            if job == "node":
                self.start_exporter(job, binary, [], setup["node_ready"])
            elif job == "mysqld":
                self.start_exporter(job, binary, ["--config.my-cnf=" + setup["sidecar_cnf"],
                                                  "--collect.info_schema.processlist"], setup["sidecar_ready"])
            else:
                dsn = "postgresql://exporter:%s@127.0.0.1:%d/postgres?sslmode=disable" % (PASSWORD, self.postgres.port)
                self.start_exporter(job, REFERENCE_BINARIES[job], [], lambda e: self.families_reason(
                    e, "/metrics", {"pg_up": 1}), env={"DATA_SOURCE_NAME": dsn})

    # ------------------------------------------------------------------ Alertmanager pair
    def start_alertmanagers(self):
        if not cc.ALERTMANAGER:
            log("SKIP the Alertmanager pair: prometheus-alertmanager is not installed")
            return
        web = [harness.free_port(), harness.free_port()]
        cluster = [harness.free_port(), harness.free_port()]
        for i in range(2):
            storage = self.path("alertmanager-%d" % i)
            os.makedirs(storage)
            process = harness.Process([
                cc.ALERTMANAGER, "--config.file=" + cc.ALERTMANAGER_CONFIG, "--storage.path=" + storage,
                "--web.listen-address=127.0.0.1:%d" % web[i], "--cluster.listen-address=127.0.0.1:%d" % cluster[i],
                "--cluster.peer=127.0.0.1:%d" % cluster[1 - i], "--cluster.settle-timeout=2s",
                "--cluster.reconnect-timeout=30s"], log_path=storage + ".log")
            self.on_close(process.stop)
            self.alertmanagers.append((web[i], process))
        for port, process in self.alertmanagers:
            harness.wait_for(lambda: harness.port_open(port) or not process.alive(), timeout=20,
                             what="alertmanager to listen")
            if not process.alive():
                raise RuntimeError("alertmanager exited: " + process.log_text()[-2000:])
        self.exporters["alertmanager"] = ["127.0.0.1:%d" % port for port, _ in self.alertmanagers]

    # ------------------------------------------------------------------ Prometheus pair
    def prometheus_config(self, member, ports):
        """configs/prometheus/prometheus-<member>.yml with this test's addresses and intervals."""
        with open(os.path.join(cc.PROMETHEUS_DIR, "prometheus-%s.yml" % member)) as f:
            config = yaml.safe_load(f)
        peer = "b" if member == "a" else "a"
        config["global"].update(scrape_interval=SCRAPE_INTERVAL, evaluation_interval=SCRAPE_INTERVAL,
                                scrape_timeout=SCRAPE_INTERVAL)
        addresses = {
            "prometheus": ["127.0.0.1:%d" % ports[member]],
            "federate": ["127.0.0.1:%d" % ports[peer]],
            "mysqld-probe": ["127.0.0.1:%d" % self.replica.port] if "mysqld-probe" in self.exporters else None,
        }
        for job in ("alertmanager", "node", "mysqld", "postgres", "mattermost"):
            found = self.exporters.get(job)
            addresses[job] = (found if isinstance(found, list) else [found]) if found else None
        unknown = {job["job_name"] for job in config["scrape_configs"]} - set(addresses)
        if unknown:
            raise AssertionError("configs/prometheus has jobs this test does not know: %s" % sorted(unknown))
        kept = []
        for job in config["scrape_configs"]:
            targets = addresses[job["job_name"]]
            if not targets:
                continue
            job["static_configs"] = [{"targets": targets}]
            for rule in job.get("relabel_configs", []):
                if rule.get("target_label") == "__address__" and "replacement" in rule:
                    rule["replacement"] = self.exporters[job["job_name"]]
            kept.append(job)
        config["scrape_configs"] = kept
        if self.alertmanagers:
            config["alerting"]["alertmanagers"] = [{"static_configs": [{"targets": self.exporters["alertmanager"]}]}]
        else:
            del config["alerting"]["alertmanagers"]
        directory = self.path("prometheus-" + member)
        os.makedirs(directory)
        os.symlink(cc.RULES_DIR, os.path.join(directory, "rules"))  # rule_files: rules/*.yml
        path = os.path.join(directory, "prometheus.yml")
        with open(path, "w") as f:
            yaml.safe_dump(config, f, sort_keys=False)
        return path, sorted(job["job_name"] for job in kept)

    def start_prometheus_pair(self):
        ports = {"a": harness.free_port(), "b": harness.free_port()}
        self.config_paths = {}
        for member in ("a", "b"):
            path, self.jobs = self.prometheus_config(member, ports)
            self.config_paths[member] = path
            process = harness.Process([
                cc.PROMETHEUS, "--config.file=" + path, "--storage.tsdb.path=" + self.path("tsdb-" + member),
                "--web.listen-address=127.0.0.1:%d" % ports[member], "--storage.tsdb.retention.time=1h",
                "--log.level=warn"], log_path=self.path("prometheus-%s.log" % member))
            self.on_close(process.stop)
            self.prometheus[member] = (ports[member], process)
        for member, (port, process) in self.prometheus.items():
            def ready():
                if not process.alive():
                    return True
                return harness.port_open(port) and harness.http_get("http://127.0.0.1:%d/-/ready" % port,
                                                                    timeout=2)[0] == 200
            harness.wait_for(ready, timeout=30, what="prometheus-%s to be ready" % member)
            if not process.alive():
                raise RuntimeError("prometheus-%s exited: %s" % (member, process.log_text()[-2000:]))

    # ------------------------------------------------------------------ nginx
    def start_nginx(self):
        if not cc.NGINX:
            log("SKIP the load balancer: nginx is not installed (Debian: nginx-light)")
            return
        directory = self.path("nginx")
        os.makedirs(directory)
        os.chmod(directory, 0o777)  # the workers run unprivileged and keep their temp files here
        ports = {"prometheus": harness.free_port(), "alertmanager": harness.free_port(), "grafana": harness.free_port()}
        with open(cc.NGINX_CONFIG) as f:
            text = f.read()
        backends = {"prometheus-a:9090": self.prometheus["a"][0], "prometheus-b:9090": self.prometheus["b"][0],
                    "grafana-1:3000": harness.free_port(), "grafana-2:3000": harness.free_port()}
        for i, (port, _) in enumerate(self.alertmanagers or [(harness.free_port(), None)] * 2):
            backends["alertmanager-%d:9093" % (i + 1)] = port
        for name, port in backends.items():
            self.assert_replace(text, name)
            text = text.replace(name, "127.0.0.1:%d" % port)
        for listen, port in (("9090", ports["prometheus"]), ("9093", ports["alertmanager"]), ("3000", ports["grafana"])):
            self.assert_replace(text, "listen %s;" % listen)
            text = text.replace("listen %s;" % listen, "listen 127.0.0.1:%d;" % port)
        text = re.sub(r"(?m)^(user|pid|error_log) .*$", "", text)
        text = text.replace("access_log /var/log/nginx/access.log;", "access_log %s/access.log;\n    %s" % (
            directory, " ".join("%s_temp_path %s/%s;" % (kind, directory, kind)
                                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))))
        path = os.path.join(directory, "nginx.conf")
        with open(path, "w") as f:
            f.write(text)
        process = harness.Process([cc.NGINX, "-p", directory, "-c", path, "-e", os.path.join(directory, "error.log"),
                                   "-g", "daemon off; pid %s/nginx.pid;" % directory],
                                  log_path=os.path.join(directory, "stdout.log"))
        self.on_close(process.stop)
        harness.wait_for(lambda: harness.port_open(ports["prometheus"]) or not process.alive(), timeout=15,
                         what="nginx to listen")
        if not process.alive():
            raise RuntimeError("nginx exited: " + process.log_text() + open(os.path.join(directory, "error.log")).read())
        self.nginx_port = ports["prometheus"]

    @staticmethod
    def assert_replace(text, old):
        if old not in text:
            raise AssertionError("configs/nginx/nginx.conf no longer has %r: update this test" % old)


class HaStackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not cc.PROMETHEUS or not cc.PROMTOOL:
            raise unittest.SkipTest("prometheus/promtool (Debian package prometheus) are not installed")
        cls.started = time.monotonic()
        # harness.Exporter leaves the log of an exporter that fails to start open.
        warnings.simplefilter("ignore", ResourceWarning)
        cls.stack = Stack()
        try:
            cls.stack.start_databases()
            cls.stack.start_exporters()
            for job, state in sorted(cls.stack.ready.items()):
                if state is not True:
                    log("SKIP data checks for %s: %s" % (job, state))
            cls.stack.start_alertmanagers()
            cls.stack.start_prometheus_pair()
            cls.stack.start_nginx()
        except BaseException:
            cls.stack.close()
            raise
        cls.a = cls.stack.prometheus["a"][0]
        cls.b = cls.stack.prometheus["b"][0]
        log("stack up in %.1fs; jobs: %s" % (time.monotonic() - cls.started, ", ".join(cls.stack.jobs)))

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()
        log("total %.1fs" % (time.monotonic() - cls.started))

    def ready(self, exporter):
        return self.stack.ready.get(exporter) is True

    # -------------------------------------------------------------- tools
    def test_1_promtool(self):
        for path in list(self.stack.config_paths.values()) + cc.HA_PAIR:
            code, output = cc.run([cc.PROMTOOL, "check", "config", path])
            self.assertEqual(code, 0, output)
        code, output = cc.run([cc.PROMTOOL, "check", "rules"] + cc.RULE_FILES)
        self.assertEqual(code, 0, output)
        code, output = cc.run([cc.PROMTOOL, "test", "rules"] + cc.RULE_TEST_FILES)
        self.assertEqual(code, 0, output)

    # -------------------------------------------------------------- scraping
    def test_2_all_targets_up(self):
        expected = set(self.stack.jobs)
        # The probe job's series carry job="mysqld" (relabelled), like the sidecars'.
        expected_labels = {"mysqld" if job == "mysqld-probe" else job for job in expected}
        for member, port in (("a", self.a), ("b", self.b)):
            def all_up():
                _, _, answer = http_json("http://127.0.0.1:%d/api/v1/targets?state=active" % port)
                targets = answer["data"]["activeTargets"]
                pools = {t["scrapePool"] for t in targets}
                self.assertEqual(pools, expected, "scrape pools of prometheus-" + member)
                down = ["%s %s: %s %s" % (t["scrapePool"], t["scrapeUrl"], t["health"], t["lastError"])
                        for t in targets if t["health"] != "up"]
                self.assertFalse(down, "targets not up on prometheus-%s" % member)
                return True
            eventually(all_up, 20, "every target of prometheus-%s to be up" % member)
            jobs = {sample["metric"]["job"] for sample in result(port, 'up{replica=""} == 1')}
            self.assertEqual(jobs, expected_labels)

    def test_3_federation(self):
        for here, there, peer in ((self.b, self.a, "a"), (self.a, self.b, "b")):
            # The peer's self-monitoring, with its original labels plus the peer's replica label.
            original = result(there, 'prometheus_build_info{job="prometheus", replica=""}')
            self.assertEqual(len(original), 1)
            labels = dict(original[0]["metric"], replica=peer, monitor="exporters-monitoring")
            selector = "{%s}" % ",".join('%s="%s"' % item for item in sorted(labels.items()))
            copies = eventually(lambda: result(here, selector), 15, "federated %s on the peer" % selector)
            self.assertEqual([c["metric"] for c in copies], [labels])
            # The peer's aggregates (job:* recording rules), and nothing of our own bounced back.
            eventually(lambda: result(here, 'job:up:avg{replica="%s", job="prometheus"}' % peer), 20,
                       "the peer's job:up:avg")
            own = "a" if peer == "b" else "b"
            self.assertEqual(result(here, 'count({replica="%s"})' % own), [], "series federated back and forth")
        if self.ready("mysqld") and self.ready("mysqld-probe"):
            # An aggregate over the exporters' series travels too.
            eventually(lambda: result(self.b, 'job:mysql_up:sum{replica="a", job="mysqld"} == 2'), 20,
                       "job:mysql_up:sum (primary and replica) federated from a to b")

    # -------------------------------------------------------------- rules
    def test_4_rules_evaluate_without_errors(self):
        names = {name for name, _ in cc.rule_expressions()}
        for port in (self.a, self.b):
            def evaluated():
                _, _, answer = http_json("http://127.0.0.1:%d/api/v1/rules" % port)
                rules = [r for g in answer["data"]["groups"] for r in g["rules"]]
                self.assertEqual({r["name"] for r in rules}, names)
                pending = [r["name"] for r in rules if r.get("lastEvaluation", "").startswith("0001")]
                self.assertFalse(pending, "not evaluated yet")
                broken = ["%s: %s" % (r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"]
                self.assertFalse(broken, "rules failing on real data")
                return True
            eventually(evaluated, 20, "every rule evaluated without error")
        for name, expr in cc.rule_expressions():
            status, _, answer = query(self.a, expr)
            self.assertEqual(answer.get("status"), "success", "%s: %s" % (name, answer.get("error")))
        # A healthy stack: none of the availability alerts pending or firing.
        quiet = "TargetDown|FederationFailing|MySQLDown|PostgreSQLDown|MattermostDown|MattermostDBConnectionsZero"
        if self.stack.alertmanagers:
            quiet += "|AlertmanagerClusterDegraded"
        # A scrape that failed while the stack was starting (slow sanitized binaries) can leave an alert
        # pending for one evaluation; a healthy stack clears it, a broken one keeps it.
        def quiet_alerts():
            self.assertEqual(result(self.a, 'ALERTS{alertname=~"%s"}' % quiet), [])
            return True
        eventually(quiet_alerts, 30, "no availability alert pending or firing")

    def test_5_recorded_values(self):
        if self.ready("mysqld"):
            ratio = eventually(lambda: result(self.a, "instance:mysql_connections:usage_ratio"), 15, "mysql ratio")
            for sample in ratio:
                self.assertTrue(0 < float(sample["value"][1]) < 1, sample)
        if self.ready("postgres"):
            ratio = eventually(lambda: result(self.a, "instance:pg_connections:usage_ratio"), 15, "pg ratio")
            self.assertTrue(0 < float(ratio[0]["value"][1]) < 1, ratio)
        if self.ready("mattermost"):
            # The holder's connections: 2 to the master, 1 to each of the two replicas.
            counts = eventually(lambda: result(self.a, "instance:mattermost_db_connections:sum"), 15, "mm sum")
            self.assertEqual(float(counts[0]["value"][1]), 4)
            for family, value in (("mattermost_db_master_connections_total", 2),
                                  ("mattermost_db_read_replica_connections_total", 2)):
                samples = result(self.a, '%s{job="mattermost"}' % family)
                self.assertEqual([float(s["value"][1]) for s in samples], [value], family)

    # -------------------------------------------------------------- dashboards
    def test_6_dashboard_queries(self):
        port = self.stack.nginx_port or self.a
        # One budget for all the waits (rate windows and recording rules need a few scrapes), so
        # many queries without data fail quickly instead of each waiting its own time.
        deadline = time.monotonic() + 30
        for path in cc.DASHBOARDS:
            exporters = DASHBOARD_EXPORTERS.get(os.path.basename(path), ())
            not_ready = ["%s (%s)" % (e, self.stack.ready.get(e)) for e in exporters if not self.ready(e)]
            with_data = not not_ready
            if not_ready:
                print("  %s: queries parsed only: %s" % (os.path.basename(path), "; ".join(not_ready)))
            for where, expr in cc.dashboard_queries(cc.load_dashboard(path)):
                with self.subTest(query=where):
                    status, _, answer = query(port, expr)
                    self.assertEqual(answer.get("status"), "success", "%s: %s\n%s" % (where, expr, answer.get("error")))
                    if with_data:
                        eventually(lambda: result(port, expr), max(0.5, deadline - time.monotonic()),
                                   "data for %s: %s" % (where, expr))

    def test_7_alertmanager_cluster(self):
        if not self.stack.alertmanagers:
            self.skipTest("prometheus-alertmanager is not installed")
        eventually(lambda: len(result(self.a, 'alertmanager_cluster_members{job="alertmanager"} == 2')) == 2, 20,
                   "both Alertmanagers to see 2 members")
        _, _, answer = http_json("http://127.0.0.1:%d/api/v1/alertmanagers" % self.a)
        self.assertEqual(len(answer["data"]["activeAlertmanagers"]), 2)

    def test_8_node_container_flags(self):
        # configs/node/container.flags with this host's /proc, /sys and / standing for the mounts.
        if not self.ready("node"):
            self.skipTest("node_exporter: %s" % self.stack.ready.get("node"))
        flags = flags_file(os.path.join(cc.CONFIGS, "node", "container.flags"),
                           replace={"=/host/proc": "=/proc", "=/host/sys": "=/sys", "=/rootfs": "=/"})
        self.assertIn("--path.procfs=/proc", flags)
        exporter = harness.Exporter(self.stack.binaries["node"], flags, log_dir=self.stack.path("logs-node"))
        try:
            families = exporter.metrics()
            for family in ("node_cpu_seconds_total", "node_filesystem_avail_bytes", "node_memory_MemTotal_bytes"):
                self.assertIn(family, families)
            mountpoints = {labels["mountpoint"] for _, labels, _ in families["node_filesystem_avail_bytes"]["samples"]}
            self.assertIn("/", mountpoints)
        finally:
            exporter.stop()

    # -------------------------------------------------------------- failover (last: stops prometheus-a)
    def test_9_one_member_stopped(self):
        lb = self.stack.nginx_port
        if lb:
            status, headers, answer = query(lb, "up")
            self.assertEqual((status, answer["status"]), (200, "success"))
        self.stack.prometheus["a"][1].stop()
        if lb:
            for _ in range(5):
                status, headers, answer = query(lb, 'up{job="prometheus"}')
                self.assertEqual((status, answer.get("status")), (200, "success"), answer)
                self.assertTrue(answer["data"]["result"])
                # X-Upstream lists every member tried: the first request tries a, then b.
                tried = (headers.get("X-Upstream") or headers.get("x-upstream") or "").split(", ")
                self.assertEqual(tried[-1], "127.0.0.1:%d" % self.b, "answered by prometheus-b")
        else:
            print("  nginx not installed: load balancer failover not shown")
        # The survivor notices that its peer's /federate is gone.
        eventually(lambda: result(self.b, 'ALERTS{alertname="FederationFailing", alertstate="pending"}'), 20,
                   "FederationFailing pending on prometheus-b")


if __name__ == "__main__":
    unittest.main(verbosity=2)
