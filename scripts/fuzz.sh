#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (with AddressSanitizer) and runs each for a while.
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]     default: 60 s, every target
#   FUZZ_RUNS=1000000 scripts/fuzz.sh 0                   a fixed number of executions instead
#   FUZZ_JOBS=2                                           targets run at once (default: 2)
#   FUZZ_SEED=1                                           libFuzzer's seed (default: random; CI fixes it)
#
# Targets: geojson (GeoJSONReader.read(bytes:) + checkPolygonValidity), csv (CSVReader whole vs
# streamed + CSVLayer.read), wkt (Geometry(wkt:)), batch (BatchQueryReader over CSV and NDJSON).
# Seeds are made at run time from Tests/Fixtures, geodata/changzhi, Fuzz/seeds and, when present,
# the third-party GeoJSON corpus kept beside the repository, in the git-ignored .fuzz/ folder, which also keeps each target's
# growing corpus (.fuzz/corpus/T) and any crash (.fuzz/artifacts/T/crash-*). A crash makes the
# script exit 1; turn it into a regression test (see README, Reliability).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(geojson csv wkt batch)
JOBS=${FUZZ_JOBS:-2}
WORK=.fuzz

scripts/install-deps.sh
echo "fuzz: building the targets (release, -sanitize=fuzzer,address)..." >&2
swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -g 2>&1 \
    | grep -v -e "Cannot export local symbol '__asan_extra_spill_area'" >&2
BIN=Fuzz/.build/release

rm -rf "$WORK/seeds"
python3 scripts/fuzz_seeds.py "$WORK/seeds"

run_target() {
    local t=$1
    mkdir -p "$WORK/corpus/$t" "$WORK/artifacts/$t" "$WORK/seeds/$t"
    local limit=(-max_total_time="$SECONDS_PER_TARGET")
    if [ -n "${FUZZ_RUNS:-}" ]; then limit=(-runs="$FUZZ_RUNS"); fi
    # Seeds first (read-only), then the corpus folder, which receives new inputs.
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$BIN/fuzz-$t" "${limit[@]}" \
        -max_len=16384 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 -seed="${FUZZ_SEED:-0}" \
        -artifact_prefix="$WORK/artifacts/$t/" \
        "$WORK/corpus/$t" "$WORK/seeds/$t" >"$WORK/$t.log" 2>&1
}

declare -A STATUS
pids=()
names=()
for t in "${TARGETS[@]}"; do
    [ -x "$BIN/fuzz-$t" ] || { echo "fuzz: unknown target $t" >&2; exit 64; }
    run_target "$t" &
    pids+=($!)
    names+=("$t")
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do sleep 1; done
done
for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then STATUS[${names[$i]}]=ok; else STATUS[${names[$i]}]=FAILED; fi
done

failed=0
printf '%-8s %14s %10s %8s  %s\n' target executions exec/s corpus result
for t in "${TARGETS[@]}"; do
    log="$WORK/$t.log"
    execs=$(awk '/^stat::number_of_executed_units:/ {print $2}' "$log" | tail -1)
    speed=$(awk '/^stat::average_exec_per_sec:/ {print $2}' "$log" | tail -1)
    corpus=$(ls "$WORK/corpus/$t" | wc -l)
    result=${STATUS[$t]}
    if [ "$result" != ok ] || ls "$WORK/artifacts/$t" 2>/dev/null | grep -q .; then
        result="CRASH: $(ls "$WORK/artifacts/$t" | head -3 | tr '\n' ' ') (see $log)"
        failed=1
    fi
    printf '%-8s %14s %10s %8s  %s\n' "$t" "${execs:-?}" "${speed:-?}" "$corpus" "$result"
done
exit $failed
