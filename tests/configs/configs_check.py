"""Static checks of configs/: promtool check config / check rules / test rules, amtool, nginx -t,
the HA pair's symmetry, every alert tested, every dashboard query parsed. No servers; a few seconds.
"""
import copy
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import configs_common as cc
import yaml


def load_yaml(path):
    with open(path) as f:
        return yaml.safe_load(f)


def jobs(config):
    return {job["job_name"]: job for job in config["scrape_configs"]}


@unittest.skipUnless(cc.PROMTOOL, "promtool (Debian package prometheus) is not installed")
class PromtoolTest(unittest.TestCase):
    def check(self, argv, cwd=None):
        code, output = cc.run([cc.PROMTOOL] + argv, cwd=cwd)
        self.assertEqual(code, 0, "promtool %s failed:\n%s" % (" ".join(argv), output))
        return output

    def test_check_config(self):
        for path in cc.HA_PAIR + cc.SHARDING:
            with self.subTest(config=os.path.relpath(path, cc.CONFIGS)):
                self.check(["check", "config", path])

    def test_check_rules(self):
        self.assertTrue(cc.RULE_FILES)
        output = self.check(["check", "rules"] + cc.RULE_FILES)
        self.assertNotIn("0 rules found", output)

    def test_test_rules(self):
        self.assertTrue(cc.RULE_TEST_FILES)
        self.check(["test", "rules"] + cc.RULE_TEST_FILES)

    def test_remote_write_example_is_valid_once_uncommented(self):
        # The commented example must be a working config when a user uncomments it.
        with open(cc.HA_PAIR[0]) as f:
            text = f.read()
        start = text.index("# --- remote_write example")
        end = text.index("# --- end of remote_write example")
        block = [line for line in text[start:end].splitlines()[1:] if line.startswith("# ") or line == "#"]
        code_lines = [line[2:] for line in block if re.match(r"# ( |remote_write:|remote_read:)", line)]
        uncommented = "\n".join(line for line in code_lines if not line.lstrip().startswith("Both members"))
        self.assertIn("remote_write:", uncommented)
        config = yaml.safe_load(text)
        config.update(yaml.safe_load(uncommented))
        self.assertTrue(config["remote_write"][0]["url"])
        with tempfile.TemporaryDirectory() as tmp:
            os.symlink(cc.RULES_DIR, os.path.join(tmp, "rules"))
            path = os.path.join(tmp, "prometheus.yml")
            with open(path, "w") as f:
                yaml.safe_dump(config, f)
            self.check(["check", "config", path])

    def test_dashboard_queries_parse(self):
        # Every panel and variable query, as recording rules: promtool parses each expression.
        rules = []
        for path in cc.DASHBOARDS:
            for i, (where, expr) in enumerate(cc.dashboard_queries(cc.load_dashboard(path))):
                rules.append({"record": "dashboard:query_%d:%s" % (i, os.path.basename(path)[:-5]), "expr": expr})
        self.assertGreater(len(rules), 40)
        with tempfile.NamedTemporaryFile("w", suffix=".yml") as f:
            yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}, f)
            f.flush()
            self.check(["check", "rules", f.name])


