#!/usr/bin/env python3
"""Synthetic Nuanxin instances around Changzhi's twelve county seats, any size, reproducible.

    python3 scripts/gen_synthetic.py --out DIR --stations N --demand N --candidates N \
        --queries N --seed S

writes, all in WGS84 lon/lat with 6 decimals (about 0.1 m):

    DIR/dataset.json          manifest (name, crs EPSG:4547, radius_m 1000, default_seats)
    DIR/stations.geojson      Point features: id, name, kind, seats, services
    DIR/stations.csv          id,lon,lat,kind,seats (the same stations)
    DIR/demand.geojson        Point features: id, weight (peak riders)
    DIR/candidates.geojson    Point features: id, name, max_seats
    DIR/queries.csv           id,lon,lat

Points are drawn around the county seats of the project's fact sheet on Changzhi (as tabled in scripts/make_changzhi_dataset.py) (Gaussian clusters, the main
urban district the largest and widest) plus a uniform background over the city's extent, clipped to
it. There are no districts: the files are for the locator and its benchmarks. Each layer has its own
random stream derived from the seed, so changing one size leaves the other layers unchanged, and the
same arguments give the same bytes. Features are written with plain string formatting (no per-feature
json.dumps), so a million points take a few seconds.
"""

import math
import os
import random
import sys

from gen_common import command_line, parse_sizes, point_feature, size_arguments, write_manifest

# County seats: (English, Chinese, lon, lat, share of clustered points, cluster sigma in km).
SEATS = [
    ("Luzhou", "潞州区", 113.1074, 36.1877, 0.34, 5.0),
    ("Shangdang", "上党区", 113.0501, 36.0523, 0.08, 3.0),
    ("Tunliu", "屯留区", 112.8866, 36.3142, 0.06, 2.5),
    ("Lucheng", "潞城区", 113.2167, 36.3322, 0.07, 2.5),
    ("Xiangyuan", "襄垣县", 113.0435, 36.5326, 0.06, 2.5),
    ("Pingshun", "平顺县", 113.4321, 36.2000, 0.04, 2.0),
    ("Licheng", "黎城县", 113.3806, 36.5027, 0.05, 2.0),
    ("Huguan", "壶关县", 113.1996, 36.1109, 0.05, 2.0),
    ("Zhangzi", "长子县", 112.8785, 36.1197, 0.06, 2.5),
    ("Wuxiang", "武乡县", 112.8591, 36.8342, 0.05, 2.0),
    ("Qin", "沁县", 112.6951, 36.7569, 0.05, 2.0),
    ("Qinyuan", "沁源县", 112.3344, 36.5006, 0.09, 2.5),
]
# The whole city spans about 111.98-113.74 E, 35.82-37.13 N.
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 111.98, 113.74, 35.82, 37.13
BACKGROUND_SHARE = 0.15

# Station kinds: (kind, Chinese label, share, seats range, services always offered).
KINDS = [
    ("warm_station", "暖新驿站", 0.30, (4, 20), ["rest", "water", "microwave", "charging"]),
    ("union_station", "工会驿站", 0.15, (4, 30), ["rest", "water", "microwave", "restroom"]),
    ("rider_station", "骑手驿站", 0.20, (2, 10), ["rest", "water", "hot_meal", "umbrella"]),
    ("service_center", "党群服务中心", 0.05, (10, 60), ["rest", "water", "reading", "fitness", "training"]),
    ("charging_point", "充电点", 0.20, (0, 0), ["charging"]),
    ("partner_venue", "爱心商户", 0.10, (2, 12), ["water", "microwave"]),
]
SERVICES = [
    "rest", "water", "hot_meal", "microwave", "charging", "battery_swap", "umbrella", "restroom",
    "shower", "reading", "fitness", "haircut", "health_check", "counseling", "legal_aid", "training",
    "first_aid", "wifi",
]

KM_PER_DEG_LAT = 111.32


class Scatter:
    """Draws lon/lat points: a seat chosen by share, then a Gaussian around it; or the background."""

    def __init__(self, rng, spread=1.0):
        self.rng = rng
        self.spread = spread
        total = sum(s[4] for s in SEATS)
        self.cumulative = []
        acc = 0.0
        for seat in SEATS:
            acc += seat[4] / total
            self.cumulative.append(acc)

    def seat_index(self):
        u = self.rng.random()
        for i, c in enumerate(self.cumulative):
            if u < c:
                return i
        return len(SEATS) - 1

    def point(self):
        """Returns (lon, lat, seat index or -1 for the background)."""
        rng = self.rng
        if rng.random() < BACKGROUND_SHARE:
            return rng.uniform(LON_MIN, LON_MAX), rng.uniform(LAT_MIN, LAT_MAX), -1
        i = self.seat_index()
        _, _, lon0, lat0, _, sigma_km = SEATS[i]
        sigma_lat = sigma_km * self.spread / KM_PER_DEG_LAT
        sigma_lon = sigma_lat / math.cos(math.radians(lat0))
        while True:
            lon = rng.gauss(lon0, sigma_lon)
            lat = rng.gauss(lat0, sigma_lat)
            if LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX:
                return lon, lat, i


