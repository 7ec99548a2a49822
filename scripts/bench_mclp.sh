#!/usr/bin/env bash
# Site selection (MCLP) benchmark: Nuanxin's Planning solver against spopt's MCLP solved by CBC,
# on the same instances. Writes the instances and both result files to DIR and prints a summary.
#
#   scripts/bench_mclp.sh [DIR]          (default bench-data/mclp; TIME_LIMIT=900 seconds for CBC)
#
# INSTANCES picks them (default A,B; C = C1–C5, R = the random uniform R1–R5; the peer runs on
# each one written). WORK (links, e.g. 1e11) raises our solver's effort limit; RUNS repeats.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-bench-data/mclp}"
TIME_LIMIT="${TIME_LIMIT:-900}"
INSTANCES="${INSTANCES:-A,B}"
mkdir -p "$DIR"

swift build -c release --product PlannerBenchmarks >/dev/null
EXTRA=()
[ -n "${WORK:-}" ] && EXTRA+=(--work "$WORK")
.build/release/PlannerBenchmarks --out "$DIR" --only "$INSTANCES" --runs "${RUNS:-5}" "${EXTRA[@]}" | tee "$DIR/nuanxin.jsonl"

: > "$DIR/spopt.jsonl"
for name in $(python3 -c "import json,sys; print(' '.join(json.loads(l)['instance'] for l in open('$DIR/nuanxin.jsonl')))"); do
    read -r p radius < <(python3 -c "import json,sys; m=json.load(open('$DIR/$name/instance.json')); print(m['p'], m['radius_m'])")
    python3 scripts/peers/spopt_mclp.py "$DIR/$name" --p "$p" --radius "$radius" --instance "$name" \
        --time-limit "$TIME_LIMIT" | tee -a "$DIR/spopt.jsonl"
done

python3 - "$DIR" <<'PY'
import json, sys
d = sys.argv[1]
ours = {r["instance"]: r for r in map(json.loads, open(f"{d}/nuanxin.jsonl"))}


def cpu_columns(o, c):
    ours_cpu, e2e = o.get("cpu_s"), o.get("end_to_end_cpu_s")
    solve, build = c.get("solve_cpu_s"), c.get("build_cpu_s")
    if ours_cpu is None or solve is None:
        return "n/a | n/a | n/a | n/a | n/a | n/a |"
    peer_total = solve + (build or 0)
    e2e_ratio = f"{peer_total / e2e:.0f}x" if e2e else "n/a"
    e2e_text = f"{e2e:.4f}" if e2e is not None else "n/a"
    return (f"{ours_cpu:.4f} | {e2e_text} | {solve} | {peer_total:.1f} | "
            f"{solve / ours_cpu:.0f}x | {e2e_ratio} |")


peer = {r["instance"]: r for r in map(json.loads, open(f"{d}/spopt.jsonl"))}
print()
print("| instance | ours | bound | CBC | CBC status | ours % of CBC | ours % of our bound | ours s | CBC solve s | spopt build+solve s | ratio (solve) | ratio (build+solve) | ours CPU s | ours end-to-end CPU s | CBC solve CPU s | spopt build+solve CPU s | CPU ratio (solve) | CPU ratio (end to end) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for name in sorted(ours):
    o, c = ours[name], peer.get(name, {})
    cobj = c.get("objective")
    pct = f"{100 * o['objective'] / cobj:.3f}%" if cobj else "n/a"
    status = c.get("solution", "not run")
    total = (c.get("build_s") or 0) + (c.get("solve_s") or 0)
    print(f"| {name} | {o['objective']:g} | {o['upper_bound']:g}{' (optimal)' if o['optimal'] else ''} | "
          f"{cobj if cobj is not None else 'n/a'} | {status} | {pct} | {100 * o['objective'] / o['upper_bound']:.3f}% | "
          f"{o['median_s']:.4f} | {c.get('solve_s', 'n/a')} | {total:.1f} | "
          f"{c.get('solve_s', 0) / o['median_s']:.0f}x | {total / o['median_s']:.0f}x | "
          + cpu_columns(o, c))
PY
