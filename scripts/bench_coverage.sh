#!/usr/bin/env bash
# Coverage, library level: 200,000 demand points by 2,000 stations at 1 km. Nuanxin's PointIndex
# within-radius batch (and the exact served demand by max flow) against shapely 2's
# STRtree.query(predicate="dwithin"), on the same synthetic data in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
STATIONS="${STATIONS:-2000}"
DEMAND="${DEMAND:-200000}"
SEED="${SEED:-20241129}"
DATA="bench-data/coverage-s${STATIONS}-d${DEMAND}-seed${SEED}"
if [[ ! -f "$DATA/demand.csv" || ! -f "$DATA/stations.csv" ]]; then
    echo "generating $DATA" >&2
    python3 scripts/gen_synthetic.py --out "$DATA" --stations "$STATIONS" --demand "$DEMAND" --candidates 0 --queries 0 --seed "$SEED" >&2
fi
swift build -c release --product NuanxinBenchmarks >&2
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >&2
ours="$(swift run -c release --skip-build NuanxinBenchmarks coverage --data "$DATA")"
peer="$(python3 scripts/peers/shapely_coverage.py --data "$DATA")"
echo "$ours"
echo "$peer"
python3 - "$ours" "$peer" <<'PY'
import json, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines()]
ours = next(l for l in lines if l["benchmark"] == "coverage_covered")
peer = json.loads(sys.argv[2])
assert ours["covered_points"] == peer["covered_points"], (ours, peer)
print(json.dumps({"benchmark": "coverage_ratio", "demand": ours["demand"], "stations": ours["stations"],
                  "nuanxin_s": ours["median_s"], "shapely_s": peer["median_s"],
                  "ratio": round(peer["median_s"] / ours["median_s"], 1)}, separators=(",", ":")))
PY
