#!/usr/bin/env bash
# Proposal modes on the default dataset: for each mode, the wall time and the CPU time (user + sys)
# of `nuanxin propose` (release build, whole run: loading, demand model, coverage and every
# district's plan; on a loaded machine the CPU time is the steadier figure), how many districts
# are proven optimal, and the widest proven gap (upper_bound_pct minus the plan's percentage, in
# points of the measure). One JSON line per mode, then a Markdown table.
#
#   scripts/bench_propose.sh [MODE-FILTER]
#   NUANXIN_BENCH_BIN=/path/to/nuanxin scripts/bench_propose.sh   another build (say, an earlier commit's)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${NUANXIN_BENCH_BIN:-}" ] || swift build -c release --product nuanxin >/dev/null
python3 - "${1:-}" <<'PY'
import json, os, resource, subprocess, sys, time
only = sys.argv[1]
binary = os.environ.get("NUANXIN_BENCH_BIN") or ".build/release/nuanxin"
modes = [
    ("count 3", ["--count", "3"]),
    ("count 3, no spacing", ["--count", "3", "--min-spacing", "0"]),
    ("count 3, uncapacitated", ["--count", "3", "--uncapacitated"]),
    ("target 60 %", ["--target", "60"]),
    ("budget 150,000", ["--budget", "150000"]),
    ("budget 150,000, uncapacitated", ["--budget", "150000", "--uncapacitated"]),
    ("count 3, expand", ["--count", "3", "--expand"]),
    ("count 12, citywide", ["--count", "12", "--citywide"]),
    ("budget 600,000, citywide", ["--budget", "600000", "--citywide"]),
]
rows = []
for name, args in modes:
    if only and only not in name:
        continue
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    r = subprocess.run([binary, "propose", "--format", "json"] + args, capture_output=True, text=True)
    wall = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if r.returncode != 0:
        print(json.dumps({"mode": name, "error": r.stderr.strip()}), flush=True)
        continue
    doc = json.loads(r.stdout)
    measure = doc["measure"]
    ds = doc["districts"]
    gaps = [d["upper_bound_pct"] - d[f"{measure}_pct_after"] for d in ds]
    line = {"mode": name, "args": " ".join(args), "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "districts": len(ds),
            "optimal": sum(d["optimal"] for d in ds), "max_gap_points": round(max(gaps), 2),
            "sites": sum(len(d["sites"]) for d in ds), "cost": sum(d["cost_total"] for d in ds)}
    print(json.dumps(line, ensure_ascii=False), flush=True)
    rows.append(line)
print()
print("| mode | flags | wall | CPU (user+sys) | districts proven optimal | widest proven gap (points) | sites | cost (yuan) |")
print("|---|---|---|---|---|---|---|---|")
for l in rows:
    print(f"| {l['mode']} | `{l['args']}` | {l['seconds']:.2f} s | {l['cpu_seconds']:.2f} s | {l['optimal']} / {l['districts']} | {l['max_gap_points']:.2f} | {l['sites']} | {l['cost']:,.0f} |")
PY
