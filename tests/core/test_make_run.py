"""`make run`'s script: the suite comes up, Prometheus sees every job up within
a minute, and Ctrl-C leaves nothing running."""
import json
import os
import re
import signal
import subprocess
import sys
import time
import unittest
import urllib.parse

import harness


class MakeRun(unittest.TestCase):
    def test_suite_up_then_clean_stop(self):
        build_dir = os.path.dirname(harness.BIN)
        script = os.path.join(harness.REPO, "scripts", "run_suite.py")
        process = subprocess.Popen([sys.executable, "-u", script, "--build-dir", build_dir, "--exit-after", "240"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        output = []
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                line = process.stdout.readline().decode()
                if not line:
                    break
                output.append(line)
                if "Press Ctrl-C" in line:
                    break
            text = "".join(output)
            self.assertIn("Press Ctrl-C", text, text)
            prometheus = re.search(r"Prometheus\s+http://127\.0\.0\.1:(\d+)/", text).group(1)
            exporter_ports = [int(p) for p in re.findall(r"http://127\.0\.0\.1:(\d+)/metrics", text)]
            self.assertEqual(len(exporter_ports), 4, text)

            query = "http://127.0.0.1:%s/api/v1/query?query=%s" % (prometheus, urllib.parse.quote("up"))
            up = {}

            def all_up():
                status, _, body = harness.http_get(query)
                if status != 200:
                    return False
                for result in json.loads(body)["data"]["result"]:
                    up[result["metric"]["job"]] = result["value"][1]
                return len(up) == 4 and all(v == "1" for v in up.values())

            harness.wait_for(all_up, timeout=60, interval=1, what="every job up in Prometheus")
            self.assertEqual(set(up), {"node", "mysqld", "postgres", "mattermost"})

            # The demo application's connections are visible to mattermost_exporter.
            status, _, body = harness.http_get("http://127.0.0.1:%s/api/v1/query?query=%s" % (
                prometheus, urllib.parse.quote("mattermost_db_master_connections_total")))
            results = json.loads(body)["data"]["result"]
            self.assertTrue(results and float(results[0]["value"][1]) > 0, body)
        finally:
            os.killpg(process.pid, signal.SIGINT) if process.poll() is None else None
            rest, _ = process.communicate(timeout=60)
            output.append(rest.decode())
        self.assertEqual(process.returncode, 0, "".join(output))
        self.assertIn("nothing left running", "".join(output))
        for port in exporter_ports + [int(prometheus)]:
            self.assertFalse(harness.port_open(port), "port %d still open after Ctrl-C" % port)


if __name__ == "__main__":
    unittest.main(verbosity=2)
