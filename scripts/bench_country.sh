#!/usr/bin/env bash
# Country scale: `coverage`, `gaps` and `propose --count 3` for every county of a synthetic country
# (2,800 counties, 150,000 stations, 10,000,000 demand points by default), each a release-build CLI
# run under /usr/bin/time -v: wall time, CPU time (user + sys) and peak RSS. The dataset is made by
# scripts/gen_country.py into bench-data/ when missing.
#
#   scripts/bench_country.sh                      # all three commands
#   COMMANDS="coverage gaps" scripts/bench_country.sh
#   COUNTIES=2800 STATIONS=150000 DEMAND=1000000 scripts/bench_country.sh   # a smaller run
#   DATA=bench-data/country.gpkg scripts/bench_country.sh                    # another copy of the data
#   OUT=bench-data/country-out-mine scripts/bench_country.sh                 # another output directory
#
# Prints one JSON line a command and a table; the outputs (each command's json and its
# /usr/bin/time log) go to $OUT, bench-data/country-out/ by default: give two runs at once
# different ones.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNTIES="${COUNTIES:-2800}"
STATIONS="${STATIONS:-150000}"
DEMAND="${DEMAND:-10000000}"
PER_COUNTY="${PER_COUNTY:-40}"
SEED="${SEED:-1}"
COMMANDS="${COMMANDS:-coverage gaps propose}"
DATA="${DATA:-bench-data/country-c${COUNTIES}-s${STATIONS}-d${DEMAND}-seed${SEED}}"
OUT="${OUT:-bench-data/country-out}"
mkdir -p "$OUT"
if [[ ! -e "$DATA/dataset.json" && "$DATA" != *.gpkg ]]; then
    echo "generating $DATA" >&2
    python3 scripts/gen_country.py --out "$DATA" --counties "$COUNTIES" --stations "$STATIONS" --demand "$DEMAND" \
        --candidates-per-county "$PER_COUNTY" --seed "$SEED" >&2
fi
swift build -c release --product nuanxin >&2
BIN="$(swift build -c release --show-bin-path)/nuanxin"
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
    echo "data: $DATA ($(du -sh "$DATA" | cut -f1))"
} >&2

results=()
for cmd in $COMMANDS; do
    case "$cmd" in
        coverage) args=(coverage --format json) ;;
        gaps) args=(gaps --format json) ;;
        propose) args=(propose --count 3 --format json) ;;
        *) echo "unknown command $cmd" >&2; exit 64 ;;
    esac
    load_before="$(cut -d' ' -f1 /proc/loadavg)"
    log="$OUT/$cmd.time"
    status=0
    /usr/bin/time -v "$BIN" "${args[@]}" --data "$DATA" --out "$OUT/$cmd.json" 2> "$log" || status=$?
    load_after="$(cut -d' ' -f1 /proc/loadavg)"
    line="$(python3 - "$log" "$cmd" "$status" "$load_before" "$load_after" "$DATA" <<'PY'
import json, re, sys
log, cmd, status, before, after, data = sys.argv[1:]
text = open(log, encoding="utf-8", errors="replace").read()
def field(name):
    m = re.search(r"^\s*" + re.escape(name) + r": (.*)$", text, re.M)
    return m.group(1).strip() if m else None
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
parts = [float(p) for p in wall.split(":")] if wall else [0]
seconds = 0.0
for p in parts:
    seconds = seconds * 60 + p
user, sys_ = float(field("User time (seconds)") or 0), float(field("System time (seconds)") or 0)
rss_kb = int(field("Maximum resident set size (kbytes)") or 0)
print(json.dumps({"benchmark": "country_" + cmd, "data": data, "exit": int(status), "wall_s": round(seconds, 2),
                  "cpu_s": round(user + sys_, 2), "user_s": user, "sys_s": sys_, "peak_rss_gib": round(rss_kb / 2**20, 2),
                  "load_before": float(before), "load_after": float(after)}, separators=(",", ":")))
PY
)"
    echo "$line"
    results+=("$line")
    if [[ $status -ne 0 ]]; then
        echo "$cmd exited $status; its stderr:" >&2
        grep -v '^\s' "$log" | tail -5 >&2 || true
    fi
done
python3 - "${results[@]}" <<'PY'
import json, sys
rows = [json.loads(a) for a in sys.argv[1:]]
print("%-10s %6s %10s %10s %12s %s" % ("command", "exit", "wall s", "cpu s", "peak GiB", "load (1 min) before/after"))
for r in rows:
    print("%-10s %6d %10.1f %10.1f %12.2f %s/%s" % (r["benchmark"][8:], r["exit"], r["wall_s"], r["cpu_s"], r["peak_rss_gib"], r["load_before"], r["load_after"]))
PY
