#!/usr/bin/env bash
# Proposal modes on the default dataset: for each mode, the wall time of `nuanxin propose` (release
# build, whole run: loading, demand model, coverage and every district's plan), how many districts
# are proven optimal, and the widest proven gap (upper_bound_pct minus the plan's percentage, in
# points of the measure). One JSON line per mode, then a Markdown table.
#
#   scripts/bench_propose.sh [MODE-FILTER]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product nuanxin >/dev/null
python3 - "${1:-}" <<'PY'
import json, subprocess, sys, time
only = sys.argv[1]
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
    t = time.monotonic()
    r = subprocess.run([".build/release/nuanxin", "propose", "--format", "json"] + args, capture_output=True, text=True)
    wall = time.monotonic() - t
    if r.returncode != 0:
        print(json.dumps({"mode": name, "error": r.stderr.strip()}), flush=True)
        continue
    doc = json.loads(r.stdout)
    measure = doc["measure"]
    ds = doc["districts"]
    gaps = [d["upper_bound_pct"] - d[f"{measure}_pct_after"] for d in ds]
    line = {"mode": name, "args": " ".join(args), "seconds": round(wall, 2), "districts": len(ds),
            "optimal": sum(d["optimal"] for d in ds), "max_gap_points": round(max(gaps), 2),
            "sites": sum(len(d["sites"]) for d in ds), "cost": sum(d["cost_total"] for d in ds)}
    print(json.dumps(line, ensure_ascii=False), flush=True)
    rows.append(line)
print()
print("| mode | flags | time | districts proven optimal | widest proven gap (points) | sites | cost (yuan) |")
print("|---|---|---|---|---|---|---|")
for l in rows:
    print(f"| {l['mode']} | `{l['args']}` | {l['seconds']:.2f} s | {l['optimal']} / {l['districts']} | {l['max_gap_points']:.2f} | {l['sites']} | {l['cost']:,.0f} |")
PY