class RulesTest(unittest.TestCase):
    REQUIRED_ALERTS = {
        "TargetDown", "MySQLDown", "PostgreSQLDown", "MySQLTooManyConnections", "PostgreSQLTooManyConnections",
        "MySQLReplicationLag", "PostgreSQLReplicationLag", "NodeFilesystemFillingUp", "NodeHighCPU",
        "NodeHighMemory", "MattermostDBConnectionsZero", "MattermostDBConnectionsNearPoolLimit",
        "AlertmanagerClusterDegraded", "FederationFailing",
    }

    def test_required_alerts_exist(self):
        self.assertLessEqual(self.REQUIRED_ALERTS, set(cc.alert_names()))

    def test_every_alert_has_a_firing_test(self):
        tested = set()
        for path in cc.RULE_TEST_FILES:
            for group in load_yaml(path)["tests"]:
                for case in group.get("alert_rule_test", []):
                    if case.get("exp_alerts"):
                        tested.add(case["alertname"])
        untested = set(cc.alert_names()) - tested
        self.assertFalse(untested, "alerts without a test that makes them fire: %s" % sorted(untested))

    def test_every_alert_has_severity_and_summary(self):
        for path in cc.RULE_FILES:
            for group in load_yaml(path)["groups"]:
                for rule in group["rules"]:
                    if "alert" in rule:
                        with self.subTest(alert=rule["alert"]):
                            self.assertIn(rule["labels"]["severity"], ("warning", "critical"))
                            self.assertTrue(rule["annotations"]["summary"])

    def test_rule_test_files_order_every_group(self):
        # group_eval_order must name every group, or promtool fails on an unknown/missing order.
        groups = {group["name"] for path in cc.RULE_FILES for group in load_yaml(path)["groups"]}
        for path in cc.RULE_TEST_FILES:
            self.assertEqual(set(load_yaml(path).get("group_eval_order", groups)), groups, path)


class HaPairTest(unittest.TestCase):
    def setUp(self):
        self.a, self.b = (load_yaml(path) for path in cc.HA_PAIR)

    def test_members_differ_only_in_replica_and_peer(self):
        a, b = copy.deepcopy(self.a), copy.deepcopy(self.b)
        self.assertEqual(a["global"]["external_labels"].pop("replica"), "a")
        self.assertEqual(b["global"]["external_labels"].pop("replica"), "b")
        self.assertEqual(jobs(a)["federate"]["static_configs"], [{"targets": ["prometheus-b:9090"]}])
        self.assertEqual(jobs(b)["federate"]["static_configs"], [{"targets": ["prometheus-a:9090"]}])
        for config in (a, b):
            del jobs(config)["federate"]["static_configs"]
        self.assertEqual(a, b)

    def test_jobs(self):
        names = set(jobs(self.a))
        self.assertLessEqual({"prometheus", "federate", "alertmanager", "node", "mysqld", "mysqld-probe",
                              "postgres", "mattermost"}, names)
        self.assertEqual(len(names), len(self.a["scrape_configs"]), "duplicate job names")

    def test_federate_job(self):
        federate = jobs(self.a)["federate"]
        self.assertTrue(federate["honor_labels"])
        self.assertEqual(federate["metrics_path"], "/federate")
        matchers = federate["params"]["match[]"]
        self.assertIn('{job="prometheus",replica=""}', matchers)
        self.assertIn('{__name__=~"job:.*",replica=""}', matchers)

    def test_probe_job(self):
        probe = jobs(self.a)["mysqld-probe"]
        self.assertEqual(probe["metrics_path"], "/probe")
        self.assertEqual(probe["params"]["auth_module"], ["client.replica"])
        relabel = probe["relabel_configs"]
        self.assertIn({"source_labels": ["__address__"], "target_label": "__param_target"}, relabel)
        self.assertIn({"source_labels": ["__param_target"], "target_label": "instance"}, relabel)
        self.assertIn({"target_label": "__address__", "replacement": "mysqld-exporter:9104"}, relabel)
        self.assertIn({"target_label": "job", "replacement": "mysqld"}, relabel)

    def test_alerts_lose_replica_label(self):
        self.assertIn({"action": "labeldrop", "regex": "replica"}, self.a["alerting"]["alert_relabel_configs"])
        self.assertEqual(len(self.a["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"]), 2)


