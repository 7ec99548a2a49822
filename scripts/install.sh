#!/usr/bin/env bash
# Builds a release binary and installs it with the default dataset:
#   PREFIX/bin/nuanxin and PREFIX/share/nuanxin/geodata/changzhi (found without --data).
# Usage: scripts/install.sh [PREFIX]   (default /usr/local)
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX="${1:-/usr/local}"
scripts/install-deps.sh
swift build -c release --product nuanxin
install -d "$PREFIX/bin" "$PREFIX/share/nuanxin/geodata"
install -m 0755 .build/release/nuanxin "$PREFIX/bin/nuanxin"
rm -rf "$PREFIX/share/nuanxin/geodata/changzhi"
cp -r geodata/changzhi "$PREFIX/share/nuanxin/geodata/changzhi"
echo "installed $PREFIX/bin/nuanxin and $PREFIX/share/nuanxin/geodata/changzhi"
