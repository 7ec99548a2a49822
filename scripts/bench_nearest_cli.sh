#!/usr/bin/env bash
# One `nuanxin nearest --lon 113.1 --lat 36.2` on the default dataset, end to end (a new process
# each time, release build): RUNS runs each, median wall time and median CPU time (user+sys) of the
# process, and `perf stat`'s mean task-clock when perf is installed.
#   cli_nearest_one_point       with the PROJ cache filled (a fresh cache folder, one run to fill it):
#                               every process after the first one on a machine
#   cli_nearest_no_proj_cache   with no PROJ cache (XDG_CACHE_HOME names a folder that cannot be
#                               created): the first process, which searches PROJ's database
#   cli_process_start           `nuanxin convert` (process start, libraries loaded, arguments
#                               parsed, no dataset, no PROJ)
#   cli_nearest_before          BEFORE="path/to/another/nuanxin ..." (say a build of main, copied
#                               into bench-data/, where it finds the default dataset): the same
#                               query with each of those binaries, in the same run
# then NuanxinBenchmarks proj: creating the transformation EPSG:4326 -> EPSG:4547 in one process,
# with and without the cache.
# Options: RUNS (default 20), BEFORE; SKIP_BUILD=1 uses the release binaries as they are.
source "$(dirname "$0")/bench_prelude.sh"
RUNS="${RUNS:-20}"
BEFORE="${BEFORE:-}"

bench_build nuanxin NuanxinBenchmarks
BIN=.build/release/nuanxin
CACHE=$(mktemp -d)
trap 'rm -rf "$CACHE"' EXIT
bench_header
python3 - "$BIN" "$RUNS" "$CACHE" "$BEFORE" <<'PY'
import json, os, resource, shutil, statistics, subprocess, sys, time
binary, runs, cache, before = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
perf = shutil.which("perf")
query = ["nearest", "--lon", "113.1", "--lat", "36.2", "--format", "json"]

def measure(name, program, arguments, cache_home):
    env = dict(os.environ, XDG_CACHE_HOME=cache_home)
    command = [program] + arguments
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)  # warm-up (fills the cache)
    walls, cpus = [], []
    for _ in range(runs):
        before_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before_usage.ru_utime) + (after.ru_stime - before_usage.ru_stime))
        if done.returncode != 0:
            sys.exit("%s exited with %d" % (" ".join(command), done.returncode))
    figure = {"benchmark": name, "binary": program, "command": "nuanxin " + " ".join(arguments), "runs": runs,
              "median_ms": round(statistics.median(walls) * 1000, 1), "min_ms": round(min(walls) * 1000, 1),
              "cpu_median_ms": round(statistics.median(cpus) * 1000, 1)}
    if perf:
        out = subprocess.run([perf, "stat", "-r", str(runs), "-x,", "-e", "task-clock"] + command, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
        for line in out.splitlines():
            fields = line.split(",")
            if len(fields) > 2 and fields[2] == "task-clock":
                figure["perf_task_clock_ms"] = float(fields[0])
    print(json.dumps(figure, ensure_ascii=False), flush=True)

measure("cli_nearest_one_point", binary, query, cache)
measure("cli_nearest_no_proj_cache", binary, query, "/dev/null/no-cache")
measure("cli_process_start", binary, ["convert", "--from", "wgs84", "--to", "gcj02", "--lon", "113.1", "--lat", "36.2"], cache)
for other in before.split():
    measure("cli_nearest_before", other, query, cache)
PY
swift run -c release --skip-build NuanxinBenchmarks proj
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
