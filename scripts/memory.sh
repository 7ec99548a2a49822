#!/usr/bin/env bash
# Peak memory (maximum resident set size, from /usr/bin/time -v) of the release binary on big
# generated inputs, on the default dataset:
#   - a batch `nearest --input` of N query lines (CSV and NDJSON): streams in constant memory;
#   - `validate --demand FILE` on a generated demand layer of about S MiB: a few times the file.
#
#   scripts/memory.sh [demand-MiB] [query-lines ...]     default: 1024 MiB; 1000000 5000000 lines
#
# Files are generated in a temporary folder (MEMORY_TMP, default /tmp) and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
DEMAND_MIB=${1:-1024}
shift || true
LINES=("$@")
[ ${#LINES[@]} -eq 0 ] && LINES=(1000000 5000000)
scripts/install-deps.sh
swift build -c release --product nuanxin 2>&1 | grep -v -e "^\[" >&2
BIN=$(pwd)/.build/release/nuanxin
WORK=$(mktemp -d "${MEMORY_TMP:-/tmp}/nuanxin-memory-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

peak() {  # command... -> prints "peak_MiB seconds exit"
    local status=0
    /usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/stderr.txt" || status=$?
    local kb secs
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
    echo "$((kb / 1024)) $secs $status"
}

printf '%-44s %12s %10s %10s %6s\n' run input_MiB peak_MiB wall exit
for n in "${LINES[@]}"; do
    for format in csv ndjson; do
        python3 - "$WORK/q.$format" "$n" "$format" <<'PY'
import random, sys
path, n, fmt = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(3)
with open(path, "w", buffering=1 << 20) as f:
    if fmt == "csv":
        f.write("id,lon,lat\n")
    for i in range(n):
        lon, lat = 112.6 + 0.8 * rnd.random(), 35.9 + 0.7 * rnd.random()
        f.write(f"q{i},{lon:.6f},{lat:.6f}\n" if fmt == "csv" else f'{{"id":"q{i}","lon":{lon:.6f},"lat":{lat:.6f}}}\n')
PY
        size=$(( $(stat -c %s "$WORK/q.$format") / 1048576 ))
        read -r mib secs status < <(peak "$BIN" nearest --input "$WORK/q.$format" --format csv --out "$WORK/answers.csv")
        printf '%-44s %12s %10s %10s %6s\n' "nearest --input ($n $format lines)" "$size" "$mib" "$secs" "$status"
        rm -f "$WORK/q.$format" "$WORK/answers.csv"
    done
done

python3 - "$WORK/demand.geojson" "$DEMAND_MIB" <<'PY'
import random, sys
path, mib = sys.argv[1], int(sys.argv[2])
rnd = random.Random(5)
target = mib << 20
with open(path, "w", buffering=1 << 20) as f:
    f.write('{"type":"FeatureCollection","features":[\n')
    written, i = 0, 0
    while written < target:
        lon, lat = 112.6 + 0.8 * rnd.random(), 35.9 + 0.7 * rnd.random()
        line = ('' if i == 0 else ',\n') + f'{{"type":"Feature","properties":{{"id":"d{i}","weight":{rnd.randint(1, 20)}}},"geometry":{{"type":"Point","coordinates":[{lon:.6f},{lat:.6f}]}}}}'
        f.write(line)
        written += len(line)
        i += 1
    f.write("\n]}\n")
print(i, file=sys.stderr)
PY
size=$(( $(stat -c %s "$WORK/demand.geojson") / 1048576 ))
read -r mib secs status < <(peak "$BIN" validate --format json --demand "$WORK/demand.geojson")
printf '%-44s %12s %10s %10s %6s\n' "validate --demand (generated demand layer)" "$size" "$mib" "$secs" "$status"
echo "peak / file size: $(python3 -c "print(f'{$mib / max($size, 1):.2f}')")" >&2
