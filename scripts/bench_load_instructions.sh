#!/usr/bin/env bash
# Instructions executed by the demand layer's load benchmark (`NuanxinBenchmarks load --only
# dataset_load_demand`: six loads, a warm-up and the five timed runs it makes at least, each with
# the district check against the bundled Changzhi districts and the projection; PROJ's database
# search and the process's start included), counted by valgrind's callgrind. It runs in the
# repository's root (bench_prelude.sh goes there), where the benchmark finds the districts file:
# elsewhere the load would fail after its first read. Unlike the clock on a shared machine, the
# count is the same from run to run, so it settles a small single-thread change in one run:
# compare the figure of two builds (BINARY=path/to/another/NuanxinBenchmarks for the other one).
# It is a complement to the timed benchmarks (scripts/bench_load.sh), not a replacement: it says
# nothing of cache misses, contention between threads or waiting. Needs valgrind (apt-get install
# valgrind).
# Options: DEMAND, SEED (the layer, as scripts/bench_load.sh makes it), BINARY, TOP (functions
# listed, default 15), FIGURE (default dataset_load_demand; dataset_load_demand_planning loads the
# points without their properties, as the planning commands do).
source "$(dirname "$0")/bench_prelude.sh"
DEMAND="${DEMAND:-200000}"
SEED="${SEED:-20261129}"
TOP="${TOP:-15}"
FIGURE="${FIGURE:-dataset_load_demand}"
DATA="bench-data/load-d${DEMAND}-seed${SEED}"
BINARY="${BINARY:-.build/release/NuanxinBenchmarks}"

command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 69; }
if bench_missing "$DATA" demand.geojson; then
    python3 scripts/gen_synthetic.py --out "$DATA" --stations 0 --demand "$DEMAND" --candidates 0 \
        --queries 0 --seed "$SEED" >&2
fi
if [[ "$BINARY" == ".build/release/NuanxinBenchmarks" ]]; then bench_build NuanxinBenchmarks; fi
bench_header
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$OUT" "$BINARY" load --data "$DATA" --runs 5 \
    --only "$FIGURE" >/dev/null 2>"$OUT.log" || { cat "$OUT.log" >&2; rm -f "$OUT.log"; exit 1; }
total=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$OUT.log")
rm -f "$OUT.log"
echo "{\"benchmark\":\"${FIGURE}_instructions\",\"binary\":\"$BINARY\",\"file\":\"$DATA/demand.geojson\",\"instructions\":$total}"
callgrind_annotate --inclusive=no "$OUT" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | sed -n "2,$((TOP + 1))p" | cut -c1-160
