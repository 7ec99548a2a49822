#!/usr/bin/env bash
# Leak check of whole CLI runs under valgrind memcheck, on the default dataset (geodata/changzhi):
# info, validate, coverage, gaps, a batch `nearest --input`, and a GeoPackage written and read.
#
#   scripts/leakcheck.sh            (release build; valgrind is installed through apt if missing)
#   LEAKCHECK_SCRATCH=.build-release scripts/leakcheck.sh   build in that folder instead of .build
#                                   (.ci/run does, so it need not wait for the debug build's lock)
#
# A run passes when memcheck finds no memory errors, nothing definitely or indirectly lost, and no
# block at all (not even a reachable one) allocated by a GEOS, PROJ or SQLite constructor: every
# context, geometry, prepared geometry, tree, transformation, database and statement was finished.
# "Possibly lost" blocks inside the Swift runtime (its metadata caches, kept through interior
# pointers) are listed in the summary but are not ours.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if ! command -v valgrind >/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq valgrind >/dev/null
fi
SCRATCH=${LEAKCHECK_SCRATCH:-.build}
swift build -c release --product nuanxin --scratch-path "$SCRATCH" 2>&1 | grep -v -e "^\[" >&2
BIN=$SCRATCH/release/nuanxin
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Queries spread over Changzhi (about 110.9–113.8 E, 35.8–37.1 N), two with errors.
python3 - "$WORK/queries.csv" <<'PY'
import random, sys
random.seed(7)
with open(sys.argv[1], "w") as f:
    f.write("id,lon,lat\n")
    for i in range(5000):
        f.write(f"q{i},{random.uniform(112.6, 113.4):.6f},{random.uniform(35.9, 36.6):.6f}\n")
    f.write("bad1,oops,36.1\nbad2,36.1,113.1\n")
PY
HANDLES='GEOS_init_r|GEOSGeom_create|GEOSGeom_clone|GEOSPrepare|GEOSSTRtree_create|GEOSWKTReader_create|GEOSWKBReader_create|GEOSWKTWriter_create|GEOSWKBWriter_create|proj_context_create|proj_create|proj_normalize_for_visualization|sqlite3_open_v2|sqlite3_prepare_v2'
declare -a RUNS=(
    "info --format json"
    "validate --format json"
    "coverage --format json"
    "gaps --format geojson"
    "nearest --input $WORK/queries.csv --format csv -k 3"
    "export --layer all --format gpkg --out $WORK/changzhi.gpkg"
    "coverage --format json --data $WORK/changzhi.gpkg"
)
failed=0
printf '%-16s %6s %10s %10s %10s %12s %8s  %s\n' command exit errors definite indirect possible handles result
for run in "${RUNS[@]}"; do
    name=${run%% *}
    log="$WORK/$name.valgrind"
    set +e
    valgrind --tool=memcheck --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=definite,indirect --num-callers=50 \
        --log-file="$log" $BIN $run >/dev/null 2>"$WORK/$name.stderr"
    status=$?
    set -e
    errors=$(grep -o 'ERROR SUMMARY: [0-9,]*' "$log" | awk '{print $3}' | tr -d ,)
    definite=$(grep -o 'definitely lost: [0-9,]* bytes' "$log" | awk '{print $3}' | tr -d ,)
    indirect=$(grep -o 'indirectly lost: [0-9,]* bytes' "$log" | awk '{print $3}' | tr -d ,)
    possible=$(grep -o 'possibly lost: [0-9,]* bytes' "$log" | awk '{print $3}' | tr -d ,)
    # Loss records (any kind) whose allocation stack goes through a GEOS or PROJ constructor.
    handles=$(awk -v pat="$HANDLES" '/are (definitely|indirectly|possibly) lost|are still reachable/ {rec=1; hit=0; next} rec && $0 ~ pat {hit=1} rec && /^==[0-9]+== $/ {if (hit) n++; rec=0} END {print n+0}' "$log")
    # nearest exits 65 for its two bad lines; the others must succeed.
    expected=0; [ "$name" = nearest ] && expected=65
    result=ok
    if [ "$status" -ne "$expected" ] || [ "${errors:-1}" != 0 ] || [ "${definite:-0}" != 0 ] || [ "${indirect:-0}" != 0 ] || [ "$handles" != 0 ]; then
        result="FAILED (see below)"
        failed=1
    fi
    printf '%-16s %6s %10s %10s %10s %12s %8s  %s\n' "$name" "$status" "${errors:-?}" "${definite:-0}" "${indirect:-0}" "${possible:-0}" "$handles" "$result"
    if [ "$result" != ok ]; then
        tail -n 20 "$WORK/$name.stderr" >&2
        grep -B2 -A30 -E "definitely lost in|indirectly lost in|Invalid (read|write)|uninitialised|$HANDLES" "$log" | head -150 >&2 || true
    fi
done
exit $failed
