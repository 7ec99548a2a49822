#!/usr/bin/env bash
# Coverage, end to end: `nuanxin coverage --format json` (release build) on a dataset folder of
# 200,000 demand points and 2,000 stations (gen_synthetic.py) with the default dataset's districts,
# against scripts/peers/geopandas_coverage.py (geopandas read_file, to_crs, sjoin "dwithin" for
# covered, sjoin with the districts and groupby) on the same folder. Both are timed as whole
# processes, alternately, RUNS times each (wall and CPU = user + sys); the per-district demand and
# covered figures of the two are compared. Prints one JSON line per run. SKIP_BUILD=1 uses the
# release binary as it is.
source "$(dirname "$0")/bench_prelude.sh"

STATIONS="${STATIONS:-2000}"
DEMAND="${DEMAND:-200000}"
SEED="${SEED:-20241129}"
RUNS="${RUNS:-3}"
RADIUS="${RADIUS:-1000}"
DATA="bench-data/coverage-e2e-s${STATIONS}-d${DEMAND}-seed${SEED}"
if bench_missing "$DATA" demand.geojson districts.geojson; then
    python3 scripts/gen_synthetic.py --out "$DATA" --stations "$STATIONS" --demand "$DEMAND" --candidates 0 --queries 0 --seed "$SEED" >&2
    cp geodata/changzhi/districts.geojson "$DATA/"
    for layer in parking_zones commercial_areas; do echo '{"type":"FeatureCollection","features":[]}' > "$DATA/$layer.geojson"; done
fi
python3 -c "import geopandas, pyogrio" 2>/dev/null || pip install -q geopandas pyogrio >&2
bench_build nuanxin
bench_header
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
for run in $(seq 1 "$RUNS"); do
    /usr/bin/time -f '%e %U %S' -o "$OUT/ours.time" .build/release/nuanxin coverage --data "$DATA" --radius "$RADIUS" \
        --format json --out "$OUT/ours.json" 2>/dev/null
    /usr/bin/time -f '%e %U %S' -o "$OUT/peer.time" python3 scripts/peers/geopandas_coverage.py "$DATA" --radius "$RADIUS" \
        --out "$OUT/peer.json" 2>/dev/null
    python3 - "$run" "$OUT" <<'PY'
import json, sys
run, out = int(sys.argv[1]), sys.argv[2]
ours, peer = json.load(open(out + "/ours.json")), json.load(open(out + "/peer.json"))
def figures(doc):
    rows = {r["id"]: (round(r["demand"], 6), round(r["covered"], 6)) for r in doc["districts"]}
    rows["total"] = (round(doc["total"]["demand"], 6), round(doc["total"]["covered"], 6))
    rows["outside"] = (round(doc["outside"]["demand"], 6), round(doc["outside"]["covered"], 6))
    return rows
def secs(path):
    wall, user, sys_ = map(float, open(path).read().split()[-3:])
    return wall, user + sys_
ow, oc = secs(out + "/ours.time")
pw, pc = secs(out + "/peer.time")
print(json.dumps({"benchmark": "coverage_cli", "run": run, "nuanxin_wall_s": ow, "nuanxin_cpu_s": round(oc, 2),
                  "geopandas_wall_s": pw, "geopandas_cpu_s": round(pc, 2), "same_district_figures": figures(ours) == figures(peer),
                  "served": ours["total"]["served"]}, separators=(",", ":")))
PY
done
