#!/usr/bin/env python3
"""Peer figure for NuanxinBenchmarks coverage: the shapely 2 idiom for "which demand points have a
station within r metres" on the same data.

    python3 scripts/peers/shapely_coverage.py --data DIR [--radius 1000] [--runs 5]

Reads DIR/stations.csv and DIR/demand.csv (id,lon,lat,...), projects both with pyproj to
EPSG:4547 (not timed), then times building shapely.STRtree over the stations plus
tree.query(demand_points, predicate="dwithin", distance=r) and the count of covered points
(np.unique of the demand side). Prints one JSON line; installs shapely and pyproj if missing.
"""
import argparse
import json
import statistics
import subprocess
import sys
import time

try:
    import numpy as np
    import shapely
    from pyproj import Transformer
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "shapely", "pyproj"])
    import numpy as np
    import shapely
    from pyproj import Transformer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--radius", type=float, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    to_metric = Transformer.from_crs(4326, 4547, always_xy=True)
    s = np.loadtxt(args.data + "/stations.csv", delimiter=",", skiprows=1, usecols=(1, 2), ndmin=2)
    d = np.loadtxt(args.data + "/demand.csv", delimiter=",", skiprows=1, usecols=(1, 2), ndmin=2)
    sx, sy = to_metric.transform(s[:, 0], s[:, 1])
    dx, dy = to_metric.transform(d[:, 0], d[:, 1])
    station_points = shapely.points(sx, sy)
    demand_points = shapely.points(dx, dy)
    times = []
    covered = pairs = 0
    for _ in range(max(5, args.runs)):
        t0 = time.perf_counter()
        tree = shapely.STRtree(station_points)
        found = tree.query(demand_points, predicate="dwithin", distance=args.radius)
        covered = int(np.unique(found[0]).size)
        times.append(time.perf_counter() - t0)
        pairs = int(found.shape[1])
    print("shapely_coverage: covered_points=%d pairs=%d runs_s=%s" % (covered, pairs, ["%.4f" % t for t in times]), file=sys.stderr)
    print(json.dumps({"benchmark": "shapely_coverage_covered", "stations": len(sx), "demand": len(dx), "radius_m": args.radius,
                      "runs": len(times), "covered_points": covered, "pairs": pairs,
                      "median_s": round(statistics.median(times), 6)}, separators=(",", ":")))


if __name__ == "__main__":
    main()
