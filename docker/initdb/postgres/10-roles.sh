#!/bin/bash
# Run once by the postgres image's entrypoint on an empty data directory (docker/compose.yml):
# Grafana's and Mattermost's databases and owners, and postgres_exporter's role (pg_monitor), each
# password from its secret file. psql variables quote them (:'name'), so any character is safe.
set -euo pipefail

secret() { tr -d '\n' < "/run/secrets/$1"; }

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v grafana_password="$(secret grafana_db_password)" \
  -v mattermost_password="$(secret mattermost_db_password)" \
  -v exporter_password="$(secret postgres_exporter_password)" <<'SQL'
CREATE ROLE grafana LOGIN PASSWORD :'grafana_password';
CREATE DATABASE grafana OWNER grafana;
CREATE ROLE mattermost LOGIN PASSWORD :'mattermost_password';
CREATE DATABASE mattermost OWNER mattermost;
CREATE ROLE exporter LOGIN PASSWORD :'exporter_password' IN ROLE pg_monitor;
SQL
