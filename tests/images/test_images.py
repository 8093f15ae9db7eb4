"""The exporter container images (docker/Dockerfile, built by scripts/images.sh with podman).

Builds the images that do not exist yet (IMAGE_TEST_BUILD=1: all of them; `make image-test` has
just built them all with `make images`), then for each image: at most 25 MB, configured to run as a non-root user,
and, run with `--network host` on a free loopback port, its process runs as uid 65534 and its
/metrics answers 200 with the series that show it works: node_exporter reads the host through
the /host mounts, mysqld_exporter reaches a throwaway MariaDB through a mounted my.cnf,
postgres_exporter a throwaway PostgreSQL through DATA_SOURCE_NAME, mattermost_exporter watches
its own pid 1. Every container is removed at the end.

Run with `make image-test`, or `python3 tests/images/test_images.py` as root.
"""
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
import harness  # noqa: E402

REPO = harness.REPO
STATE_DIR = os.environ.get("IMAGES_STATE_DIR", os.path.join(REPO, "build-images"))
MAX_BYTES = 25 * 1000 * 1000
NOBODY = 65534
PORTS = {"node-exporter": "9100", "mysqld-exporter": "9104", "postgres-exporter": "9187",
         "mattermost-exporter": "8067"}


def podman(*args, check=True, env=None, timeout=120):
    result = subprocess.run(["podman"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env or os.environ, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError("podman %s failed: %s" % (" ".join(args[:2]), result.stderr.decode()[-2000:]))
    return result.stdout.decode().strip()


def inspect(image, template):
    return podman("image", "inspect", "--format", template, image)


class Container:
    """`podman run -d --network host IMAGE ARGS`, removed (with its logs) on exit."""

    def __init__(self, image, args, options=(), env=None):
        self.name = "image-test-%s-%d" % (image.split("/")[-1].split(":")[0], os.getpid())
        podman("rm", "--force", "--ignore", self.name)
        self.id = podman("run", "--detach", "--network", "host", "--name", self.name, *options, image, *args,
                         env=env)

    def pid(self):
        return int(podman("inspect", "--format", "{{.State.Pid}}", self.name))

    def running(self):
        return podman("inspect", "--format", "{{.State.Running}}", self.name) == "true"

    def logs(self):
        result = subprocess.run(["podman", "logs", self.name], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return result.stdout.decode(errors="replace")[-3000:]

    def remove(self):
        podman("rm", "--force", "--time", "5", self.name, check=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class ImageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("podman") is None:
            raise unittest.SkipTest("podman is not installed (apt-get install podman runc debootstrap)")
        if os.geteuid() != 0:
            raise unittest.SkipTest("the image test runs podman as root")
        # The settings scripts/images.sh writes (runc, cgroupfs, no default ulimits).
        conf = os.path.join(STATE_DIR, "containers.conf")
        if os.path.exists(conf):
            os.environ["CONTAINERS_CONF"] = conf
        missing = [t for t in PORTS if subprocess.run(["podman", "image", "exists", "localhost/%s:latest" % t]).returncode]
        build = list(PORTS) if os.environ.get("IMAGE_TEST_BUILD") == "1" else missing
        if build:
            subprocess.run([os.path.join(REPO, "scripts", "images.sh")] + build, check=True, timeout=3600)
            os.environ["CONTAINERS_CONF"] = conf

    def check_image(self, target):
        image = "localhost/%s:latest" % target
        size = int(inspect(image, "{{.Size}}"))
        self.assertLessEqual(size, MAX_BYTES, "%s is %d bytes" % (image, size))
        user = inspect(image, "{{.Config.User}}")
        self.assertNotIn(user.split(":")[0], ("", "0", "root"), "%s runs as %r" % (image, user))
        self.assertIn(PORTS[target] + "/tcp", inspect(image, "{{json .Config.ExposedPorts}}"))
        entrypoint = inspect(image, "{{json .Config.Entrypoint}}")
        self.assertIn("_exporter", entrypoint)
        return image

    def run_and_scrape(self, target, args=(), options=(), env=None, expect=()):
        """Runs the image on a free loopback port, checks its uid and /metrics; the parsed families."""
        image = self.check_image(target)
        port = harness.free_port()
        with Container(image, ["--web.listen-address=127.0.0.1:%d" % port] + list(args), options, env) as container:
            try:
                harness.wait_for(lambda: harness.port_open(port) or not container.running(), timeout=30,
                                 what=target + " to listen")
                self.assertTrue(container.running(), target + " exited:\n" + container.logs())
                with open("/proc/%d/status" % container.pid()) as f:
                    uids = next(line for line in f if line.startswith("Uid:")).split()[1:]
                self.assertEqual({int(u) for u in uids}, {NOBODY}, "uids of " + target)
                status, text = harness.scrape("http://127.0.0.1:%d/metrics" % port)
                self.assertEqual(status, 200, text[:500])
                families = harness.parse_metrics(text)
                for name, value in expect:
                    self.assertEqual(harness.sample_value(families, name), value,
                                     "%s in %s\n%s" % (name, target, container.logs()))
                return families
            except BaseException:
                sys.stderr.write("--- %s logs:\n%s\n" % (target, container.logs()))
                raise

    def test_node_exporter_with_host_mounts(self):
        families = self.run_and_scrape(
            "node-exporter",
            ["--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/rootfs"],
            ["--pid", "host", "--volume", "/proc:/host/proc:ro", "--volume", "/sys:/host/sys:ro",
             "--volume", "/:/rootfs:ro,rslave"])
        self.assertIn("node_exporter_build_info", families)
        # Read from the host's /proc through the mount.
        self.assertIn("node_load1", families)
        boot_time = harness.sample_value(families, "node_boot_time_seconds")
        if boot_time is not None:
            with open("/proc/stat") as f:
                btime = next(int(line.split()[1]) for line in f if line.startswith("btime"))
            self.assertEqual(boot_time, btime)

    def test_mysqld_exporter_with_mounted_my_cnf(self):
        with contextlib.ExitStack() as stack:
            db = stack.enter_context(harness.MariaDB())
            password = "img-%d-secret" % os.getpid()
            db.create_user("exporter", password)
            conf_dir = tempfile.mkdtemp(prefix="image-test-")
            stack.callback(shutil.rmtree, conf_dir, True)
            my_cnf = os.path.join(conf_dir, "my.cnf")
            with open(my_cnf, "w") as f:
                f.write('[client]\nuser = exporter\npassword = "%s"\nhost = 127.0.0.1\nport = %d\n' % (password, db.port))
            # 0600 and owned by the user the exporter runs as, as the docs advise.
            os.chown(my_cnf, NOBODY, NOBODY)
            os.chmod(my_cnf, 0o600)
            families = self.run_and_scrape(
                "mysqld-exporter", ["--config.my-cnf=/etc/mysqld-exporter/my.cnf"],
                ["--volume", my_cnf + ":/etc/mysqld-exporter/my.cnf:ro"], expect=[("mysql_up", 1.0)])
            self.assertIn("mysql_global_status_uptime", families)

    def test_postgres_exporter_with_data_source_name(self):
        with harness.PostgreSQL() as db:
            password = "img-%d-secret" % os.getpid()
            db.create_user("exporter", password)
            # `-e NAME` without a value: podman takes it from its environment, so the password is
            # not in any argv.
            env = dict(os.environ, DATA_SOURCE_NAME="postgresql://exporter:%s@127.0.0.1:%d/postgres?sslmode=disable"
                       % (password, db.port))
            families = self.run_and_scrape("postgres-exporter", options=["--env", "DATA_SOURCE_NAME"], env=env,
                                           expect=[("pg_up", 1.0)])
            self.assertIn("pg_postmaster_start_time_seconds", families)

    def test_mattermost_exporter_watching_pid_1(self):
        # As the issue checks it: the target alone, no database endpoints (counts are then 0).
        families = self.run_and_scrape("mattermost-exporter", ["--process.pid=1"],
                                       expect=[("mattermost_up", 1.0), ("mattermost_db_master_connections_total", 0.0)])
        self.assertIn("mattermost_exporter_build_info", families)


class ComposeTest(unittest.TestCase):
    """docker/compose.yml: valid, and every file it mounts from the repository exists."""

    COMPOSE = os.path.join(REPO, "docker", "compose.yml")

    def test_mounted_files_exist(self):
        base = os.path.dirname(self.COMPOSE)
        sources = []
        with open(self.COMPOSE) as f:
            for line in f:
                match = re.match(r"\s*(?:- |file: )(\.\.?/[^:\s]+)", line)
                if match:
                    sources.append(match.group(1))
        self.assertGreater(len(sources), 10)
        missing = [s for s in sources if not os.path.exists(os.path.normpath(os.path.join(base, s)))]
        self.assertEqual(missing, [], "paths in docker/compose.yml that do not exist")

    @unittest.skipIf(shutil.which("docker-compose") is None, "docker-compose (Debian package) is not installed")
    def test_valid_compose_file(self):
        result = subprocess.run(["docker-compose", "-f", self.COMPOSE, "config", "--quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout.decode())


if __name__ == "__main__":
    unittest.main(verbosity=2)
