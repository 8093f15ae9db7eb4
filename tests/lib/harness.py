"""Throwaway servers and exporter processes for tests and `make run`.

Everything binds to loopback on free ports and lives under a temporary
directory; nothing touches the system's own database servers. Standard
library only.
"""
import contextlib
import gzip
import os
import pwd
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("EXPORTERS_BIN", os.path.join(REPO, "build", "bin"))
TEST_BIN = os.environ.get("EXPORTERS_TEST_BIN", os.path.join(REPO, "build", "test-bin"))
# The binaries were built with AddressSanitizer/UBSan (make test-sanitize).
SANITIZED = os.environ.get("EXPORTERS_SANITIZED") == "1"


def binary(name):
    """Path of an exporter binary, or of a test-only one (test_exporter)."""
    if os.path.isabs(name):
        return name
    path = os.path.join(BIN, name)
    return path if os.path.exists(path) else os.path.join(TEST_BIN, name)
PG_BIN = "/usr/lib/postgresql/15/bin"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=30.0, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError("timed out waiting for " + what)


def port_open(port, host="127.0.0.1"):
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def http_get(url, headers=None, timeout=10.0):
    """(status, headers, body bytes); never raises for an HTTP error status."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def scrape(url, timeout=10.0, headers=None):
    status, response_headers, body = http_get(url, headers=headers, timeout=timeout)
    if response_headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return status, body.decode()


def parse_metrics(text):
    """{family: {"type": t, "samples": [(name, labels dict, value)]}} from the text format."""
    families = {}
    types = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
            families.setdefault(name, {"type": kind, "samples": []})
            continue
        if not line or line.startswith("#"):
            continue
        name, labels, value = _parse_sample(line)
        family = name
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix) and name[: -len(suffix)] in types:
                family = name[: -len(suffix)]
        families.setdefault(family, {"type": types.get(family, "untyped"), "samples": []})
        families[family]["samples"].append((name, labels, float(value.split()[0])))
    return families


def _parse_sample(line):
    if "{" not in line.split(" ", 1)[0]:
        name, value = line.split(" ", 1)
        return name, {}, value
    name, rest = line.split("{", 1)
    labels = {}
    i = 0
    while rest[i] != "}":
        eq = rest.index("=", i)
        key = rest[i:eq].strip(", ")
        j = eq + 2
        value = []
        while rest[j] != '"':
            if rest[j] == "\\":
                j += 1
                value.append({"n": "\n"}.get(rest[j], rest[j]))
            else:
                value.append(rest[j])
            j += 1
        labels[key] = "".join(value)
        i = j + 1
        while rest[i] in ", ":
            i += 1
    return name, labels, rest[i + 1 :].strip()


def process_tree(root):
    """root and all its descendants (PostgreSQL's children, and runuser's, may start their own sessions)."""
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


def sample_value(families, name, **labels):
    """The value of the one sample of `name` whose labels include `labels`; None if absent."""
    for family in families.values():
        for sample_name, sample_labels, value in family["samples"]:
            if sample_name == name and all(sample_labels.get(k) == v for k, v in labels.items()):
                return value
    return None


class HungListener:
    """Accepts TCP connections on 127.0.0.1 and never writes a byte: a server
    that hangs after the handshake. A context manager; `.port`."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.stopping = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
                self.accepted.append(conn)
            except OSError:
                continue

    def close(self):
        self.stopping = True
        self.thread.join(2)
        for conn in self.accepted:
            conn.close()
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DatabaseStandIns:
    """Loopback listeners standing in for a master (127.0.0.1 and, with ipv6,
    [::1] on the same port) and two replicas: every connection is accepted and
    held, in a thread. `.master`, `.replicas`; close() when done."""

    def __init__(self, ipv6=True):
        self.sockets = []
        self.held = []
        self.running = True
        master4 = self._listen(socket.AF_INET, "127.0.0.1", 0)
        self.master = master4.getsockname()[1]
        if ipv6:
            self._listen(socket.AF_INET6, "::1", self.master)
        self.replicas = [self._listen(socket.AF_INET, "127.0.0.1", 0).getsockname()[1] for _ in range(2)]
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _listen(self, family, host, port):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((host, port))
        sock.listen(64)
        self.sockets.append(sock)
        return sock

    def _loop(self):
        while self.running:
            readable, _, _ = select.select(self.sockets, [], [], 0.1)
            for sock in readable:
                self.held.append(sock.accept()[0])

    def close(self):
        self.running = False
        self.thread.join()
        for sock in self.sockets + self.held:
            sock.close()


