#!/usr/bin/env bash
# Installs the Debian packages that build, run and test the suite need, only
# those missing. Quiet and quick when everything is present.
set -euo pipefail

packages=(
  # build
  cmake make g++ pkg-config git clang-14 libclang-rt-14-dev
  prometheus-cpp-dev libcivetweb-dev libcli11-dev libinih-dev libdeflate-dev zlib1g-dev libssl-dev libcrypt-dev
  default-libmysqlclient-dev libpqxx-dev libpq-dev googletest libgtest-dev libgmock-dev
  # run and test
  python3 curl procps iproute2 util-linux openssl
  mariadb-server mariadb-client postgresql postgresql-client prometheus prometheus-alertmanager
  nginx-light python3-yaml
  # reference exporters, for compatibility tests and benchmarks
  prometheus-node-exporter prometheus-mysqld-exporter prometheus-postgres-exporter prometheus-process-exporter
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# Services must not start on install: the suite runs its own throwaway servers.
policy=/usr/sbin/policy-rc.d
added_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  added_policy=1
fi
trap '[ -n "$added_policy" ] && $sudo rm -f "$policy"' EXIT
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