class ShardingTest(unittest.TestCase):
    @staticmethod
    def hashmod(value, modulus):
        # Prometheus' hashmod: the low 64 bits of the MD5 of the joined source labels, big-endian.
        return int.from_bytes(hashlib.md5(value.encode()).digest()[8:], "big") % modulus

    def test_shards_partition_the_targets(self):
        shards = [load_yaml(path) for path in cc.SHARDING if "shard-" in path]
        self.assertEqual(len(shards), 2)
        for job_name in jobs(shards[0]):
            kept = []
            for number, shard in enumerate(shards):
                job = jobs(shard)[job_name]
                self.assertEqual(shard["global"]["external_labels"]["shard"], str(number))
                hashmod, keep = job["relabel_configs"]
                self.assertEqual((hashmod["action"], hashmod["modulus"]), ("hashmod", len(shards)))
                self.assertEqual((keep["action"], keep["regex"]), ("keep", str(number)))
                targets = job["static_configs"][0]["targets"]
                kept.append({t for t in targets if self.hashmod(t, len(shards)) == number})
            with self.subTest(job=job_name):
                self.assertTrue(all(kept), "a shard would scrape nothing: %s" % kept)
                self.assertEqual(kept[0] | kept[1], set(targets))


class AlertmanagerTest(unittest.TestCase):
    @unittest.skipUnless(cc.AMTOOL, "amtool (Debian package prometheus-alertmanager) is not installed")
    def test_amtool_check_config(self):
        code, output = cc.run([cc.AMTOOL, "check-config", cc.ALERTMANAGER_CONFIG])
        self.assertEqual(code, 0, output)

    def test_groups_without_replica(self):
        route = load_yaml(cc.ALERTMANAGER_CONFIG)["route"]
        self.assertNotIn("replica", route["group_by"])


class GrafanaTest(unittest.TestCase):
    def test_provisioning(self):
        datasources = load_yaml(os.path.join(cc.CONFIGS, "grafana", "provisioning", "datasources", "prometheus.yml"))
        prometheus = [d for d in datasources["datasources"] if d["type"] == "prometheus"]
        self.assertEqual(len(prometheus), 1)
        self.assertTrue(prometheus[0]["isDefault"])
        # Behind the load balancer, never one member.
        self.assertNotRegex(prometheus[0]["url"], r"prometheus-[ab]")
        providers = load_yaml(os.path.join(cc.CONFIGS, "grafana", "provisioning", "dashboards", "provider.yml"))
        self.assertEqual(providers["providers"][0]["type"], "file")

    def test_shared_database(self):
        with open(os.path.join(cc.CONFIGS, "grafana", "grafana.ini")) as f:
            ini = f.read()
        database = re.search(r"^\[database\]\n(.*?)^\[", ini, re.S | re.M).group(1)
        self.assertRegex(database, r"(?m)^type = (postgres|mysql)$")
        self.assertNotRegex(ini, r"(?m)^password = [^$]", "a password in grafana.ini")

    def test_dashboards(self):
        uids = set()
        datasource_uids = {d["uid"] for d in load_yaml(os.path.join(
            cc.CONFIGS, "grafana", "provisioning", "datasources", "prometheus.yml"))["datasources"]}
        names = {os.path.basename(path) for path in cc.DASHBOARDS}
        self.assertLessEqual({"node.json", "mysql.json", "postgresql.json", "mattermost.json"}, names)
        for path in cc.DASHBOARDS:
            dashboard = cc.load_dashboard(path)
            with self.subTest(dashboard=dashboard["title"]):
                self.assertNotIn(dashboard["uid"], uids)
                uids.add(dashboard["uid"])
                ids = [panel["id"] for panel in cc.all_panels(dashboard)]
                self.assertEqual(len(ids), len(set(ids)), "duplicate panel ids")
                for panel in cc.all_panels(dashboard):
                    if panel["type"] == "row":
                        continue
                    self.assertTrue(panel.get("targets"), "panel %r has no query" % panel["title"])
                    self.assertIn(panel["datasource"]["uid"], datasource_uids)
                    for target in panel["targets"]:
                        self.assertTrue(target["expr"].strip())
                        self.assertIn(target["datasource"]["uid"], datasource_uids)
                    grid = panel["gridPos"]
                    self.assertLessEqual(grid["x"] + grid["w"], 24)

    def test_mattermost_dashboard_covers_the_issue(self):
        text = json.dumps(cc.load_dashboard(os.path.join(cc.CONFIGS, "grafana", "dashboards", "mattermost.json")))
        for family in ("mattermost_db_master_connections_total", "mattermost_db_read_replica_connections_total",
                       "mattermost_process_cpu_seconds_total", "mattermost_process_resident_memory_bytes",
                       "mattermost_process_open_fds", "mattermost_process_max_fds"):
            self.assertIn(family, text)


