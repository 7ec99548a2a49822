#!/usr/bin/env bash
# Loading a GeoJSON point layer: Nuanxin's GeoJSONReader and DatasetLoader against Python's
# json.load (and orjson, pyogrio when installed) on the same file, in the same run. Generates a
# demand layer of DEMAND points around Changzhi (fixed seed; 200,000 points are about 25 MB) into
# bench-data/ (gitignored), runs `NuanxinBenchmarks load` and scripts/peers/python_json_load.py,
# and prints their JSON lines and the ratios of throughputs (wall time, and CPU time, which a busy
# machine disturbs less). dataset_load_demand keeps each point's properties (as import and export
# load a layer); dataset_load_demand_planning drops them, as coverage, gaps, propose and nearest
# do. Options: DEMAND, SEED, RUNS in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."

DEMAND="${DEMAND:-200000}"
SEED="${SEED:-20261129}"
RUNS="${RUNS:-5}"
DATA="bench-data/load-d${DEMAND}-seed${SEED}"

if [[ ! -f "$DATA/demand.geojson" ]]; then
    echo "generating $DATA" >&2
    python3 scripts/gen_synthetic.py --out "$DATA" --stations 0 --demand "$DEMAND" --candidates 0 \
        --queries 0 --seed "$SEED" >&2
fi

swift build -c release --product NuanxinBenchmarks >&2
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >&2
ours="$(swift run -c release --skip-build NuanxinBenchmarks load --data "$DATA" --runs "$RUNS")"
peers="$(python3 scripts/peers/python_json_load.py --data "$DATA" --runs "$RUNS")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "$ours"
echo "$peers"
python3 - "$ours" "$peers" <<'PY'
import json, sys
lines = [json.loads(l) for l in (sys.argv[1] + "\n" + sys.argv[2]).splitlines() if l.strip()]
by = {l["benchmark"]: l for l in lines}
base = by["python_json_load"]
for name in ["geojson_read_fast", "geojson_read_strict", "dataset_load_demand", "dataset_load_demand_planning"]:
    ours = by[name]
    print(json.dumps({
        "benchmark": name + "_vs_json_load",
        "features": ours["features"],
        "nuanxin_mb_per_s": ours["mb_per_s"],
        "json_load_mb_per_s": base["mb_per_s"],
        "ratio": round(base["median_s"] / ours["median_s"], 1),
        "cpu_ratio": round(base["cpu_median_s"] / ours["cpu_median_s"], 1),
    }, separators=(",", ":")))
PY
