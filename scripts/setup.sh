#!/usr/bin/env bash
# Installs the Debian 12 packages oneall-bulk builds with, when they are missing; with --tests,
# also the servers its test suite starts on its own (PostgreSQL 15, nginx) and the tools the
# package, metrics and browser tests check with (lintian, dpkg-dev, man, zsh, promtool,
# chromium).
# Safe to run again: it asks apt only for what dpkg does not already have.
set -euo pipefail

packages=(
  cmake g++ make pkg-config libssl-dev
  libcurl4-openssl-dev zlib1g-dev libsimdjson-dev libyaml-cpp-dev libsqlite3-dev sqlite3 libpq-dev
  libgtest-dev libgmock-dev libcli11-dev libfmt-dev libcsv-dev libcpp-httplib-dev
)
# Servers the tests run as children of their own, on private sockets and ephemeral ports:
# a throw-away PostgreSQL cluster (scripts/pg_test_cluster.sh) and nginx for HTTP/2 over TLS
# (tests/support/nginx_http2_server.cpp).
test_servers=(postgresql-15 nginx)
# The package test builds the .deb (dpkg-shlibdeps, file) and runs lintian on it; the man page
# test renders it with man; the completion test checks the zsh script's syntax; the metrics
# tests check the Prometheus output and the README's alert rules with promtool (prometheus); the
# browser test opens the HTML report in headless Chromium (chromium), as
# scripts/report_screenshot.sh does for the README's picture.
test_tools=(lintian dpkg-dev file man-db zsh prometheus chromium)
if [[ ${1:-} == --tests ]]; then packages+=("${test_servers[@]}" "${test_tools[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "setup: missing packages: ${missing[*]}" >&2
  echo "setup: run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

# The test servers' packages would start system services (nginx on port 80, a PostgreSQL
# cluster on 5432, a Prometheus server on 9090) that nothing here uses: Debian's policy-rc.d hook tells their install not
# to start them, unless the machine already has a policy of its own.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi

echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
