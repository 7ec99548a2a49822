#!/usr/bin/env bash
# One `nuanxin nearest --lon 113.1 --lat 36.2` on the default dataset, end to end (a new process
# each time, release build): 20 runs, median wall time and median CPU time of the process. Beside
# it, what the process pays before any work: `nuanxin convert` (process start, Swift runtime and
# libraries loaded, arguments parsed, no dataset, no PROJ), and the creation of the PROJ
# transformation EPSG:4326 -> EPSG:4547 alone (NuanxinBenchmarks proj, in one process).
# Options: RUNS (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-20}"

swift build -c release --product nuanxin >&2
swift build -c release --product NuanxinBenchmarks >&2
BIN=.build/release/nuanxin
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >&2
python3 - "$BIN" "$RUNS" <<'PY'
import json, os, resource, statistics, subprocess, sys, time
binary, runs = sys.argv[1], int(sys.argv[2])

def measure(name, arguments):
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([binary] + arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        if done.returncode != 0:
            sys.exit("%s exited with %d" % (" ".join(arguments), done.returncode))
    print(json.dumps({"benchmark": name, "command": "nuanxin " + " ".join(arguments), "runs": runs,
                      "median_ms": round(statistics.median(walls) * 1000, 1), "min_ms": round(min(walls) * 1000, 1),
                      "cpu_median_ms": round(statistics.median(cpus) * 1000, 1)}, ensure_ascii=False))

measure("cli_nearest_one_point", ["nearest", "--lon", "113.1", "--lat", "36.2", "--format", "json"])
measure("cli_process_start", ["convert", "--from", "wgs84", "--to", "gcj02", "--lon", "113.1", "--lat", "36.2"])
PY
swift run -c release --skip-build NuanxinBenchmarks proj
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
