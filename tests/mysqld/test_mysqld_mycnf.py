"""A corpus of real-world my.cnf shapes (tests/fixtures/mysqld/mycnf): each file is
first checked with the mariadb client (`mariadb --defaults-file=F -e 'select 1'`),
then must give mysql_up 1 from mysqld_exporter --config.my-cnf=F."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import harness

FIXTURES = os.path.join(harness.REPO, "tests", "fixtures", "mysqld", "mycnf")


class MyCnfCorpusTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mysqld-mycnf-")
        cls.db = harness.MariaDB().start()
        with open(os.path.join(FIXTURES, "manifest.json")) as f:
            cls.manifest = json.load(f)
        for user, password in cls.manifest.values():
            cls.db.create_user(user, password)
        # The corpus with its placeholders filled in: port, socket and its own directory.
        cls.dir = os.path.join(cls.tmp, "mycnf")
        shutil.copytree(FIXTURES, cls.dir)
        for root, _, files in os.walk(cls.dir):
            for name in files:
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    data = f.read()
                data = (data.replace(b"@PORT@", str(cls.db.port).encode())
                        .replace(b"@SOCKET@", cls.db.socket.encode()).replace(b"@DIR@", cls.dir.encode()))
                with open(path, "wb") as f:
                    f.write(data)

    @classmethod
    def tearDownClass(cls):
        cls.db.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_corpus_is_complete(self):
        files = sorted(name for name in os.listdir(FIXTURES) if name.endswith(".cnf"))
        self.assertEqual(files, sorted(self.manifest))
        self.assertGreaterEqual(len(files), 10)

    def test_every_file_the_client_accepts_connects(self):
        for name, (user, _) in sorted(self.manifest.items()):
            with self.subTest(file=name):
                path = os.path.join(self.dir, name)
                client = subprocess.run(["mariadb", "--defaults-file=" + path, "-N", "-B",
                                         "-e", "SELECT CURRENT_USER()"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
                self.assertEqual(client.returncode, 0, "the mariadb client rejects %s: %s"
                                 % (name, client.stderr.decode()))
                self.assertTrue(client.stdout.decode().startswith(user + "@"), client.stdout)
                with harness.Exporter("mysqld_exporter", ["--config.my-cnf=" + path],
                                      log_dir=tempfile.mkdtemp(dir=self.tmp)) as exporter:
                    metrics = exporter.metrics()
                    log = exporter.process.log_text()
                self.assertEqual(harness.sample_value(metrics, "mysql_up"), 1, log)
                processes = harness.sample_value(metrics, "mysql_info_schema_processlist_processes_by_user",
                                                 mysql_user=user)
                self.assertIsNone(processes)  # its own connection is not counted
                self.assertIn(user + "@", log)  # the log names the user it connected as


if __name__ == "__main__":
    unittest.main(verbosity=2)