class Process:
    """A child process that is stopped (and its group killed) on close."""

    def __init__(self, argv, log_path=None, env=None, user=None, cwd=None):
        self.argv = argv
        self.log_path = log_path
        self.log = open(log_path, "ab") if log_path else subprocess.DEVNULL
        if user and os.geteuid() == 0:
            argv = ["runuser", "-u", user, "--"] + argv
        self.popen = subprocess.Popen(argv, stdout=self.log, stderr=self.log, env=env, cwd=cwd,
                                      start_new_session=True)

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=15.0):
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        if self.log not in (None, subprocess.DEVNULL):
            self.log.close()
            self.log = None
        return self.popen.returncode

    def log_text(self):
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")


def _run(argv, user=None, **kwargs):
    if user and os.geteuid() == 0:
        argv = ["runuser", "-u", user, "--"] + argv
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs)


class MariaDB:
    """A throwaway mariadbd on 127.0.0.1:<free port>, data in a temp dir.

    root@localhost has no password over the Unix socket; `sql()` runs
    statements as root through the `mariadb` client.
    """

    def __init__(self, base_dir=None, port=None, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="mariadb-", dir=base_dir)
        self.datadir = os.path.join(self.dir, "data")
        self.tmpdir = os.path.join(self.dir, "tmp")
        os.makedirs(self.tmpdir)
        self.socket = os.path.join(self.dir, "mysqld.sock")
        self.port = port or free_port()
        self.extra_args = list(extra_args)  # e.g. ["--log-bin", "--server-id=1"] for a primary
        self.process = None
        self.user = "root" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

    def start(self):
        if not os.path.isdir(os.path.join(self.datadir, "mysql")):
            # A private tmpdir: two installs sharing /tmp collide on their temporary tables.
            _run(["mariadb-install-db", "--no-defaults", "--datadir=" + self.datadir, "--user=" + self.user,
                  "--auth-root-authentication-method=socket", "--skip-test-db", "--tmpdir=" + self.tmpdir])
        self.process = Process(
            ["mariadbd", "--no-defaults", "--datadir=" + self.datadir, "--socket=" + self.socket,
             "--port=%d" % self.port, "--bind-address=127.0.0.1", "--user=" + self.user,
             "--pid-file=" + os.path.join(self.dir, "mysqld.pid"), "--tmpdir=" + self.tmpdir,
             "--innodb-buffer-pool-size=16M", "--performance-schema=OFF", "--max-connections=200",
             "--log-error=" + os.path.join(self.dir, "error.log")]
            + (self.extra_args or ["--skip-log-bin"]),
            log_path=os.path.join(self.dir, "stdout.log"))
        wait_for(lambda: self._ping() or not self.process.alive(), timeout=60, what="mariadbd to start")
        if not self.process.alive():
            raise RuntimeError("mariadbd exited: " + self.error_log())
        return self

    def _ping(self):
        return subprocess.run(["mariadb-admin", "--no-defaults", "--socket=" + self.socket, "-uroot", "ping"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0

    def error_log(self):
        path = os.path.join(self.dir, "error.log")
        return open(path).read()[-3000:] if os.path.exists(path) else ""

    def sql(self, statements, database=None):
        argv = ["mariadb", "--no-defaults", "--socket=" + self.socket, "-uroot", "-N", "-B"]
        if database:
            argv.append(database)
        result = subprocess.run(argv, input=statements.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if result.returncode != 0:
            raise RuntimeError("SQL failed: " + result.stderr.decode())
        return result.stdout.decode()

    # SLAVE MONITOR: what SHOW SLAVE STATUS needs on MariaDB 10.5 and later.
    def create_user(self, name, password, grants="PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT"):
        escaped = password.replace("\\", "\\\\").replace("'", "\\'")
        self.sql("CREATE USER IF NOT EXISTS '%s'@'127.0.0.1' IDENTIFIED BY '%s';"
                 "CREATE USER IF NOT EXISTS '%s'@'localhost' IDENTIFIED BY '%s';"
                 "GRANT %s ON *.* TO '%s'@'127.0.0.1'; GRANT %s ON *.* TO '%s'@'localhost';"
                 % (name, escaped, name, escaped, grants, name, grants, name))

    def stop(self):
        if self.process:
            self.process.stop()
            self.process = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()


class PostgreSQL:
    """A throwaway PostgreSQL 15 on 127.0.0.1:<free port>, data in a temp dir.

    Runs as the invoking user, or as `postgres` when invoked as root (the
    server refuses root). Local socket connections are trusted; TCP ones need
    a password (scram-sha-256). The superuser is `postgres`.
    """

    def __init__(self, base_dir=None, port=None):
        self.dir = tempfile.mkdtemp(prefix="postgres-", dir=base_dir)
        self.datadir = os.path.join(self.dir, "data")
        self.port = port or free_port()
        self.process = None
        self.os_user = "postgres" if os.geteuid() == 0 else None
        if self.os_user:
            entry = pwd.getpwnam(self.os_user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
            os.chmod(self.dir, 0o755)

    def start(self):
        if not os.path.isdir(self.datadir):
            _run([PG_BIN + "/initdb", "-D", self.datadir, "-U", "postgres", "--auth-local=trust",
                  "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"], user=self.os_user)
        self.process = Process(
            [PG_BIN + "/postgres", "-D", self.datadir, "-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
             "-c", "unix_socket_directories=" + self.dir, "-c", "fsync=off", "-c", "shared_buffers=16MB",
             "-c", "max_connections=100", "-c", "logging_collector=off"],
            log_path=os.path.join(self.dir, "postgres.log"), user=self.os_user)
        wait_for(lambda: self._ready() or not self.process.alive(), timeout=60, what="postgres to start")
        if not self.process.alive():
            raise RuntimeError("postgres exited: " + self.process.log_text()[-3000:])
        return self

    def _ready(self):
        return subprocess.run([PG_BIN + "/pg_isready", "-h", self.dir, "-p", str(self.port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0

    def sql(self, statements, database="postgres"):
        argv = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", self.dir, "-p", str(self.port),
                "-U", "postgres", "-d", database]
        result = subprocess.run(argv, input=statements.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if result.returncode != 0:
            raise RuntimeError("SQL failed: " + result.stderr.decode())
        return result.stdout.decode()

    def create_user(self, name, password, superuser=False):
        escaped = password.replace("'", "''")
        role = "SUPERUSER" if superuser else "IN ROLE pg_monitor"
        self.sql("CREATE ROLE \"%s\" LOGIN PASSWORD '%s' %s;" % (name, escaped, role))

    def stop(self):
        if self.process:
            self.process.stop(sig=signal.SIGINT)  # fast shutdown
            self.process = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()


class ExporterDatabases:
    """A throwaway MariaDB and PostgreSQL, each with an `exporter` user, and the
    arguments that point each of our four exporters at them."""

    def __init__(self, password="exporter-pw"):
        self.dir = tempfile.mkdtemp(prefix="exporter-dbs-")
        self.mariadb = MariaDB().start()
        self.mariadb.create_user("exporter", password)
        self.postgres = PostgreSQL().start()
        self.postgres.create_user("exporter", password)
        self.my_cnf = os.path.join(self.dir, "my.cnf")
        with open(os.open(self.my_cnf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write("[client]\nuser=exporter\npassword=%s\nhost=127.0.0.1\nport=%d\n" % (password, self.mariadb.port))
        self.postgres_dsn = "postgresql://exporter:%s@127.0.0.1:%d/postgres?sslmode=disable" % (password, self.postgres.port)

    def start(self, binary):
        """Our `binary` configured for these databases (mattermost watches mariadbd)."""
        if binary == "mysqld_exporter":
            return Exporter(binary, ["--config.my-cnf=" + self.my_cnf])
        if binary == "postgres_exporter":
            return Exporter(binary, env={"DATA_SOURCE_NAME": self.postgres_dsn})
        if binary == "mattermost_exporter":
            return Exporter(binary, ["--process.pid=%d" % self.mariadb.process.pid,
                                     "--db.master=127.0.0.1:%d" % self.mariadb.port])
        return Exporter(binary)

    def cleanup(self):
        self.mariadb.cleanup()
        self.postgres.cleanup()
        shutil.rmtree(self.dir, ignore_errors=True)


class Exporter:
    """One of our exporter binaries on a free loopback port."""

    def __init__(self, name, args=(), env=None, log_dir=None, port=None):
        self.port = port or free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        log_dir = log_dir or tempfile.mkdtemp(prefix=os.path.basename(name) + "-")
        self.process = Process([binary(name), "--web.listen-address=127.0.0.1:%d" % self.port]
                               + list(args), log_path=os.path.join(log_dir, os.path.basename(name) + ".log"),
                               env=dict(os.environ, **(env or {})))
        wait_for(lambda: port_open(self.port) or not self.process.alive(), timeout=15, what=name + " to listen")
        if not self.process.alive():
            log = self.process.log_text()
            self.process.stop()
            raise RuntimeError(name + " exited: " + log)

    def scrape(self, path="/metrics", timeout=10.0, headers=None):
        return scrape(self.url + path, timeout=timeout, headers=headers)

    def metrics(self, path="/metrics", **kwargs):
        status, text = self.scrape(path, **kwargs)
        if status != 200:
            raise AssertionError("scrape of %s returned %d: %s" % (path, status, text[:500]))
        return parse_metrics(text)

    def stop(self):
        return self.process.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
