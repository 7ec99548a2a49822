#!/usr/bin/env python3
"""Peer for `nuanxin nearest --input queries.csv --format csv`: the same job written the way a
planner's script would do it with shapely 2 and pyproj. Reads stations (GeoJSON) and queries
(CSV id,lon,lat), projects both to EPSG:4547, finds the nearest station of every query with
shapely's STRtree.query_nearest (all ties), computes geodesic distances with pyproj.Geod and writes
query_id,rank,station_id,distance_m,error (error empty: every line of the generated files is
answered), the columns of `nuanxin nearest --input --format csv`. Usage:
    python3 shapely_batch_csv.py STATIONS.geojson QUERIES.csv OUT.csv
"""
import csv
import json
import subprocess
import sys

try:
    import numpy as np
    import shapely
    from pyproj import Geod, Transformer
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "shapely", "pyproj"])
    import numpy as np
    import shapely
    from pyproj import Geod, Transformer


def main(stations_path, queries_path, out_path):
    with open(stations_path, encoding="utf-8") as f:
        features = json.load(f)["features"]
    sids = [ft["properties"]["id"] for ft in features]
    slon = np.array([ft["geometry"]["coordinates"][0] for ft in features])
    slat = np.array([ft["geometry"]["coordinates"][1] for ft in features])
    qids, qlon, qlat = [], [], []
    with open(queries_path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            qids.append(row[0])
            qlon.append(float(row[1]))
            qlat.append(float(row[2]))
    qlon = np.array(qlon)
    qlat = np.array(qlat)
    to_metric = Transformer.from_crs(4326, 4547, always_xy=True)
    sx, sy = to_metric.transform(slon, slat)
    qx, qy = to_metric.transform(qlon, qlat)
    tree = shapely.STRtree(shapely.points(sx, sy))
    (qi, si) = tree.query_nearest(shapely.points(qx, qy), all_matches=True)
    order = np.lexsort((si, qi))
    qi, si = qi[order], si[order]
    _, _, dist = Geod(ellps="WGS84").inv(qlon[qi], qlat[qi], slon[si], slat[si])
    with open(out_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["query_id", "rank", "station_id", "distance_m", "error"])
        rank = 0
        prev = -1
        for q, s, d in zip(qi.tolist(), si.tolist(), dist.tolist()):
            rank = rank + 1 if q == prev else 1
            prev = q
            w.writerow([qids[q], rank, sids[s], f"{d:.2f}", ""])


if __name__ == "__main__":
    main(*sys.argv[1:4])
