#!/usr/bin/env bash
# Site selection (MCLP) benchmark: Nuanxin's Planning solver against spopt's MCLP solved by CBC,
# on the same instances. Writes the instances and both result files to DIR and prints a summary.
#
#   scripts/bench_mclp.sh [DIR]          (default bench-data/mclp; TIME_LIMIT=900 seconds for CBC)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-bench-data/mclp}"
TIME_LIMIT="${TIME_LIMIT:-900}"
INSTANCES="${INSTANCES:-A,B}"
mkdir -p "$DIR"

swift build -c release --product PlannerBenchmarks >/dev/null
.build/release/PlannerBenchmarks --out "$DIR" --only "$INSTANCES" | tee "$DIR/nuanxin.jsonl"

: > "$DIR/spopt.jsonl"
for name in ${INSTANCES//,/ }; do
    read -r p radius < <(python3 -c "import json,sys; m=json.load(open('$DIR/$name/instance.json')); print(m['p'], m['radius_m'])")
    python3 scripts/peers/spopt_mclp.py "$DIR/$name" --p "$p" --radius "$radius" --instance "$name" \
        --time-limit "$TIME_LIMIT" | tee -a "$DIR/spopt.jsonl"
done

python3 - "$DIR" <<'PY'
import json, sys
d = sys.argv[1]
ours = {r["instance"]: r for r in map(json.loads, open(f"{d}/nuanxin.jsonl"))}
peer = {r["instance"]: r for r in map(json.loads, open(f"{d}/spopt.jsonl"))}
print()
print("| instance | ours | bound | CBC | CBC status | ours % of CBC | ours % of our bound | ours s | CBC solve s | spopt build+solve s | ratio (solve) | ratio (build+solve) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for name in sorted(ours):
    o, c = ours[name], peer.get(name, {})
    cobj = c.get("objective")
    pct = f"{100 * o['objective'] / cobj:.3f}%" if cobj else "n/a"
    status = c.get("solution", "not run")
    total = (c.get("build_s") or 0) + (c.get("solve_s") or 0)
    print(f"| {name} | {o['objective']:g} | {o['upper_bound']:g}{' (optimal)' if o['optimal'] else ''} | "
          f"{cobj if cobj is not None else 'n/a'} | {status} | {pct} | {100 * o['objective'] / o['upper_bound']:.3f}% | "
          f"{o['median_s']:.4f} | {c.get('solve_s', 'n/a')} | {total:.1f} | "
          f"{c.get('solve_s', 0) / o['median_s']:.0f}x | {total / o['median_s']:.0f}x |")
PY
