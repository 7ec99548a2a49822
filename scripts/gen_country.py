#!/usr/bin/env python3
"""A synthetic country-scale Nuanxin dataset folder (thousands of counties, millions of riders), reproducible.

    python3 scripts/gen_country.py --out DIR [--counties 2800] [--stations 150000] \
        [--demand 10000000] [--candidates-per-county 40] [--seed 1]

writes a dataset folder that `nuanxin --data DIR` reads (WGS84 lon/lat, 6 decimals):

    DIR/dataset.json             manifest: an Albers equal-area CRS for China (a PROJ string in metres),
                                 radius_m 1000, default_seats 8
    DIR/districts.geojson        the counties: a jittered grid of 28-vertex polygons tiling 97-123 E, 21-43 N,
                                 narrower columns in the east, rows of varied height (areas vary
                                 about tenfold); neighbours share their boundary vertex for vertex
    DIR/stations.geojson         rest stations (and some charging points and partner venues) with
                                 kind, seats, services, hours (three in seven have opening hours)
    DIR/demand.geojson           weighted demand points (peak riders 1-20)
    DIR/candidates.geojson       candidate sites, the same number in every county
    DIR/commercial_areas.geojson one small commercial area around each county seat, with peak riders
    DIR/parking_zones.geojson    one parking point at each county seat

Each county has a seat near its middle and a population drawn from a log-normal law; demand,
stations and candidates go to counties in proportion to population (stations to population^0.8),
inside a county 70 % around the seat (a Gaussian) and the rest spread over it. Points are drawn in
the county's own bilinear coordinates (u, v in 0.12-0.88), so every point lies inside its county.
The same arguments give the same bytes (numpy's PCG64 seeded from --seed, one stream per layer).
"""

import os
import sys

import numpy as np

from gen_common import command_line, parse_sizes, point_feature, size_arguments, write_manifest

LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 97.0, 123.0, 21.0, 43.0
CRS = "+proj=aea +lat_0=0 +lon_0=110 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
EDGE_POINTS = 6  # intermediate vertices on every edge between two grid nodes

KINDS = [  # kind, share, seats range, services, hours choices
    ("warm_station", 0.35, (4, 20), "rest,water,microwave,charging"),
    ("union_station", 0.2, (4, 30), "rest,water,microwave,restroom"),
    ("rider_station", 0.25, (2, 10), "rest,water,hot_meal,umbrella"),
    ("service_center", 0.05, (10, 60), "rest,water,reading,fitness,training"),
    ("charging_point", 0.1, (0, 0), "charging,battery_swap"),
    ("partner_venue", 0.05, (2, 12), "water,microwave"),
]
HOURS = ["", "", "", "", "08:00-22:00", "10:00-14:00,17:00-22:00", "06:00-24:00"]

COLLECTION_HEAD = '{"type":"FeatureCollection","features":[\n'
COLLECTION_TAIL = "\n]}\n"


def rng_for(seed, layer):
    key = [seed] + [ord(c) for c in layer]
    return np.random.default_rng(key)


def split(total, parts, rng, trend):
    """Widths of `parts` intervals summing to `total`: a linear trend (first/last ratio) times noise."""
    base = np.linspace(trend, 1.0, parts) * rng.uniform(0.7, 1.3, parts)
    edges = np.concatenate([[0.0], np.cumsum(base)])
    return edges / edges[-1] * total


def grid_shape(counties):
    """Columns and rows of a grid of exactly `counties` cells, about 1.1 columns a row."""
    best = None
    for rows in range(1, counties + 1):
        if counties % rows == 0:
            cols = counties // rows
            score = abs(cols / rows - 1.1)
            if best is None or score < best[0]:
                best = (score, cols, rows)
    return best[1], best[2]


