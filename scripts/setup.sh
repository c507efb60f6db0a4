#!/usr/bin/env bash
# Installs the Debian 12 packages oneall-bulk builds and tests with, when they are missing.
# Safe to run again: it asks apt only for what dpkg does not already have.
set -euo pipefail

packages=(
  cmake g++ make pkg-config libssl-dev
  libcurl4-openssl-dev libsimdjson-dev libyaml-cpp-dev libsqlite3-dev sqlite3
  libpq-dev postgresql-15
  libgtest-dev libgmock-dev libcli11-dev libfmt-dev libcsv-dev libcpp-httplib-dev
  nginx  # tests only: the HTTP/2-over-TLS test server (tests/support/nginx_http2_server.cpp)
)

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

echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
