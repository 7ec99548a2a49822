#!/usr/bin/env bash
# Runs the whole test suite (installing the C libraries first when they are missing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The suite also drives real tools: GDAL (ogrinfo, ogr2ogr) and headless Chromium with CJK fonts
# for the report. Install them through apt when missing (skip with NUANXIN_SKIP_TOOL_INSTALL=1).
if [ -z "${NUANXIN_SKIP_TOOL_INSTALL:-}" ] && { ! command -v ogrinfo >/dev/null || ! command -v chromium >/dev/null; }; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    echo "Installing gdal-bin, chromium and fonts-noto-cjk with apt (the suite's GDAL and browser tests)..." >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gdal-bin chromium fonts-noto-cjk >/dev/null
fi
# The solver's module optimized in this debug build (see Package.swift): its tests take minutes unoptimized.
export NUANXIN_OPTIMIZED_SOLVER=1
swift build --build-tests
swift test --skip-build "$@"
