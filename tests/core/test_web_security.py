"""--web.config.file: TLS, bcrypt basic auth, headers, reload (SIGHUP and
POST /-/reload), and a bad config refused at start and kept out at reload."""
import base64
import crypt
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import harness


def bcrypt(password):
    return crypt.crypt(password, "$2b$04$" + "abcdefghijklmnopqrstuv")


def https_get(url, context, user=None, password=None, method="GET"):
    headers = {}
    if user is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class WebSecurity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="web-security-")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-keyout", os.path.join(cls.dir, "key.pem"), "-out", os.path.join(cls.dir, "cert.pem"),
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cls.context = ssl.create_default_context(cafile=os.path.join(cls.dir, "cert.pem"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def write_config(self, users, extra=""):
        path = os.path.join(self.dir, "web.yml")
        lines = ["tls_server_config:", "  cert_file: cert.pem", "  key_file: key.pem", "basic_auth_users:"]
        lines += ["  %s: %s" % (user, bcrypt(password)) for user, password in users.items()]
        lines += ["http_server_config:", "  headers:", "    X-Content-Type-Options: nosniff"]
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n" + extra)
        return path

    def start(self):
        exporter = harness.Exporter("node_exporter", ["--web.config.file=" + self.write_config({"prom": "s3cret"})])
        self.addCleanup(exporter.stop)
        return exporter, "https://127.0.0.1:%d" % exporter.port

    def test_tls_with_basic_auth(self):
        _, url = self.start()
        self.assertEqual(https_get(url + "/metrics", self.context)[0], 401)
        status, headers, body = https_get(url + "/metrics", self.context, "prom", "s3cret")
        self.assertEqual(status, 200)
        self.assertIn(b"node_exporter_build_info", body)
        self.assertEqual(headers.get("X-Content-Type-Options"), "nosniff")
        self.assertEqual(https_get(url + "/metrics", self.context, "prom", "wrong")[0], 401)
        self.assertEqual(https_get(url + "/metrics", self.context, "mallory", "s3cret")[0], 401)
        status, headers, _ = https_get(url + "/", self.context)
        self.assertEqual(status, 401)
        self.assertEqual(headers.get("WWW-Authenticate"), "Basic")

    def test_plain_http_is_refused(self):
        exporter, _ = self.start()
        with self.assertRaises((urllib.error.URLError, ConnectionError, OSError)):
            urllib.request.urlopen("http://127.0.0.1:%d/metrics" % exporter.port, timeout=5).read()

    def test_reload_by_sighup_and_post(self):
        exporter, url = self.start()
        self.write_config({"prom": "rotated"})
        os.kill(exporter.process.pid, signal.SIGHUP)
        harness.wait_for(lambda: https_get(url + "/metrics", self.context, "prom", "rotated")[0] == 200,
                         timeout=10, what="the new password to work after SIGHUP")
        self.assertEqual(https_get(url + "/metrics", self.context, "prom", "s3cret")[0], 401)

        # A bad new config is refused, says why, and the old one stays in force.
        with open(os.path.join(self.dir, "web.yml"), "a") as f:
            f.write("no_such_section: 1\n")
        status, _, body = https_get(url + "/-/reload", self.context, "prom", "rotated", method="POST")
        self.assertEqual(status, 500)
        self.assertIn(b"no_such_section", body)
        self.assertEqual(https_get(url + "/metrics", self.context, "prom", "rotated")[0], 200)
        self.assertIn("reload failed", exporter.process.log_text())

        self.write_config({"prom": "third"})
        status, _, _ = https_get(url + "/-/reload", self.context, "prom", "rotated", method="POST")
        self.assertEqual(status, 200)
        self.assertEqual(https_get(url + "/metrics", self.context, "prom", "third")[0], 200)
        self.assertEqual(https_get(url + "/-/reload", self.context, "prom", "third")[0], 405)

    def test_bad_web_config_exits_naming_the_problem(self):
        path = self.write_config({"prom": "x"}, extra="tls_server_config_typo: 1\n")
        result = subprocess.run([harness.binary("node_exporter"), "--web.listen-address=127.0.0.1:%d"
                                 % harness.free_port(), "--web.config.file=" + path],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("tls_server_config_typo", result.stderr.decode())
        result = subprocess.run([harness.binary("node_exporter"), "--web.config.file=/nonexistent/web.yml"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("/nonexistent/web.yml", result.stderr.decode())


if __name__ == "__main__":
    unittest.main(verbosity=2)
