#!/usr/bin/env bash
# Nearest, library level: Nuanxin's PointIndex against shapely 2's STRtree.query_nearest, on the
# same synthetic data in the same run. Generates 100,000 stations and 1,000,000 queries around
# Changzhi (fixed seed) into bench-data/ (gitignored), runs both and prints both JSON lines and
# the ratio of throughputs. Options: STATIONS, QUERIES, SEED in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."

STATIONS="${STATIONS:-100000}"
QUERIES="${QUERIES:-1000000}"
SEED="${SEED:-20240601}"
DATA="bench-data/nearest-s${STATIONS}-q${QUERIES}-seed${SEED}"

if [[ ! -f "$DATA/queries.csv" || ! -f "$DATA/stations.csv" ]]; then
    echo "generating $DATA" >&2
    python3 scripts/gen_synthetic.py --out "$DATA" --stations "$STATIONS" --demand 0 --candidates 0 \
        --queries "$QUERIES" --seed "$SEED" >&2
fi

swift build -c release --product NuanxinBenchmarks >&2
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >&2
ours="$(swift run -c release --skip-build NuanxinBenchmarks nearest --data "$DATA")"
peer="$(python3 scripts/peers/shapely_nearest.py --data "$DATA")"
echo "$ours"
echo "$peer"
python3 - "$ours" "$peer" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({
    "benchmark": "nearest_k1_ratio",
    "stations": ours["stations"],
    "queries": ours["queries"],
    "nuanxin_queries_per_s": ours["queries_per_s"],
    "shapely_queries_per_s": peer["queries_per_s"],
    "ratio": round(peer["median_s"] / ours["median_s"], 1),
}, separators=(",", ":")))
PY