class ExporterConfigsTest(unittest.TestCase):
    """The example option files as MariaDB's own parser reads them."""

    def print_defaults(self, path, *groups):
        tool = shutil.which("my_print_defaults") or shutil.which("mariadb-print-defaults")
        if not tool:
            self.skipTest("my_print_defaults (mariadb-client) is not installed")
        code, output = cc.run([tool, "--defaults-file=" + path] + list(groups))
        self.assertEqual(code, 0, output)
        return output.splitlines()

    def test_sidecar_my_cnf(self):
        options = self.print_defaults(os.path.join(cc.CONFIGS, "mysqld", "my.cnf"), "client")
        self.assertEqual([o.split("=")[0] for o in options], ["--user", "--password", "--host", "--port"])

    def test_multi_target_my_cnf(self):
        path = os.path.join(cc.CONFIGS, "mysqld", "my-multi-target.cnf")
        self.assertIn("--user=exporter_replica", self.print_defaults(path, "client.replica"))
        self.assertIn("--user=exporter_reporting", self.print_defaults(path, "client.reporting"))

    def test_postgres_cnf(self):
        options = self.print_defaults(os.path.join(cc.CONFIGS, "postgres", "postgres_exporter.cnf"), "client")
        self.assertIn("--sslmode=disable", options)

    def test_mattermost_cnf(self):
        options = self.print_defaults(os.path.join(cc.CONFIGS, "mattermost", "mattermost_exporter.cnf"), "mattermost")
        self.assertIn("--master=mysql-primary:3306", options)
        self.assertEqual(len([o for o in options if o.startswith("--replica=")]), 2)

    def test_node_flag_files(self):
        for name in ("host.flags", "container.flags"):
            with open(os.path.join(cc.CONFIGS, "node", name)) as f:
                flags = [line.strip() for line in f if line.strip() and not line.startswith("#")]
            with self.subTest(file=name):
                self.assertTrue(all(re.fullmatch(r"--[a-z.-]+=\S+", flag) for flag in flags), flags)
                for flag in flags:
                    if "mount-points-exclude" in flag or "fs-types-exclude" in flag:
                        re.compile(flag.split("=", 1)[1])


@unittest.skipUnless(cc.NGINX, "nginx is not installed")
class NginxTest(unittest.TestCase):
    def test_nginx_t(self):
        with tempfile.TemporaryDirectory() as tmp:
            with open(cc.NGINX_CONFIG) as f:
                text = f.read()
            # nginx -t resolves the upstream host names: give it addresses.
            text = re.sub(r"\b(prometheus-[ab]|alertmanager-[12]|grafana-[12]):(\d+)", r"127.0.0.1:\2", text)
            text = re.sub(r"(?m)^(user|pid|error_log) .*$", "", text)
            text = text.replace("access_log /var/log/nginx/access.log;", "access_log off;")
            path = os.path.join(tmp, "nginx.conf")
            with open(path, "w") as f:
                f.write(text)
            code, output = cc.run([cc.NGINX, "-t", "-p", tmp, "-c", path, "-e", os.path.join(tmp, "error.log"),
                                   "-g", "pid %s/nginx.pid;" % tmp])
            self.assertEqual(code, 0, output)


if __name__ == "__main__":
    unittest.main(verbosity=2)
