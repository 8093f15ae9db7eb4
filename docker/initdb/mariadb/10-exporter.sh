#!/bin/bash
# Run once by the mariadb image's entrypoint on an empty data directory (docker/compose.yml): the
# account mysqld_exporter logs in with, its password taken from the my.cnf the sidecar mounts
# (configs/mysqld/my.cnf, [client] password), so the two cannot disagree. This script is sourced
# (not executed: it is not executable) by the entrypoint, which provides docker_process_sql.
password=$(sed -n 's/^[[:space:]]*password[[:space:]]*=[[:space:]]*//p' /etc/mysql-exporter/my.cnf | head -n 1)
password=${password%\"}
password=${password#\"}
password=${password//\\/\\\\}
password=${password//\'/\\\'}
for host in localhost 127.0.0.1; do
  docker_process_sql --database=mysql <<SQL
CREATE USER IF NOT EXISTS 'exporter'@'$host' IDENTIFIED BY '$password' WITH MAX_USER_CONNECTIONS 3;
GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO 'exporter'@'$host';
SQL
done
