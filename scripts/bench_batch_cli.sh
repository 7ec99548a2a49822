#!/usr/bin/env bash
# Nearest, end to end: `nuanxin nearest --input queries.csv --format csv` (release build, 100,000
# stations from a GeoJSON layer, 1,000,000 query lines) against scripts/peers/shapely_batch_csv.py,
# a shapely 2 + pyproj script that reads the same files, queries and writes the same CSV. Both
# are timed as whole processes (start-up, reading, projection, queries, geodesic distances,
# writing), alternately, RUNS times each (wall, and CPU = user + sys); prints one JSON line per run
# and the medians. SKIP_BUILD=1 uses the release binary as it is.
source "$(dirname "$0")/bench_prelude.sh"

STATIONS="${STATIONS:-100000}"
QUERIES="${QUERIES:-1000000}"
SEED="${SEED:-20240601}"
RUNS="${RUNS:-3}"
DATA="bench-data/nearest-s${STATIONS}-q${QUERIES}-seed${SEED}"
if bench_missing "$DATA" queries.csv stations.geojson; then
    python3 scripts/gen_synthetic.py --out "$DATA" --stations "$STATIONS" --demand 0 --candidates 0 \
        --queries "$QUERIES" --seed "$SEED" >&2
fi
python3 -c "import shapely, pyproj" 2>/dev/null || pip install -q shapely pyproj >&2
bench_build nuanxin
bench_header
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
ours=()
peer=()
oursCPU=()
peerCPU=()
for run in $(seq 1 "$RUNS"); do
    t0=$(date +%s.%N)
    /usr/bin/time -f '%U %S' -o "$OUT/ours.time" .build/release/nuanxin nearest --input "$DATA/queries.csv" --format csv \
        --stations "$DATA/stations.geojson" --out "$OUT/ours.csv" 2>/dev/null
    t1=$(date +%s.%N)
    /usr/bin/time -f '%U %S' -o "$OUT/peer.time" python3 scripts/peers/shapely_batch_csv.py "$DATA/stations.geojson" "$DATA/queries.csv" "$OUT/peer.csv"
    t2=$(date +%s.%N)
    o=$(python3 -c "print($t1 - $t0)"); p=$(python3 -c "print($t2 - $t1)")
    oc=$(python3 -c "print(sum(map(float, open('$OUT/ours.time').read().split()[-2:])))")
    pc=$(python3 -c "print(sum(map(float, open('$OUT/peer.time').read().split()[-2:])))")
    ours+=("$o"); peer+=("$p"); oursCPU+=("$oc"); peerCPU+=("$pc")
    same=$(cmp -s "$OUT/ours.csv" "$OUT/peer.csv" && echo true || echo false)
    printf '{"benchmark":"nearest_batch_cli","run":%d,"queries":%d,"stations":%d,"nuanxin_s":%.3f,"shapely_script_s":%.3f,"nuanxin_cpu_s":%.2f,"shapely_script_cpu_s":%.2f,"identical_output":%s}\n' \
        "$run" "$QUERIES" "$STATIONS" "$o" "$p" "$oc" "$pc" "$same"
done
python3 - "${ours[*]}" "${peer[*]}" "${oursCPU[*]}" "${peerCPU[*]}" <<'PY'
import json, statistics, sys
ours, peer, ours_cpu, peer_cpu = ([float(x) for x in a.split()] for a in sys.argv[1:5])
mo, mp = statistics.median(ours), statistics.median(peer)
co, cp = statistics.median(ours_cpu), statistics.median(peer_cpu)
print(json.dumps({"benchmark": "nearest_batch_cli_median", "runs": len(ours), "nuanxin_s": round(mo, 3),
                  "shapely_script_s": round(mp, 3), "ratio": round(mp / mo, 2), "nuanxin_cpu_s": round(co, 2),
                  "shapely_script_cpu_s": round(cp, 2), "cpu_ratio": round(cp / co, 2)}, separators=(",", ":")))
PY
