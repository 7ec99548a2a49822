#!/usr/bin/env python3
"""Peer figure for NuanxinBenchmarks nearest: shapely 2's STRtree on the same data.

    python3 scripts/peers/shapely_nearest.py --data DIR [--runs 5]

Reads DIR/stations.csv and DIR/queries.csv (id,lon,lat,... with a header), projects both with
pyproj to EPSG:4547, builds shapely.STRtree over the station points and times
tree.query_nearest(query_points, return_distance=True, all_matches=True) over all queries (one
call, one thread: that is how shapely answers a batch). Prints one JSON line in the shape of
NuanxinBenchmarks' (benchmark "shapely_nearest_k1"); checksums and per-run times go to stderr.
Installs shapely and pyproj with pip when they are missing.
"""

import argparse
import importlib
import json
import statistics
import subprocess
import sys
import time


def ensure_packages():
    missing = []
    for module in ("shapely", "pyproj"):
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        print("installing %s with pip" % " ".join(missing), file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", *missing])


def read_points(path):
    """Longitudes and latitudes from columns 2 and 3 (numpy's C reader; not timed)."""
    import numpy as np

    data = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(1, 2), dtype=np.float64, ndmin=2)
    return data[:, 0].copy(), data[:, 1].copy()


def main():
    parser = argparse.ArgumentParser(description="shapely STRtree.query_nearest peer benchmark")
    parser.add_argument("--data", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = max(5, args.runs)

    ensure_packages()
    import numpy as np
    import pyproj
    import shapely

    transformer = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True)
    station_lon, station_lat = read_points(args.data + "/stations.csv")
    query_lon, query_lat = read_points(args.data + "/queries.csv")
    sx, sy = transformer.transform(station_lon, station_lat)
    qx, qy = transformer.transform(query_lon, query_lat)
    stations = shapely.points(np.asarray(sx), np.asarray(sy))
    queries = shapely.points(np.asarray(qx), np.asarray(qy))

    build_times = []
    tree = None
    for _ in range(runs):
        start = time.perf_counter()
        tree = shapely.STRtree(stations)
        tree.query_nearest(stations[:1])  # GEOS builds the tree on its first query
        build_times.append(time.perf_counter() - start)

    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = tree.query_nearest(queries, return_distance=True, all_matches=True)
        times.append(time.perf_counter() - start)

    (pairs, _distances) = result
    print(
        "shapely_nearest_k1: shapely=%s geos=%s pairs=%d index_sum=%d runs_s=%s"
        % (shapely.__version__, shapely.geos_version_string, pairs.shape[1], int(pairs[1].sum()),
           ["%.4f" % t for t in times]),
        file=sys.stderr,
    )
    median = statistics.median(times)
    print(json.dumps({
        "benchmark": "shapely_nearest_k1",
        "stations": len(stations),
        "queries": len(queries),
        "build_s": round(statistics.median(build_times), 6),
        "median_s": round(median, 6),
        "queries_per_s": round(len(queries) / median),
        "runs": runs,
    }, separators=(",", ":")))


if __name__ == "__main__":
    main()
