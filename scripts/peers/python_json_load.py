#!/usr/bin/env python3
"""Peer figures for NuanxinBenchmarks load: reading the same GeoJSON point layer in Python.

    python3 scripts/peers/python_json_load.py --data DIR [--runs 5]

Times, on DIR/demand.geojson (median of --runs after one warm-up run, each on one thread):

  python_json_load   json.load of the file (the standard library's C parser): a tree of dicts
                     and lists, nothing GeoJSON-specific, no validation
  orjson_loads       orjson.loads of the file's bytes, when orjson is installed (not installed
                     here if missing)
  pyogrio_read       pyogrio.raw.read of the file (GDAL's GeoJSON driver: geometries as WKB and
                     the properties as numpy arrays; no GeoDataFrame, so geopandas is not needed),
                     when pyogrio is installed (not installed if missing)

Each prints one JSON line in the shape of NuanxinBenchmarks' ("benchmark", "bytes", "features",
"runs", "median_s", "mb_per_s", MB being 10^6 bytes, and the same over the process's CPU time,
"cpu_median_s", "mb_per_cpu_s", which a busy machine disturbs less); per-run times go to stderr.
"""

import argparse
import importlib
import json
import os
import statistics
import sys
import time


def measure(name, path, size, runs, body):
    body()  # warm-up
    times = []
    cpu = []
    features = 0
    for _ in range(runs):
        start = time.perf_counter()
        cpu_start = time.process_time()
        features = body()
        cpu.append(time.process_time() - cpu_start)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    cpu_median = statistics.median(cpu)
    print("%s: runs_s=%s cpu_s=%s" % (name, ["%.4f" % t for t in times], ["%.4f" % t for t in cpu]), file=sys.stderr)
    print(json.dumps({"benchmark": name, "file": path, "bytes": size, "features": features, "runs": runs,
                      "median_s": round(median, 6), "mb_per_s": round(size / 1e6 / median, 1),
                      "cpu_median_s": round(cpu_median, 6), "mb_per_cpu_s": round(size / 1e6 / cpu_median, 1)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder with demand.geojson")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = os.path.join(args.data, "demand.geojson")
    size = os.path.getsize(path)

    def with_json():
        with open(path, "rb") as f:
            return len(json.load(f)["features"])

    measure("python_json_load", path, size, args.runs, with_json)

    try:
        orjson = importlib.import_module("orjson")
    except ImportError:
        orjson = None
    if orjson is not None:
        def with_orjson():
            with open(path, "rb") as f:
                return len(orjson.loads(f.read())["features"])

        measure("orjson_loads", path, size, args.runs, with_orjson)

    try:
        pyogrio = importlib.import_module("pyogrio")
    except ImportError:
        pyogrio = None
    if pyogrio is not None:
        from pyogrio import raw

        def with_pyogrio():
            meta, fids, geometry, fields = raw.read(path)
            return len(geometry)

        measure("pyogrio_read", path, size, args.runs, with_pyogrio)


if __name__ == "__main__":
    main()
