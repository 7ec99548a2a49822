#!/usr/bin/env python3
"""Peer for `nuanxin coverage` end to end: the geopandas idiom a GIS analyst would write for the
per-district demand and covered figures, on the same dataset folder.

    python3 scripts/peers/geopandas_coverage.py DATA_DIR [--radius 1000] [--out FILE.json]

Reads DATA_DIR/districts.geojson, stations.geojson and demand.geojson with geopandas.read_file
(pyogrio engine), keeps the stations that offer rest (`services` contains "rest"; a station
without `services` by its kind: every kind but charging_point and partner_venue, as
docs/domain.md says), projects everything with to_crs to the manifest's `crs`, marks each demand
point covered when a rest station lies within the radius (sjoin with predicate "dwithin"), puts
each demand point in the divisions that contain it (sjoin with "intersects": zones overlap
districts, so a point may be in several) and sums weight and covered weight per division with a
groupby. Writes JSON: one row per division (id, demand, covered, covered_pct, seats, stations),
then the total and the demand outside every division. The whole process is what is timed (start-up
included); the script prints its own wall time to stderr.
"""
import argparse
import json
import sys
import time

t_start = time.perf_counter()

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402

NOT_REST_KINDS = {"charging_point", "partner_venue"}


def offers_rest(kind, services):
    if services is not None and not (isinstance(services, float) and np.isnan(services)):
        return "rest" in list(services)
    return kind not in NOT_REST_KINDS


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--radius", type=float, default=None)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    with open(args.data + "/dataset.json", encoding="utf-8") as f:
        manifest = json.load(f)
    crs = manifest["crs"]
    radius = args.radius if args.radius is not None else float(manifest["radius_m"])

    districts = gpd.read_file(args.data + "/districts.geojson", engine="pyogrio").to_crs(crs)
    stations = gpd.read_file(args.data + "/stations.geojson", engine="pyogrio")
    demand = gpd.read_file(args.data + "/demand.geojson", engine="pyogrio").to_crs(crs)
    services = stations["services"] if "services" in stations.columns else [None] * len(stations)
    rest = np.array([offers_rest(k, s) for k, s in zip(stations["kind"], services)], dtype=bool)
    stations = stations[rest].to_crs(crs)

    near = gpd.sjoin(demand[["geometry"]], stations[["geometry"]], predicate="dwithin", distance=radius)
    demand["covered"] = demand.index.isin(near.index)
    demand["covered_w"] = np.where(demand["covered"], demand["weight"], 0.0)

    inside = gpd.sjoin(demand[["weight", "covered_w", "geometry"]], districts[["id", "geometry"]], predicate="intersects")
    per = inside.groupby("id")[["weight", "covered_w"]].sum()
    st = gpd.sjoin(stations[["seats", "geometry"]], districts[["id", "geometry"]], predicate="intersects")
    seats = st.groupby("id")["seats"].agg(["sum", "count"])
    outside = demand[~demand.index.isin(inside.index)]

    def row(d, c):
        return {"demand": float(d), "covered": float(c), "covered_pct": round(100 * c / d, 2) if d > 0 else 0.0}

    rows = []
    for did in districts["id"]:
        d = per.loc[did, "weight"] if did in per.index else 0.0
        c = per.loc[did, "covered_w"] if did in per.index else 0.0
        r = {"id": did, **row(d, c)}
        r["seats"] = int(seats.loc[did, "sum"]) if did in seats.index else 0
        r["stations"] = int(seats.loc[did, "count"]) if did in seats.index else 0
        rows.append(r)
    result = {"radius_m": radius, "districts": rows,
              "total": {**row(demand["weight"].sum(), demand["covered_w"].sum()), "seats": int(stations["seats"].sum()),
                        "stations": int(len(stations))},
              "outside": row(outside["weight"].sum(), outside["covered_w"].sum())}
    text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        print(text)
    print("geopandas_coverage: %.3f s in the script (after interpreter start)" % (time.perf_counter() - t_start), file=sys.stderr)


if __name__ == "__main__":
    main()