def nearest_seat(lon, lat):
    best, best_d = 0, float("inf")
    for i, seat in enumerate(SEATS):
        dx = (lon - seat[2]) * math.cos(math.radians(lat))
        dy = lat - seat[3]
        d = dx * dx + dy * dy
        if d < best_d:
            best, best_d = i, d
    return best


def layer_rng(seed, layer):
    return random.Random(f"nuanxin-synthetic:{seed}:{layer}")


def write_chunks(path, head, lines, tail, chunk=50_000):
    """Writes head, the lines joined by separators, and tail, in chunks, atomically (temp + rename)."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(head)
        buf = []
        for line in lines:
            buf.append(line)
            if len(buf) >= chunk:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))
        f.write(tail)
    os.replace(tmp, path)


def feature_lines(features):
    """GeoJSON feature lines, one feature a line, comma-separated."""
    first = True
    for text in features:
        if first:
            first = False
            yield "\n" + text
        else:
            yield ",\n" + text


COLLECTION_HEAD = '{"type":"FeatureCollection","features":['
COLLECTION_TAIL = "\n]}\n"


def stations(out, n, seed):
    rng = layer_rng(seed, "stations")
    scatter = Scatter(rng)
    shares = [k[2] for k in KINDS]
    cumulative = [sum(shares[: i + 1]) for i in range(len(shares))]
    counters = {}
    rows = []
    for i in range(n):
        lon, lat, seat = scatter.point()
        if seat < 0:
            seat = nearest_seat(lon, lat)
        u = rng.random()
        k = next((j for j, c in enumerate(cumulative) if u < c), len(KINDS) - 1)
        kind, label, _, (lo, hi), base = KINDS[k]
        seats = rng.randint(lo, hi)
        extras = [s for s in SERVICES if s not in base and rng.random() < 0.12]
        services = [s for s in SERVICES if s in base or s in extras]
        key = (seat, k)
        counters[key] = counters.get(key, 0) + 1
        name = "%s%s%d号" % (SEATS[seat][1], label, counters[key])
        rows.append(("S%07d" % (i + 1), lon, lat, kind, seats, name, services))

    def features():
        for sid, lon, lat, kind, seats, name, services in rows:
            props = '"id":"%s","name":"%s","kind":"%s","seats":%d,"services":[%s]' % (
                sid, name, kind, seats, ",".join('"%s"' % s for s in services))
            yield point_feature(lon, lat, props)

    write_chunks(os.path.join(out, "stations.geojson"), COLLECTION_HEAD, feature_lines(features()), COLLECTION_TAIL)
    write_chunks(
        os.path.join(out, "stations.csv"), "id,lon,lat,kind,seats\n",
        ("%s,%.6f,%.6f,%s,%d\n" % (sid, lon, lat, kind, seats) for sid, lon, lat, kind, seats, _, _ in rows), "")


def demand(out, n, seed):
    rng = layer_rng(seed, "demand")
    scatter = Scatter(rng, spread=0.8)  # riders gather a little tighter than stations

    rows = []
    for i in range(n):
        lon, lat, seat = scatter.point()
        weight = rng.randint(1, 3) if seat < 0 else rng.randint(1, 20)
        rows.append(("D%07d" % (i + 1), lon, lat, weight))

    def features():
        for did, lon, lat, weight in rows:
            yield point_feature(lon, lat, '"id":"%s","weight":%d' % (did, weight))

    write_chunks(os.path.join(out, "demand.geojson"), COLLECTION_HEAD, feature_lines(features()), COLLECTION_TAIL)
    write_chunks(os.path.join(out, "demand.csv"), "id,lon,lat,weight\n",
                 ("%s,%.6f,%.6f,%d\n" % row for row in rows), "")


def candidates(out, n, seed):
    rng = layer_rng(seed, "candidates")
    scatter = Scatter(rng, spread=1.2)

    def features():
        for i in range(n):
            lon, lat, seat = scatter.point()
            if seat < 0:
                seat = nearest_seat(lon, lat)
            props = '"id":"C%07d","name":"%s候选点%d","max_seats":%d' % (i + 1, SEATS[seat][1], i + 1, rng.randint(6, 40))
            yield point_feature(lon, lat, props)

    write_chunks(os.path.join(out, "candidates.geojson"), COLLECTION_HEAD, feature_lines(features()), COLLECTION_TAIL)


def queries(out, n, seed):
    rng = layer_rng(seed, "queries")
    scatter = Scatter(rng, spread=0.8)

    def lines():
        for i in range(n):
            lon, lat, _ = scatter.point()
            yield "Q%07d,%.6f,%.6f\n" % (i + 1, lon, lat)

    write_chunks(os.path.join(out, "queries.csv"), "id,lon,lat\n", lines(), "")


def main(argv=None):
    parser = size_arguments(__doc__, [("--stations", 1000), ("--demand", 10000), ("--candidates", 500), ("--queries", 10000)])
    args = parse_sizes(parser, argv)
    stations(args.out, args.stations, args.seed)
    demand(args.out, args.demand, args.seed)
    candidates(args.out, args.candidates, args.seed)
    queries(args.out, args.queries, args.seed)
    write_manifest(args.out, {
        "name": "synthetic Changzhi (seed %d)" % args.seed,
        "crs": "EPSG:4547",
        "radius_m": 1000,
        "default_seats": 8,
        "source": command_line("gen_synthetic.py", parser, args),
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
