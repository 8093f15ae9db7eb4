"""What the configs tests share: where configs/ is, promtool, the dashboards' queries."""
import glob
import json
import os
import re
import shutil
import subprocess

import harness

CONFIGS = os.path.join(harness.REPO, "configs")
PROMETHEUS_DIR = os.path.join(CONFIGS, "prometheus")
RULES_DIR = os.path.join(PROMETHEUS_DIR, "rules")
RULE_FILES = sorted(glob.glob(os.path.join(RULES_DIR, "*.yml")))
RULE_TEST_FILES = sorted(glob.glob(os.path.join(PROMETHEUS_DIR, "tests", "*.yml")))
HA_PAIR = [os.path.join(PROMETHEUS_DIR, "prometheus-a.yml"), os.path.join(PROMETHEUS_DIR, "prometheus-b.yml")]
SHARDING = sorted(glob.glob(os.path.join(PROMETHEUS_DIR, "sharding", "*.yml")))
ALERTMANAGER_CONFIG = os.path.join(CONFIGS, "alertmanager", "alertmanager.yml")
DASHBOARDS = sorted(glob.glob(os.path.join(CONFIGS, "grafana", "dashboards", "*.json")))
NGINX_CONFIG = os.path.join(CONFIGS, "nginx", "nginx.conf")

PROMTOOL = shutil.which("promtool")
PROMETHEUS = shutil.which("prometheus")
AMTOOL = shutil.which("amtool")
ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
NGINX = shutil.which("nginx") or (os.path.exists("/usr/sbin/nginx") and "/usr/sbin/nginx") or None

# Grafana's variables in the dashboards' queries, and what stands for them when a query is sent
# to Prometheus directly: every instance, and a rate window that holds several scrapes.
GRAFANA_VARIABLES = {
    "$__rate_interval": "1m",
    "$__interval": "15s",
    "$__range": "1h",
    "$instance": ".+",
}


def run(argv, timeout=60, cwd=None):
    """(returncode, combined output) of a tool run."""
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, cwd=cwd)
    return result.returncode, result.stdout.decode(errors="replace")


def substitute_variables(expr):
    for name in sorted(GRAFANA_VARIABLES, key=len, reverse=True):
        expr = expr.replace(name, GRAFANA_VARIABLES[name])
    if "$" in re.sub(r"\{\{[^}]*\}\}", "", expr):
        raise ValueError("unknown Grafana variable in query: " + expr)
    return expr


def load_dashboard(path):
    with open(path) as f:
        return json.load(f)


def all_panels(dashboard):
    """Panels, those nested in rows included."""
    for panel in dashboard.get("panels", []):
        yield panel
        for nested in panel.get("panels", []):
            yield nested


def dashboard_queries(dashboard):
    """[(where, PromQL)] of every panel target and query variable, Grafana variables substituted."""
    queries = []
    for panel in all_panels(dashboard):
        for target in panel.get("targets", []):
            if target.get("expr"):
                where = "%s / panel %r / %s" % (dashboard["title"], panel.get("title"), target.get("refId"))
                queries.append((where, substitute_variables(target["expr"])))
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
        where = "%s / variable %s" % (dashboard["title"], variable["name"])
        queries.append((where, substitute_variables(variable_selector(query))))
    return queries


def variable_selector(query):
    """The PromQL inside a Grafana variable query: label_values(expr, label) -> expr."""
    match = re.fullmatch(r"\s*label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*", query)
    if match:
        return match.group(1)
    match = re.fullmatch(r"\s*query_result\((.*)\)\s*", query)
    if match:
        return match.group(1)
    return query


def alert_names(rule_files=RULE_FILES):
    import yaml
    names = []
    for path in rule_files:
        with open(path) as f:
            for group in yaml.safe_load(f)["groups"]:
                names += [rule["alert"] for rule in group["rules"] if "alert" in rule]
    return names


def rule_expressions(rule_files=RULE_FILES):
    """[(name, expr)] of every recording and alerting rule."""
    import yaml
    exprs = []
    for path in rule_files:
        with open(path) as f:
            for group in yaml.safe_load(f)["groups"]:
                exprs += [(rule.get("alert") or rule.get("record"), rule["expr"]) for rule in group["rules"]]
    return exprs
