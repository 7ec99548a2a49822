#!/usr/bin/env bash
# Sets up what is missing and runs the main job on the default Changzhi dataset:
# validate it, coverage per district (the starting point), three new sites per district, and the
# map report (nuanxin-report.html in the repository folder) that shows all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product nuanxin
NUANXIN=.build/release/nuanxin
"$NUANXIN" validate --format table
echo
"$NUANXIN" coverage --format table
echo
"$NUANXIN" propose --count 3 --format table
echo
"$NUANXIN" report --out nuanxin-report.html
echo "Open it in any browser (it works offline), or print it on A4."