class Grid:
    def __init__(self, counties, seed):
        rng = rng_for(seed, "districts")
        self.cols, self.rows = grid_shape(counties)
        xs = LON_MIN + split(LON_MAX - LON_MIN, self.cols, rng, 2.5)  # wider counties in the west
        ys = LAT_MIN + split(LAT_MAX - LAT_MIN, self.rows, rng, 0.8)
        # grid nodes, jittered inside (the outline stays a rectangle)
        nx, ny = self.cols + 1, self.rows + 1
        X = np.tile(xs, (ny, 1))
        Y = np.tile(ys[:, None], (1, nx))
        dx = np.diff(xs).min()
        dy = np.diff(ys).min()
        jx = rng.uniform(-0.2, 0.2, (ny, nx)) * dx
        jy = rng.uniform(-0.2, 0.2, (ny, nx)) * dy
        jx[:, 0] = jx[:, -1] = 0
        jy[0, :] = jy[-1, :] = 0
        self.X, self.Y = X + jx, Y + jy
        # edges between nodes: a polyline with jittered intermediate vertices, shared by neighbours
        t = np.arange(1, EDGE_POINTS + 1) / (EDGE_POINTS + 1)
        self.h_edges = {}  # (row, col) -> points from node (row,col) to node (row,col+1)
        self.v_edges = {}  # (row, col) -> points from node (row,col) to node (row+1,col)
        for r in range(ny):
            for c in range(nx - 1):
                ax, ay, bx, by = self.X[r, c], self.Y[r, c], self.X[r, c + 1], self.Y[r, c + 1]
                off = np.zeros(EDGE_POINTS) if r in (0, ny - 1) else rng.uniform(-0.04, 0.04, EDGE_POINTS) * dy
                self.h_edges[(r, c)] = list(zip(ax + (bx - ax) * t, ay + (by - ay) * t + off))
        for r in range(ny - 1):
            for c in range(nx):
                ax, ay, bx, by = self.X[r, c], self.Y[r, c], self.X[r + 1, c], self.Y[r + 1, c]
                off = np.zeros(EDGE_POINTS) if c in (0, nx - 1) else rng.uniform(-0.04, 0.04, EDGE_POINTS) * dx
                self.v_edges[(r, c)] = list(zip(ax + (bx - ax) * t + off, ay + (by - ay) * t))
        self.population = rng.lognormal(0.0, 0.8, counties)

    def cell(self, i):
        return divmod(i, self.cols)  # (row, col)

    def ring(self, i):
        """The county's outer ring, counter-clockwise, closed."""
        r, c = self.cell(i)
        X, Y = self.X, self.Y
        pts = [(X[r, c], Y[r, c])]
        pts += self.h_edges[(r, c)]
        pts.append((X[r, c + 1], Y[r, c + 1]))
        pts += self.v_edges[(r, c + 1)]
        pts.append((X[r + 1, c + 1], Y[r + 1, c + 1]))
        pts += list(reversed(self.h_edges[(r + 1, c)]))
        pts.append((X[r + 1, c], Y[r + 1, c]))
        pts += list(reversed(self.v_edges[(r, c)]))
        pts.append(pts[0])
        return pts

    def corners(self, county):
        """Corner arrays (x00, y00, x10, y10, x01, y01, x11, y11) for an array of county indices."""
        r, c = np.divmod(county, self.cols)
        X, Y = self.X, self.Y
        return (X[r, c], Y[r, c], X[r, c + 1], Y[r, c + 1], X[r + 1, c], Y[r + 1, c], X[r + 1, c + 1], Y[r + 1, c + 1])

    def place(self, county, u, v):
        """Bilinear interpolation inside each county: u along the row, v along the column."""
        x00, y00, x10, y10, x01, y01, x11, y11 = self.corners(county)
        lon = (1 - u) * (1 - v) * x00 + u * (1 - v) * x10 + (1 - u) * v * x01 + u * v * x11
        lat = (1 - u) * (1 - v) * y00 + u * (1 - v) * y10 + (1 - u) * v * y01 + u * v * y11
        return lon, lat

    def seat_uv(self, county):
        """Each county seat's (u, v), fixed by the county index."""
        g = np.random.default_rng([7, 7])
        all_uv = g.uniform(0.35, 0.65, (self.cols * self.rows, 2))
        return all_uv[county, 0], all_uv[county, 1]

    def scatter(self, rng, county, sigma):
        """Points of the given counties: 70 % Gaussian around the seat, 30 % spread; all in 0.12-0.88."""
        n = len(county)
        su, sv = self.seat_uv(county)
        clustered = rng.random(n) < 0.7
        u = np.where(clustered, rng.normal(su, sigma), rng.uniform(0.12, 0.88, n))
        v = np.where(clustered, rng.normal(sv, sigma), rng.uniform(0.12, 0.88, n))
        return self.place(county, np.clip(u, 0.12, 0.88), np.clip(v, 0.12, 0.88))


def counties_for(rng, n, shares):
    """`n` county indices drawn with the given shares, sorted (points of a county are together)."""
    return np.sort(rng.choice(len(shares), size=n, p=shares / shares.sum()))


def write_features(path, lines_chunks):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(COLLECTION_HEAD)
        first = True
        for chunk in lines_chunks:
            if not chunk:
                continue
            if not first:
                f.write(",\n")
            f.write(",\n".join(chunk))
            first = False
        f.write(COLLECTION_TAIL)
    os.replace(tmp, path)


def county_id(i):
    return "C%04d" % (i + 1)


