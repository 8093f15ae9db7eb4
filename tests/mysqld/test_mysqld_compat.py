"""Family compatibility with prometheus-mysqld-exporter 0.14 (Debian) on the same
MariaDB: at least 95% of the reference's families must exist here with the same
type and the same label names."""
import os
import shutil
import subprocess
import tempfile
import unittest

import harness

REFERENCE = "/usr/bin/prometheus-mysqld-exporter"
COLLECT_FLAGS = ["--collect.info_schema.processlist", "--collect.info_schema.tables"]


def signature(family):
    return family["type"], {frozenset(labels) for _, labels, _ in family["samples"]}


def compare(ours, reference):
    """(matching family names, [differences])."""
    same, differences = [], []
    for name, family in sorted(reference.items()):
        if name not in ours:
            differences.append("missing %s (%s)" % (name, family["type"]))
        elif signature(ours[name]) != signature(family):
            differences.append("differs %s: ours %s, reference %s" % (name, signature(ours[name]), signature(family)))
        else:
            same.append(name)
    return same, differences


@unittest.skipUnless(os.path.exists(REFERENCE), "prometheus-mysqld-exporter is not installed")
class CompatibilityTest(unittest.TestCase):
    def test_families_match_the_reference(self):
        tmp = tempfile.mkdtemp(prefix="mysqld-compat-")
        db = harness.MariaDB().start()
        sleeper = reference = None
        try:
            db.create_user("exporter", "compat-pw", "PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT")
            db.sql("CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY, note TEXT);"
                   "INSERT INTO shop.orders VALUES (1, 'a'), (2, 'b');")
            cnf = os.path.join(tmp, "my.cnf")
            with open(cnf, "w") as f:
                f.write("[client]\nuser=exporter\npassword=compat-pw\nhost=127.0.0.1\nport=%d\n" % db.port)
            # A client connection that both exporters see in the processlist.
            sleeper = subprocess.Popen(["mariadb", "--no-defaults", "--socket=" + db.socket, "-uroot",
                                        "-e", "SELECT SLEEP(60)"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            port = harness.free_port()
            reference = harness.Process([REFERENCE, "--web.listen-address=127.0.0.1:%d" % port,
                                         "--config.my-cnf=" + cnf] + COLLECT_FLAGS,
                                        log_path=os.path.join(tmp, "reference.log"))
            harness.wait_for(lambda: harness.port_open(port), timeout=15, what="the reference exporter")
            with harness.Exporter("mysqld_exporter", ["--config.my-cnf=" + cnf] + COLLECT_FLAGS,
                                  log_dir=tmp) as ours:
                harness.wait_for(lambda: harness.sample_value(
                    ours.metrics(), "mysql_info_schema_processlist_threads", command="query", state="user_sleep"),
                    timeout=10, what="the sleeping connection")
                status, text = harness.scrape("http://127.0.0.1:%d/metrics" % port)
                self.assertEqual(status, 200)
                reference_families = harness.parse_metrics(text)
                our_families = ours.metrics()
        finally:
            if reference:
                reference.stop()
            if sleeper:
                sleeper.kill()
                sleeper.wait()
            db.cleanup()
            shutil.rmtree(tmp, ignore_errors=True)

        self.assertEqual(harness.sample_value(reference_families, "mysql_up"), 1)
        self.assertEqual(harness.sample_value(our_families, "mysql_up"), 1)
        same, differences = compare(our_families, reference_families)
        share = len(same) / len(reference_families)
        non_go = [name for name in reference_families if not name.startswith("go_")]
        share_non_go = len([name for name in same if not name.startswith("go_")]) / len(non_go)
        print("\ncompatibility: %d of %d reference families match (%.1f%%); %.1f%% of the %d that are not go_*"
              % (len(same), len(reference_families), 100 * share, 100 * share_non_go, len(non_go)))
        for line in differences:
            if not line.startswith("missing go_"):
                print("  " + line)
        self.assertGreaterEqual(share, 0.95)
        # The families a dashboard reads must all be there.
        for name in ("mysql_up", "mysql_global_status_commands_total", "mysql_global_status_connections",
                     "mysql_global_status_threads_connected", "mysql_global_variables_max_connections",
                     "mysql_version_info", "mysql_info_schema_processlist_threads", "mysql_info_schema_table_size",
                     "mysql_exporter_collector_duration_seconds", "mysql_exporter_scrapes_total"):
            self.assertIn(name, same)


if __name__ == "__main__":
    unittest.main(verbosity=2)
