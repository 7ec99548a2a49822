#!/usr/bin/env bash
# Installs the C libraries Nuanxin builds on (GEOS, PROJ, SQLite) through apt when pkg-config cannot find them.
set -euo pipefail
if pkg-config --exists geos proj sqlite3 2>/dev/null; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing libgeos-dev, libproj-dev, libsqlite3-dev and pkg-config with apt..." >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libgeos-dev libproj-dev proj-data libsqlite3-dev pkg-config >/dev/null