def districts(out, grid):
    def lines():
        chunk = []
        for i in range(grid.cols * grid.rows):
            ring = ",".join("[%.6f,%.6f]" % p for p in grid.ring(i))
            name = "县%04d" % (i + 1)
            props = '"id":"%s","name":"%s","kind":"county","name_en":"County %d"' % (county_id(i), name, i + 1)
            chunk.append('{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[%s]]},"properties":{%s}}' % (ring, props))
        yield chunk
    write_features(os.path.join(out, "districts.geojson"), lines())


def stations(out, grid, n, seed):
    rng = rng_for(seed, "stations")
    county = counties_for(rng, n, grid.population ** 0.8)
    lon, lat = grid.scatter(rng, county, 0.06)
    shares = np.array([k[1] for k in KINDS])
    kind = rng.choice(len(KINDS), size=n, p=shares / shares.sum())
    lo = np.array([k[2][0] for k in KINDS])[kind]
    hi = np.array([k[2][1] for k in KINDS])[kind]
    seats = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)
    hours = rng.integers(0, len(HOURS), n)

    def lines():
        step = 100_000
        for s in range(0, n, step):
            chunk = []
            for i in range(s, min(n, s + step)):
                k = KINDS[kind[i]]
                services = ",".join('"%s"' % x for x in k[3].split(","))
                h = HOURS[hours[i]]
                props = '"id":"S%06d","name":"站点%d","kind":"%s","district":"%s","seats":%d,"services":[%s]%s' % (
                    i + 1, i + 1, k[0], county_id(county[i]), seats[i], services, ',"hours":"%s"' % h if h else "")
                chunk.append(point_feature(lon[i], lat[i], props))
            yield chunk
    write_features(os.path.join(out, "stations.geojson"), lines())


def demand(out, grid, n, seed):
    rng = rng_for(seed, "demand")
    step = 1_000_000

    def lines():
        county = counties_for(rng, n, grid.population)
        for s in range(0, n, step):
            c = county[s:s + step]
            lon, lat = grid.scatter(rng, c, 0.05)
            w = rng.integers(1, 21, len(c))
            fmt = '{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},"properties":{"id":"D%08d","weight":%d}}'
            ids = np.arange(s + 1, s + len(c) + 1)
            yield [fmt % t for t in zip(lon.tolist(), lat.tolist(), ids.tolist(), w.tolist())]
    write_features(os.path.join(out, "demand.geojson"), lines())


def candidates(out, grid, per_county, seed):
    rng = rng_for(seed, "candidates")
    counties = grid.cols * grid.rows
    county = np.repeat(np.arange(counties), per_county)
    lon, lat = grid.scatter(rng, county, 0.08)
    max_seats = rng.integers(8, 41, len(county))

    def lines():
        yield [point_feature(lon[i], lat[i], '"id":"K%07d","max_seats":%d' % (i + 1, max_seats[i])) for i in range(len(county))]
    write_features(os.path.join(out, "candidates.geojson"), lines())


def areas_and_parking(out, grid, seed):
    rng = rng_for(seed, "areas")
    counties = grid.cols * grid.rows
    idx = np.arange(counties)
    lon, lat = grid.place(idx, *grid.seat_uv(idx))
    peak = rng.integers(20, 200, counties)
    half = 0.003  # about 300 m
    area_lines = []
    parking_lines = []
    for i in range(counties):
        x, y = lon[i], lat[i]
        ring = "[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f]" % (
            x - half, y - half, x + half, y - half, x + half, y + half, x - half, y + half, x - half, y - half)
        area_lines.append('{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[%s]]},"properties":{"id":"A%04d","name":"商圈%d","peak_riders":%d}}' % (ring, i + 1, i + 1, peak[i]))
        parking_lines.append(point_feature(x + 0.004, y, '"id":"P%04d","slots":%d' % (i + 1, 20)))
    write_features(os.path.join(out, "commercial_areas.geojson"), [area_lines])
    write_features(os.path.join(out, "parking_zones.geojson"), [parking_lines])


def main(argv=None):
    parser = size_arguments(__doc__, [("--counties", 2800), ("--stations", 150_000), ("--demand", 10_000_000),
                                      ("--candidates-per-county", 40)], at_least_one=["--counties"])
    args = parse_sizes(parser, argv)
    grid = Grid(args.counties, args.seed)
    districts(args.out, grid)
    areas_and_parking(args.out, grid, args.seed)
    candidates(args.out, grid, args.candidates_per_county, args.seed)
    stations(args.out, grid, args.stations, args.seed)
    demand(args.out, grid, args.demand, args.seed)
    write_manifest(args.out, {  # last: a folder with a manifest is complete
        "name": "synthetic country (seed %d)" % args.seed,
        "crs": CRS,
        "radius_m": 1000,
        "default_seats": 8,
        "illustrative": True,
        "source": command_line("gen_country.py", parser, args),
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
