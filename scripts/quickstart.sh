#!/usr/bin/env bash
# Sets up what is missing and runs the main job on the default Changzhi dataset.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product nuanxin
NUANXIN=.build/release/nuanxin
echo "== nuanxin convert (GCJ-02 -> WGS84) of Luzhou's seat as AMap shows it =="
"$NUANXIN" convert --from gcj02 --to wgs84 --lon 113.1133 --lat 36.1865
