#!/usr/bin/env python3
"""Generate Nuanxin's default dataset, geodata/changzhi/, deterministically.

    python3 scripts/make_changzhi_dataset.py [--out DIR] [--plot FILE.png]

Facts (the 12 county-level divisions, their seats and reference areas, and which stations the
newspaper article says exist in each division) come from the project's fact sheet on Changzhi (tabled below) and the article
in seed/changzhi-new-employment-groups.txt. Every geometry is our own illustrative work: a
hand-drawn city outline, area-matched power-diagram cells of the seats for the division
boundaries, and positions for stations, parking, commercial areas, demand and candidates placed
near the seats and invented town centres. Nothing is surveyed and no third-party map data is used.

The output depends only on this file (fixed seed, sorted iteration, no hash-order effects), so a
rerun with the same Python, shapely/GEOS and pyproj writes byte-identical files.
"""

import argparse
import hashlib
import json
import math
import os
import random
import subprocess
import sys

try:
    import shapely  # noqa: F401
    import pyproj  # noqa: F401
except ImportError:  # pragma: no cover - only on machines without them
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "shapely>=2", "pyproj"])

import shapely
from pyproj import Geod, Proj
from shapely.geometry import Point, Polygon
from shapely.geometry.polygon import orient
from shapely.prepared import prep

SEED = 20240607
DECIMALS = 6  # ~0.1 m; the file contract allows at most 7

# EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E) written out, so the result does not depend
# on which datum shift a PROJ database picks (WGS84 and CGCS2000 differ by centimetres here).
TMERC = Proj("+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs")
GEOD = Geod(ellps="WGS84")
# Local metric frame: kilometres relative to this EPSG:4547 point (keeps numbers small).
ORIGIN_E, ORIGIN_N = 420000.0, 4030000.0

STATION_KINDS = ["warm_station", "union_station", "rider_station", "service_center",
                 "charging_point", "partner_venue"]
REST_KINDS = ["warm_station", "union_station", "rider_station", "service_center"]
SERVICES = ["rest", "water", "hot_meal", "microwave", "charging", "battery_swap", "umbrella",
            "restroom", "shower", "reading", "fitness", "haircut", "health_check", "counseling",
            "legal_aid", "training", "first_aid", "wifi"]
DIVISION_KINDS = ["district", "county", "zone"]

# Planning in time (dataset.json). Rest demand by Little's law: a rider visits a rest station
# VISITS_PER_HOUR times an hour and stays STAY_MIN minutes. DEMAND_PROFILE scales the peak demand
# weights hour by hour (0-23; 1 at the peak). All illustrative: the article gives no hours, no
# stay times and no costs. The profile has the two meal peaks of food delivery (lunch 11-13,
# dinner 17-19), a dip in the mid-afternoon and little work at night.
STAY_MIN = 20
VISITS_PER_HOUR = 0.5
DEMAND_PROFILE = [
    0.10, 0.06, 0.04, 0.03, 0.03, 0.05, 0.12, 0.25, 0.35, 0.40, 0.60, 0.95,  # 00-11
    1.00, 0.75, 0.50, 0.45, 0.55, 0.80, 0.95, 0.85, 0.60, 0.45, 0.30, 0.18,  # 12-23
]
SITE_SIZES = [8, 16, 24, 32, 40]
SITE_COST = {"fixed": 30000, "per_seat": 1500}
# Districts with their own service radius: the national station norms ask for a station within
# about 500 m in dense urban cores and 1 km elsewhere. Luzhou is the main urban district, the city's
# dense core; the other divisions are mostly county towns and countryside (Shangdang's 2 stations
# stand in its own core, but a per-district radius would apply to all its 475 km²), and the zones
# lie next to the core rather than in it.
DISTRICT_RADIUS_M = {"140403": 500}
DEFAULT_RADIUS_M = 1000


def offers_rest(props):
    """The rest rule of the CLI: a services list decides when there is one, else the kind."""
    if props.get("services"):
        return "rest" in props["services"]
    return props["kind"] in REST_KINDS


def hours_ranges(text):
    """The daily ranges of an hours value as (start, end) minutes, or raises ValueError: "24h",
    or "HH:MM-HH:MM[,HH:MM-HH:MM...]", non-empty, not overlapping, 24:00 only as an end."""
    if text == "24h":
        return [(0, 1440)]
    out = []
    for part in text.split(","):
        a, b = part.split("-")
        ends = []
        for k, t in enumerate((a, b)):
            hh, mm = t.split(":")
            assert len(hh) == 2 and len(mm) == 2 and hh.isdigit() and mm.isdigit(), text
            m = int(hh) * 60 + int(mm)
            if not (int(mm) < 60 and (m < 1440 or (k == 1 and m == 1440))):
                raise ValueError(text)
            ends.append(m)
        if ends[0] == ends[1]:
            raise ValueError(text)
        out.append(tuple(ends))
    minutes = []
    for s0, e0 in out:
        minutes += list(range(s0, e0)) if e0 > s0 else list(range(s0, 1440)) + list(range(0, e0))
    if len(minutes) != len(set(minutes)):
        raise ValueError(text)
    return out


def to_km(lon, lat):
    e, n = TMERC(lon, lat)
    return ((e - ORIGIN_E) / 1000.0, (n - ORIGIN_N) / 1000.0)


def to_lonlat(x, y):
    lon, lat = TMERC(x * 1000.0 + ORIGIN_E, y * 1000.0 + ORIGIN_N, inverse=True)
    return (round(lon, DECIMALS), round(lat, DECIMALS))


# ---------------------------------------------------------------------------------------------
# Facts from the fact sheet (seats converted there from GCJ-02 to WGS84; areas of a simplified
# public boundary, about +-3 %).
# ---------------------------------------------------------------------------------------------

# id, name, name_en, kind, slug, seat lon, seat lat, reference area km2, workers, workers source
DIVISIONS = [
    ("140403", "潞州区", "Luzhou District", "district", "luzhou", 113.1074, 36.1877, 347,
     6000, "illustrative"),
    ("140404", "上党区", "Shangdang District", "district", "shangdang", 113.0501, 36.0523, 475,
     1500, "illustrative"),
    ("140405", "屯留区", "Tunliu District", "district", "tunliu", 112.8866, 36.3142, 1180,
     1200, "illustrative"),
    ("140406", "潞城区", "Lucheng District", "district", "lucheng", 113.2167, 36.3322, 610,
     4000, "article: 物流运输、网约配送、直播电商等行业从业人员4000余人 (4,000+)"),
    ("140423", "襄垣县", "Xiangyuan County", "county", "xiangyuan", 113.0435, 36.5326, 1171,
     900, "illustrative"),
    ("140425", "平顺县", "Pingshun County", "county", "pingshun", 113.4321, 36.2000, 1519,
     500, "illustrative"),
    ("140426", "黎城县", "Licheng County", "county", "licheng", 113.3806, 36.5027, 1119,
     800, "illustrative"),
    ("140427", "壶关县", "Huguan County", "county", "huguan", 113.1996, 36.1109, 1015,
     900, "illustrative"),
    ("140428", "长子县", "Zhangzi County", "county", "zhangzi", 112.8785, 36.1197, 1032,
     1000, "illustrative"),
    ("140429", "武乡县", "Wuxiang County", "county", "wuxiang", 112.8591, 36.8342, 1619,
     129, "article: 新就业群体已有129人到社区党群服务中心进行报到备案 (129 registered)"),
    ("140430", "沁县", "Qin County", "county", "qin", 112.6951, 36.7569, 1322,
     600, "illustrative"),
    ("140431", "沁源县", "Qinyuan County", "county", "qinyuan", 112.3344, 36.5006, 2576,
     700, "illustrative"),
]
REF_TOTAL_KM2 = sum(d[7] for d in DIVISIONS)  # 13,985

# Our own hand-drawn city outline (lon, lat), counter-clockwise from the south-west. It follows
# only the rough extent given in the fact sheet (about 111.98-113.74 E, 35.82-37.13 N) and the
# relative positions of the seats; it is not traced from any map.
OUTLINE = [
    (112.55, 36.02), (112.68, 35.93), (112.82, 35.90), (112.93, 35.86), (113.05, 35.84),
    (113.17, 35.86), (113.30, 35.82), (113.42, 35.86), (113.52, 35.95), (113.62, 36.02),
    (113.77, 36.12), (113.70, 36.26), (113.66, 36.36), (113.74, 36.47), (113.64, 36.60),
    (113.58, 36.70), (113.47, 36.76), (113.34, 36.74), (113.24, 36.82), (113.17, 36.95),
    (113.10, 37.08), (113.00, 37.16), (112.90, 37.10), (112.82, 37.03), (112.72, 36.98),
    (112.60, 36.97), (112.48, 36.92), (112.36, 36.88), (112.22, 36.84), (112.10, 36.76),
    (112.02, 36.66), (112.00, 36.55), (112.02, 36.42), (112.06, 36.30), (112.16, 36.22),
    (112.30, 36.20), (112.42, 36.13),
]


def geodesic_area_km2(poly_lonlat):
    return abs(GEOD.geometry_area_perimeter(poly_lonlat)[0]) / 1e6


def km_poly_to_lonlat(poly):
    return Polygon([to_lonlat(x, y) for x, y in poly.exterior.coords])


# ---------------------------------------------------------------------------------------------
# 1. City outline: the hand-drawn vertices, densified to ~1 km, pushed in and out by a smooth
#    periodic noise along the perimeter, then scaled about its centroid so that its geodesic area
#    equals the sum of the reference areas.
# ---------------------------------------------------------------------------------------------

def make_outline(rng):
    pts = [to_km(lon, lat) for lon, lat in OUTLINE]
    ring = pts + [pts[0]]
    dense, arc, acc = [], [], 0.0
    for a, b in zip(ring[:-1], ring[1:]):
        seg = math.dist(a, b)
        n = max(1, int(seg / 1.0))
        for k in range(n):
            t = k / n
            dense.append((a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t))
            arc.append(acc + seg * t)
        acc += seg
    perimeter = acc
    # (whole waves around the perimeter, amplitude km): periodic, so the ring closes smoothly
    components = [(7, 3.0), (19, 1.6), (47, 0.7), (113, 0.3)]
    phases = [rng.uniform(0.0, 2.0 * math.pi) for _ in components]
    out = []
    n = len(dense)
    for i, (p, s) in enumerate(zip(dense, arc)):
        a, b = dense[i - 1], dense[(i + 1) % n]
        tx, ty = b[0] - a[0], b[1] - a[1]
        tl = math.hypot(tx, ty)
        nx, ny = ty / tl, -tx / tl  # right-hand normal: outward for a counter-clockwise ring
        d = sum(amp * math.sin(2.0 * math.pi * waves * s / perimeter + ph)
                for (waves, amp), ph in zip(components, phases))
        out.append((p[0] + nx * d, p[1] + ny * d))
    poly = Polygon(out)
    assert poly.is_valid, "outline: invalid after noise"
    for _ in range(4):
        ga = geodesic_area_km2(km_poly_to_lonlat(poly))
        f = math.sqrt(REF_TOTAL_KM2 / ga)
        c = poly.centroid
        poly = Polygon([(c.x + (x - c.x) * f, c.y + (y - c.y) * f) for x, y in poly.exterior.coords])
    assert poly.is_valid
    return orient(poly, 1.0)


# ---------------------------------------------------------------------------------------------
# 2. Divisions: power diagram (weighted Voronoi) cells of generators inside the outline. For given
#    generators the weights are iterated until each cell's area matches its target. Generators
#    start at the seats; where a seat lies closer than its margin to the edge of its own cell (or
#    outside it), the generators of the neighbouring cells that come too close are pushed away
#    from that seat, and the seat's own generator is pulled back towards it. This converges to a
#    fixed point in a few dozen steps.
# ---------------------------------------------------------------------------------------------

def clip_halfplane(pts, a, b, c):
    """Sutherland-Hodgman: keep the part of convex polygon pts with a*x + b*y <= c."""
    out = []
    n = len(pts)
    for k in range(n):
        p1, p2 = pts[k], pts[(k + 1) % n]
        f1 = a * p1[0] + b * p1[1] - c
        f2 = a * p2[0] + b * p2[1] - c
        if f1 <= 0:
            out.append(p1)
        if (f1 < 0 < f2) or (f2 < 0 < f1):
            t = f1 / (f1 - f2)
            out.append((p1[0] + t * (p2[0] - p1[0]), p1[1] + t * (p2[1] - p1[1])))
    return out


def power_cells(gens, weights, outline):
    minx, miny, maxx, maxy = outline.bounds
    box = [(minx - 50, miny - 50), (maxx + 50, miny - 50), (maxx + 50, maxy + 50), (minx - 50, maxy + 50)]
    cells = []
    for i, gi in enumerate(gens):
        pts = box[:]
        for j, gj in enumerate(gens):
            if i == j:
                continue
            a = 2.0 * (gj[0] - gi[0])
            b = 2.0 * (gj[1] - gi[1])
            c = (gj[0] ** 2 + gj[1] ** 2) - (gi[0] ** 2 + gi[1] ** 2) + weights[i] - weights[j]
            pts = clip_halfplane(pts, a, b, c)
            if len(pts) < 3:
                break
        cells.append(Polygon(pts).intersection(outline) if len(pts) >= 3 else Polygon())
    return cells


def solve_weights(gens, weights, targets, outline):
    weights = list(weights)
    for _ in range(5000):
        cells = power_cells(gens, weights, outline)
        areas = [c.area for c in cells]
        err = max(abs(a - t) / t for a, t in zip(areas, targets))
        if err < 0.0005:
            return cells, weights
        for i in range(len(gens)):
            weights[i] += 0.3 * (targets[i] - areas[i])
    raise AssertionError("power diagram weights did not converge")


def seat_margin(cell, seat):
    p = Point(seat)
    if cell.geom_type != "Polygon" or cell.is_empty:
        return -1e9
    if cell.contains(p):
        return cell.exterior.distance(p)
    return -cell.distance(p)


# km a seat should keep from its division's edge (Luzhou holds the whole urban layer around it),
# and the smaller margin that is accepted.
SEAT_MARGIN_KM = {"140403": 6.0}
SEAT_MARGIN_DEFAULT_KM = 3.5
SEAT_MARGIN_ACCEPT_KM = {"140403": 5.0}
SEAT_MARGIN_ACCEPT_DEFAULT_KM = 3.0


def make_divisions(outline):
    seats = [to_km(d[5], d[6]) for d in DIVISIONS]
    scale = outline.area / REF_TOTAL_KM2  # projected vs geodesic area
    targets = [d[7] * scale for d in DIVISIONS]
    ids = [d[0] for d in DIVISIONS]
    need = [SEAT_MARGIN_KM.get(i, SEAT_MARGIN_DEFAULT_KM) for i in ids]
    accept = [SEAT_MARGIN_ACCEPT_KM.get(i, SEAT_MARGIN_ACCEPT_DEFAULT_KM) for i in ids]
    n = len(seats)
    gens, weights = list(seats), [0.0] * n
    for step in range(60):
        cells, weights = solve_weights(gens, weights, targets, outline)
        margins = [seat_margin(c, s) for c, s in zip(cells, seats)]
        new, moved = [], 0.0
        for j in range(n):
            g = gens[j]
            dx = dy = 0.0
            if margins[j] < need[j]:
                dx += 0.4 * (seats[j][0] - g[0])
                dy += 0.4 * (seats[j][1] - g[1])
            for i in range(n):
                if i == j or margins[i] >= need[i]:
                    continue
                d = cells[j].distance(Point(seats[i]))
                if d < need[i]:
                    ux, uy = g[0] - seats[i][0], g[1] - seats[i][1]
                    length = math.hypot(ux, uy)
                    dx += (need[i] - d) * ux / length
                    dy += (need[i] - d) * uy / length
            new.append((g[0] + dx, g[1] + dy))
            moved = max(moved, math.hypot(dx, dy))
        if moved < 1e-3:
            break
        gens = new
    assert all(c.geom_type == "Polygon" for c in cells), "a division fell apart"
    for i, m, a in zip(ids, margins, accept):
        assert m >= a, f"seat of {i} is only {m:.2f} km inside its division"
    return seats, gens, cells, margins, step


class VertexRegistry:
    """Snaps vertices closer than tol (km) to one shared coordinate, so neighbours share edges."""

    def __init__(self, tol=1e-6):
        self.tol = tol
        self.coords = []
        self.grid = {}

    def id_of(self, x, y):
        kx, ky = int(math.floor(x / self.tol)), int(math.floor(y / self.tol))
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for vid in self.grid.get((kx + dx, ky + dy), []):
                    vx, vy = self.coords[vid]
                    if abs(vx - x) <= self.tol and abs(vy - y) <= self.tol:
                        return vid
        vid = len(self.coords)
        self.coords.append((x, y))
        self.grid.setdefault((kx, ky), []).append(vid)
        return vid


def wiggle(a, b, rng, factor):
    """Points strictly between a and b: the straight edge bent by even sine harmonics only, which
    sweep no net area (the integral of sin(k*pi*t) over [0,1] is 0 for even k)."""
    length = math.dist(a, b)
    if length < 3.0 or factor == 0.0:
        return []
    harmonics = [(2, 0.035), (4, 0.018), (6, 0.010), (10, 0.005)]
    amps = [(k, length * frac * rng.uniform(-1.0, 1.0)) for k, frac in harmonics]
    n = int(math.ceil(length / 0.6))
    nx, ny = (b[1] - a[1]) / length, -(b[0] - a[0]) / length
    raw = []
    for s in range(1, n):
        t = s / n
        raw.append((t, sum(amp * math.sin(k * math.pi * t) for k, amp in amps)))
    peak = max(abs(d) for _, d in raw) if raw else 0.0
    cap = min(1.0, 2.0 / peak) if peak > 0 else 1.0
    return [(a[0] + (b[0] - a[0]) * t + nx * d * cap * factor,
             a[1] + (b[1] - a[1]) * t + ny * d * cap * factor) for t, d in raw]


def shared_topology(cells, rng):
    """Rebuilds the cells on shared vertices and bends each internal edge the same way for both
    neighbours. Returns the polygons (km), the number of internal edges and how many of them had
    their bend damped to keep every polygon valid."""
    reg = VertexRegistry()
    rings = []
    for c in cells:
        ids = [reg.id_of(x, y) for x, y in orient(c, 1.0).exterior.coords[:-1]]
        dedup = [v for k, v in enumerate(ids) if v != ids[k - 1]]
        rings.append(dedup)
    uses = {}
    for ci, ring in enumerate(rings):
        for k, v in enumerate(ring):
            w = ring[(k + 1) % len(ring)]
            uses.setdefault((min(v, w), max(v, w)), []).append((ci, v < w))
    for key, u in uses.items():
        assert len(u) <= 2, f"edge {key} used by {len(u)} cells"
        if len(u) == 2:
            assert u[0][1] != u[1][1], f"edge {key} runs the same way in both cells"
    internal = sorted(k for k, u in uses.items() if len(u) == 2)
    factor = {k: 1.0 for k in internal}
    draws = {}
    for k in internal:  # one random stream per edge, drawn in sorted edge order
        draws[k] = rng.random()
    for attempt in range(6):
        bent = {}
        for k in internal:
            erng = random.Random(f"{SEED}-edge-{draws[k]!r}")
            bent[k] = wiggle(reg.coords[k[0]], reg.coords[k[1]], erng, factor[k])
        polys = []
        for ring in rings:
            pts = []
            for idx, v in enumerate(ring):
                w = ring[(idx + 1) % len(ring)]
                pts.append(reg.coords[v])
                key = (min(v, w), max(v, w))
                if key in bent:
                    mid = bent[key]
                    pts.extend(mid if v < w else list(reversed(mid)))
            polys.append(Polygon(pts))
        bad = [i for i, p in enumerate(polys) if not p.is_valid]
        crossings = False
        if not bad:
            total = sum(p.area for p in polys)
            union_area = shapely.union_all(polys).area
            crossings = abs(total - union_area) > 1e-6
        if not bad and not crossings:
            return polys, len(internal), sum(1 for k in internal if factor[k] < 1.0)
        # damp the bends on the edges of offending cells (all cells if the overlap is unlocated)
        suspects = set(bad) if bad else set(range(len(polys)))
        for k in internal:
            if any(ci in suspects for ci, _ in uses[k]):
                factor[k] *= 0.5
    raise AssertionError("could not bend internal edges without invalid polygons")


# ---------------------------------------------------------------------------------------------
# Helpers for placing illustrative points
# ---------------------------------------------------------------------------------------------

def place_near(rng, center, r_min, r_max, inside, taken, spacing=0.15, edge_margin=0.2, tries=2000):
    """A random point r_min..r_max km from center, inside polygon `inside` (km) at least
    edge_margin km from its edge and `spacing` km from every point in `taken`."""
    for _ in range(tries):
        ang = rng.uniform(0.0, 2.0 * math.pi)
        r = math.sqrt(rng.uniform(r_min ** 2, r_max ** 2))
        p = (center[0] + r * math.cos(ang), center[1] + r * math.sin(ang))
        pt = Point(p)
        if not inside.contains(pt) or inside.exterior.distance(pt) < edge_margin:
            continue
        if any(math.dist(p, q) < spacing for q in taken):
            continue
        taken.append(p)
        return p
    raise AssertionError(f"could not place a point near {center}")


def blob(rng, center, radius, n=10, jitter=0.25):
    """An irregular star-shaped polygon (km) around center, counter-clockwise."""
    pts = []
    for k in range(n):
        ang = 2.0 * math.pi * k / n + rng.uniform(-0.15, 0.15)
        r = radius * (1.0 + rng.uniform(-jitter, jitter))
        pts.append((center[0] + r * math.cos(ang), center[1] + r * math.sin(ang)))
    return orient(Polygon(pts), 1.0)


def rect(center, w, h, angle_deg):
    """A w x h km rectangle centred on center, rotated by angle_deg, counter-clockwise."""
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    pts = []
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        dx, dy = sx * w / 2.0, sy * h / 2.0
        pts.append((center[0] + dx * ca - dy * sa, center[1] + dx * sa + dy * ca))
    return orient(Polygon(pts), 1.0)


def offset(p, dx, dy):
    return (p[0] + dx, p[1] + dy)


def lonlat_polygon(poly_km):
    """km polygon -> rounded lon/lat polygon with a counter-clockwise exterior (RFC 7946)."""
    ll = Polygon([to_lonlat(x, y) for x, y in poly_km.exterior.coords])
    ll = orient(ll, 1.0)
    assert ll.is_valid, shapely.is_valid_reason(ll)
    return ll


def geojson_polygon(poly_ll):
    ring = [[x, y] for x, y in poly_ll.exterior.coords]
    assert ring[0] == ring[-1]
    return {"type": "Polygon", "coordinates": [ring]}


def geojson_point(p_km):
    lon, lat = to_lonlat(*p_km)
    return {"type": "Point", "coordinates": [lon, lat]}


def feature(fid, props, geometry):
    assert props["id"] == fid
    return {"type": "Feature", "id": fid, "properties": props, "geometry": geometry}


def write_collection(path, features):
    ids = [f["id"] for f in features]
    assert len(ids) == len(set(ids)), f"{path}: duplicate ids"
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def check_decimals(obj):
    if isinstance(obj, float):
        text = repr(obj)
        if "." in text and "e" not in text:
            assert len(text.split(".")[1]) <= 7, text
        assert "e" not in text, text
    elif isinstance(obj, list):
        for o in obj:
            check_decimals(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            check_decimals(o)


# ---------------------------------------------------------------------------------------------
# The dataset
# ---------------------------------------------------------------------------------------------

LOC_SEAT = ("illustrative position near the {where}, placed by scripts/make_changzhi_dataset.py; "
            "not surveyed")

# Luzhou's three rider-friendly commercial areas (article). Offsets in km from the district seat
# are our own guesses for an illustrative map, not the real positions.
RIDER_AREAS = [
    ("chenghuangmiao", "城隍庙广场", "Chenghuang Temple Square", (-0.7, 0.9), 6800, 120),
    ("tiankongzhicheng", "天空之城", "Sky City", (1.9, -1.3), 5200, 95),
    ("qiaobei", "桥北小吃街", "Qiaobei Snack Street", (0.3, 2.7), 4300, 80),
]

TOWN_COUNTS = {"140404": 2, "140405": 3, "140406": 2, "140423": 3, "140425": 3, "140426": 3,
               "140427": 3, "140428": 3, "140429": 4, "140430": 3, "140431": 4}


def build(out_dir, plot_path=None):
    rng = random.Random(SEED)
    outline = make_outline(rng)
    seats, gens, cells, margins, step = make_divisions(outline)
    print(f"Power diagram: generators moved for {step} steps until every seat kept its margin")
    polys_km, n_edges, n_damped = shared_topology(cells, rng)
    print(f"Internal boundary edges: {n_edges} ({n_damped} with a damped bend)")

    div = {d[0]: d for d in DIVISIONS}
    slug = {d[0]: d[4] for d in DIVISIONS}
    seat = {d[0]: s for d, s in zip(DIVISIONS, seats)}
    dpoly = {d[0]: p for d, p in zip(DIVISIONS, polys_km)}  # km, for placement
    ids = [d[0] for d in DIVISIONS]

    # ----- districts.geojson ------------------------------------------------------------------
    dist_ll = {i: lonlat_polygon(dpoly[i]) for i in ids}
    area_rows = []
    for i in ids:
        g = geodesic_area_km2(dist_ll[i])
        area_rows.append((i, div[i][1], div[i][2], div[i][7], g, dpoly[i].area))

    # Development zones: small illustrative polygons beside Luzhou's urban core.
    lz = seat["140403"]
    zones = [
        ("zone-hightech", "长治高新区", "Changzhi High-tech Zone", offset(lz, -3.6, -2.4), 1.9, "hightech"),
        ("zone-etdz", "长治经开区", "Changzhi Economic and Technological Development Zone",
         offset(lz, 3.4, 2.9), 2.2, "etdz"),
    ]
    zone_km = {}
    zone_ll = {}
    for zid, _, _, c, r, _ in zones:
        zp = blob(random.Random(f"{SEED}-{zid}"), c, r, n=12, jitter=0.2)
        zone_km[zid] = zp
        zone_ll[zid] = lonlat_polygon(zp)
    slug["zone-hightech"] = "hightech"
    slug["zone-etdz"] = "etdz"

    dist_features = []
    for i in ids:
        d = div[i]
        lon, lat = to_lonlat(*seat[i])
        props = {
            "id": i, "name": d[1], "name_en": d[2], "kind": d[3], "workers": d[8],
            "workers_source": d[9],
        }
        if i in DISTRICT_RADIUS_M:
            props["radius_m"] = DISTRICT_RADIUS_M[i]
            props["radius_note"] = ("own service radius: the station norms ask for about 500 m in dense "
                                    "urban cores and 1 km elsewhere; Luzhou is the main urban district")
        props.update({
            "seat_lon": lon, "seat_lat": lat,
            "area_km2": round(geodesic_area_km2(dist_ll[i]), 1),
            "reference_area_km2": d[7],
            "illustrative": True,
            "boundary_note": "illustrative boundary: area-matched power-diagram cell of the seat "
                             "inside a hand-drawn city outline; not the legal boundary",
        })
        dist_features.append(feature(i, props, geojson_polygon(dist_ll[i])))
    for zid, name, name_en, _, _, _ in zones:
        props = {
            "id": zid, "name": name, "name_en": name_en, "kind": "zone",
            "area_km2": round(geodesic_area_km2(zone_ll[zid]), 1),
            "illustrative": True,
            "boundary_note": "illustrative shape next to Luzhou's urban core, overlapping Luzhou "
                             "District; neither the real extent nor the real position",
        }
        dist_features.append(feature(zid, props, geojson_polygon(zone_ll[zid])))

    for f in dist_features:
        assert f["properties"]["kind"] in DIVISION_KINDS
        assert f["properties"]["id"] == f["id"]
        check_decimals(f["geometry"]["coordinates"])
    assert len({f["id"] for f in dist_features}) == len(dist_features)

    # ----- invented town centres (for demand, Wuxiang's town stations, other areas) ------------
    towns = {}
    trng = random.Random(f"{SEED}-towns")
    for i in ids:
        n = TOWN_COUNTS.get(i, 0)
        got = []
        poly = dpoly[i]
        minx, miny, maxx, maxy = poly.bounds
        for need_sep, need_edge, need_seat in ((7.0, 3.0, 9.0), (5.0, 2.0, 6.0), (3.0, 1.5, 4.0)):
            tries = 0
            while len(got) < n and tries < 4000:
                tries += 1
                p = (trng.uniform(minx, maxx), trng.uniform(miny, maxy))
                pt = Point(p)
                if not poly.contains(pt) or poly.exterior.distance(pt) < need_edge:
                    continue
                if math.dist(p, seat[i]) < need_seat or any(math.dist(p, q) < need_sep for q in got):
                    continue
                got.append(p)
        assert len(got) == n, f"towns for {i}"
        towns[i] = got

    # ----- stations.geojson -------------------------------------------------------------------
    srng = random.Random(f"{SEED}-stations")
    taken = []
    stations = []
    counters = {}

    def add_station(district, name, name_en, kind, p, seats_n, ports, services, hours, operator,
                    where, basis):
        counters[district] = counters.get(district, 0) + 1
        sid = f"st-{slug[district]}-{counters[district]:03d}"
        props = {
            "id": sid, "name": name, "name_en": name_en, "kind": kind, "district": district,
            "seats": seats_n, "charging_ports": ports, "services": services, "hours": hours,
            "operator": operator, "illustrative": True,
            "location_note": LOC_SEAT.format(where=where), "basis": basis,
        }
        stations.append((sid, props, p))
        return sid

    # Luzhou: rider stations inside restaurants and discount-meal alliance members at the three
    # rider-friendly areas (article); warm and union stations in the urban area (illustrative).
    area_centres = {}
    for key, name, name_en, off, _, _ in RIDER_AREAS:
        area_centres[key] = offset(lz, *off)
    luzhou = dpoly["140403"]
    for key, name, name_en, off, _, _ in RIDER_AREAS:
        c = area_centres[key]
        for k in range(1, 4):
            p = place_near(srng, c, 0.05, 0.25, luzhou, taken)
            add_station("140403", f"{name}骑手驿站{k}号(合作餐厅)", f"{name_en} rider station {k} (partner restaurant)",
                        "rider_station", p, srng.choice([4, 5, 6]), srng.choice([2, 3, 4]),
                        ["rest", "water", "hot_meal", "charging", "umbrella"], "10:00-22:00",
                        "合作餐厅(潞州区骑手友好商圈)", f"{name} rider-friendly area (itself placed illustratively)",
                        "article: 依托商业区出单量较大的餐厅饭店设置“骑手驿站”,提供临时休息、热饭饮水、应急充电、共享雨伞")
    for key, name, name_en, off, _, _ in RIDER_AREAS:
        c = area_centres[key]
        for k in range(1, 4):
            p = place_near(srng, c, 0.08, 0.4, luzhou, taken)
            add_station("140403", f"{name}食惠联盟餐厅{k}号", f"{name_en} discount-meal alliance restaurant {k}",
                        "partner_venue", p, 0, 0, ["hot_meal"], "10:00-21:00",
                        "食惠联盟成员商户", f"{name} rider-friendly area (itself placed illustratively)",
                        "article: 党员商户和爱心商户合作组成骑手“食惠联盟”,提供骑手优惠餐、食品外带、套餐折扣")
    for k in range(1, 4):
        p = place_near(srng, lz, 1.0, 3.0, luzhou, taken, spacing=0.6)
        add_station("140403", f"潞州区食惠联盟餐厅(城区{k}号)", f"Luzhou discount-meal alliance restaurant, urban {k}",
                    "partner_venue", p, 0, 0, ["hot_meal"], "10:00-21:00", "食惠联盟成员商户",
                    "Luzhou District seat (urban area)",
                    "article: 骑手“食惠联盟” (member restaurants); this member's position is illustrative")
    warm_offsets = [(-2.2, -0.6), (2.6, 0.9), (-0.9, -2.4), (1.2, 3.9), (-3.0, 2.3)]
    for k, off in enumerate(warm_offsets, 1):
        p = place_near(srng, offset(lz, *off), 0.0, 0.3, luzhou, taken, spacing=0.6)
        add_station("140403", f"潞州区暖“新”驿站(城区{k}号)", f"Luzhou warm station, urban {k}",
                    "warm_station", p, srng.choice([6, 8, 10, 12]), srng.choice([2, 4, 6]),
                    ["rest", "water", "microwave", "charging", "restroom", "first_aid"], "08:00-22:00",
                    "潞州区(示意)", "Luzhou District seat (urban area)",
                    "not in the article: illustrative warm station in Luzhou's urban area "
                    "(services are the basic kit of the national station norms)")
    union_offsets = [(0.8, -3.2), (-3.8, -0.2), (3.7, -2.6), (-1.6, 3.4)]
    for k, off in enumerate(union_offsets, 1):
        p = place_near(srng, offset(lz, *off), 0.0, 0.3, luzhou, taken, spacing=0.6)
        add_station("140403", f"潞州区工会驿站(城区{k}号)", f"Luzhou union station, urban {k}",
                    "union_station", p, srng.choice([6, 8]), srng.choice([1, 2]),
                    ["rest", "water", "microwave", "restroom"], "08:00-20:00", "工会(示意)",
                    "Luzhou District seat (urban area)",
                    "not in the article: illustrative union station in Luzhou's urban area "
                    "(national union station programme)")

    # Shangdang: 2 warm stations in the core urban area (article).
    sd = seat["140404"]
    for k in range(1, 3):
        p = place_near(srng, sd, 0.3, 1.2, dpoly["140404"], taken, spacing=0.8)
        add_station("140404", f"上党区暖“新”驿站{k}号", f"Shangdang warm station {k}", "warm_station", p,
                    12, 4, ["rest", "water", "haircut", "first_aid", "training", "fitness",
                            "health_check", "counseling"],
                    "08:00-21:00", "上党区(整合驻街单位、街道社区资源)", "Shangdang District seat (core urban area)",
                    "article: 在主城区核心地段高标准打造2处暖“新”驿站;半价理发、应急处置培训、"
                    "台球室乒乓球室、免费基础体检、心理疏导")

    # Lucheng: the party-and-public service centre with the "eight smalls" (article).
    p = place_near(srng, seat["140406"], 0.3, 1.0, dpoly["140406"], taken)
    add_station("140406", "潞城区新就业群体党群服务中心", "Lucheng party-and-public service centre for new employment groups",
                "service_center", p, 30, 10,
                ["rest", "charging", "reading", "fitness", "hot_meal", "shower", "training"],
                "09:00-21:00", "潞城区", "Lucheng District seat",
                "article: 全市首家新就业群体党群服务中心,“八小”:小充电站、小阅览室、小健身区、小影院、"
                "小餐厅、小洗浴室、小休息室、小直播间 (cinema and live-streaming room have no service code)")

    # Tunliu: the "five smalls" warm station of the joint party organisation (article).
    p = place_near(srng, seat["140405"], 0.5, 1.5, dpoly["140405"], taken)
    add_station("140405", "掌上云仓“五小”暖“新”驿站", "Zhangshang Yuncang “five smalls” warm station",
                "warm_station", p, 15, 4,
                ["rest", "training", "reading", "hot_meal", "shower", "first_aid", "legal_aid"],
                "08:00-21:00", "掌上云仓科技有限公司联合党组织(申通、圆通、韵达、极兔)", "Tunliu District seat",
                "article: 小场地、小课堂、小书屋、小食堂、小浴室“五小”暖“新”驿站;医疗救护、法律维权、技能提升等“五小讲堂”")

    # Zhangzi: warm stations with charging and battery swap, e-bike shops with free charging,
    # designated 9.9-yuan restaurants (article; the article gives no counts, three of each here).
    zz = seat["140428"]
    zpoly = dpoly["140428"]
    for k, (c, r0, r1) in enumerate([(zz, 0.3, 1.5), (zz, 0.3, 1.5), (towns["140428"][0], 0.0, 0.5)], 1):
        where = "Zhangzi County seat" if k < 3 else "an invented town centre in Zhangzi County"
        p = place_near(srng, c, r0, r1, zpoly, taken, spacing=0.6)
        add_station("140428", f"长子县暖“新”驿站{k}号", f"Zhangzi warm station {k}", "warm_station", p,
                    8, 4, ["rest", "hot_meal", "charging", "battery_swap", "first_aid"], "08:00-22:00",
                    "长子县(示意)", where,
                    "article: 暖“新”驿站,提供休息用餐、充电换电、应急救助 (count of three is illustrative)")
    for k in range(1, 4):
        p = place_near(srng, zz, 0.4, 2.0, zpoly, taken, spacing=0.4)
        add_station("140428", f"长子县电动车门店免费充电点{k}号", f"Zhangzi e-bike shop free charging {k}",
                    "charging_point", p, 0, 4, ["charging"], "08:00-20:00", "电动车门店(示意)",
                    "Zhangzi County seat",
                    "article: 整合电动车门店,推出免费充电、免费补胎、修车购车优惠 (count illustrative)")
    for k in range(1, 4):
        p = place_near(srng, zz, 0.2, 1.6, zpoly, taken, spacing=0.4)
        add_station("140428", f"长子县优待定点饭店{k}号(9.9元爱心餐)", f"Zhangzi designated restaurant {k} (9.9-yuan meal)",
                    "partner_venue", p, 0, 0, ["hot_meal"], "10:00-21:00", "优待定点饭店(示意)",
                    "Zhangzi County seat",
                    "article: 整合辖区内优待定点饭店,推出9.9元管饱“爱心餐” (count illustrative)")

    # Wuxiang: 19 warm stations across the county (article): 11 in the seat town, 2 at each of
    # four invented town centres.
    wx = seat["140429"]
    wpoly = dpoly["140429"]
    sites = [(wx, 0.2, 2.0, "Wuxiang County seat")] * 11
    for t in towns["140429"]:
        sites += [(t, 0.0, 0.6, "an invented town centre in Wuxiang County")] * 2
    for k, (c, r0, r1, where) in enumerate(sites, 1):
        p = place_near(srng, c, r0, r1, wpoly, taken, spacing=0.35)
        add_station("140429", f"武乡县暖“新”驿站{k}号", f"Wuxiang warm station {k}", "warm_station", p,
                    srng.choice([4, 5, 6]), srng.choice([1, 2, 3]), ["rest", "charging", "water"],
                    "08:00-20:00", "武乡县社区党群服务中心(示意)", where,
                    "article: 利用党群服务中心等聚集点,在全县设立19处暖“新”驿站,提供休息、充电、饮水")

    # Qin: the warm station on 友谊街 with 13 facilities (article; the 13 are not itemised).
    p = place_near(srng, seat["140430"], 0.2, 1.0, dpoly["140430"], taken)
    add_station("140430", "友谊街暖“新”驿站", "Youyi Street warm station", "warm_station", p, 10, 4,
                ["rest", "water", "microwave", "charging", "umbrella", "restroom", "reading",
                 "first_aid", "legal_aid", "wifi"],
                "08:00-21:00", "沁县(利用闲置办公用房)", "Qin County seat (the real 友谊街 was not located)",
                "article: 友谊街暖“新”驿站,配备13项暖心设施,整合司法、人社等资源 "
                "(the 13 facilities are not listed; these services are an illustrative reading)")

    # Qinyuan: charging and battery-swap facilities of 观音坪社区, 沁河镇 (article).
    p = place_near(srng, seat["140431"], 0.3, 1.2, dpoly["140431"], taken)
    qy_cp = p
    add_station("140431", "观音坪社区充(换)电设施", "Guanyinping community charging and battery swap",
                "charging_point", p, 0, 6, ["charging", "battery_swap"], "06:00-23:00", "沁河镇观音坪社区",
                "Qinyuan County seat (the real 观音坪社区 was not located)",
                "article: 观音坪社区“五个一”工程:划定一批专属车位、规划一批充(换)电设施")

    # Economic Development Zone: warm station, service hall and canteen at 鑫凯越 (article).
    etdz = zone_km["zone-etdz"]
    p = place_near(srng, etdz.centroid.coords[0], 0.2, 0.9, etdz, taken)
    add_station("zone-etdz", "鑫凯越暖“新”驿站", "Xinkaiyue warm station", "warm_station", p, 12, 4,
                ["rest", "reading", "hot_meal", "training"], "08:00-21:00",
                "长治市鑫凯越电子商务有限公司", "Economic Development Zone (illustrative zone shape)",
                "article: 依托鑫凯越电子商务有限公司,集读书角、休闲区、洽谈区于一体的暖“新”驿站和客服大厅;暖“新”餐厅;公益讲堂")

    # Huguan: county e-commerce public service centre (article).
    p = place_near(srng, seat["140427"], 0.3, 1.2, dpoly["140427"], taken)
    add_station("140427", "壶关县电商公共服务中心", "Huguan County e-commerce public service centre",
                "service_center", p, 10, 2, ["training", "legal_aid"], "08:30-12:00,14:30-18:00",
                "壶关县电商企业联合党支部", "Huguan County seat",
                "article: 依托县电商公共服务中心,开展新就业群体就业维权、技能培训; deliberately not a rest "
                "station: the article describes rights protection and skills training there, no place to "
                "rest, so its services leave out rest (office hours with a lunch break, illustrative)")

    # Licheng: a 24-hour warm station and several union stations (article; three here).
    lc = seat["140426"]
    p = place_near(srng, lc, 0.2, 0.8, dpoly["140426"], taken)
    lc_24h = p
    add_station("140426", "黎城县24小时暖“新”驿站", "Licheng 24-hour warm station", "warm_station", p, 10, 4,
                ["rest", "water", "microwave", "charging", "training"], "24h", "黎城县(示意)",
                "Licheng County seat",
                "article: 新建24小时暖“新”驿站;开设暖“新”讲堂;夏季送清凉、冬季送温暖")
    for k in range(1, 4):
        p = place_near(srng, lc, 0.5, 2.0, dpoly["140426"], taken, spacing=0.8)
        add_station("140426", f"黎城县工会驿站{k}号", f"Licheng union station {k}", "union_station", p, 6, 2,
                    ["rest", "water", "microwave", "restroom"], "08:00-20:00", "黎城县工会(示意)",
                    "Licheng County seat",
                    "article: 新建……多个工会驿站 (count of three is illustrative)")

    station_features = []
    for sid, props, p in stations:
        station_features.append(feature(sid, props, geojson_point(p)))

    # ----- commercial_areas.geojson -----------------------------------------------------------
    arng = random.Random(f"{SEED}-areas")
    area_features = []
    ca_counter = {}

    def add_area(district, name, name_en, centre_km, radius, friendly, orders, riders, basis):
        ca_counter[district] = ca_counter.get(district, 0) + 1
        aid = f"ca-{slug[district]}-{ca_counter[district]:02d}"
        poly = blob(arng, centre_km, radius, n=10, jitter=0.25)
        assert dpoly[district].contains(poly)
        props = {"id": aid, "name": name, "name_en": name_en, "district": district,
                 "rider_friendly": friendly, "daily_orders": orders, "peak_riders": riders,
                 "illustrative": True,
                 "location_note": "illustrative outline and position, not surveyed; order and rider "
                                  "counts are illustrative",
                 "basis": basis}
        area_features.append(feature(aid, props, geojson_polygon(lonlat_polygon(poly))))

    for key, name, name_en, off, orders, riders in RIDER_AREAS:
        add_area("140403", f"{name}骑手友好商圈", f"{name_en} rider-friendly commercial area",
                 area_centres[key], 0.3, True, orders, riders,
                 f"article: 在城隍庙广场、天空之城、桥北小吃街等商业集聚区打造“骑手友好商圈”")
    other_areas = [
        ("140403", "潞州区城东商业区(示意)", "Luzhou east commercial area (illustrative)", offset(lz, 4.3, -0.4), 0.35, 3100, 55),
        ("140404", "上党区城区商业中心(示意)", "Shangdang town commercial centre (illustrative)", offset(sd, 0.6, -0.9), 0.3, 1800, 35),
        ("140406", "潞城区城区商业中心(示意)", "Lucheng town commercial centre (illustrative)", offset(seat["140406"], -1.4, -0.6), 0.3, 1500, 30),
        ("140423", "襄垣县县城商业区(示意)", "Xiangyuan county-town commercial area (illustrative)", offset(seat["140423"], 0.5, 0.4), 0.3, 1200, 25),
        ("140428", "长子县县城商业街(示意)", "Zhangzi county-town shopping street (illustrative)", offset(zz, -0.5, 0.5), 0.25, 1100, 22),
        ("140426", "黎城县县城商业区(示意)", "Licheng county-town commercial area (illustrative)", offset(lc, 0.9, -0.7), 0.25, 900, 18),
    ]
    for district, name, name_en, c, r, orders, riders in other_areas:
        add_area(district, name, name_en, c, r, False, orders, riders,
                 "not in the article: illustrative commercial area, not rider-friendly, for the areas audit")

    # ----- parking_zones.geojson --------------------------------------------------------------
    prng = random.Random(f"{SEED}-parking")
    park_features = []
    pk_counter = {}

    def add_parking(district, name, name_en, centre_km, w, h, slots, charging, where, basis):
        pk_counter[district] = pk_counter.get(district, 0) + 1
        pid = f"pk-{slug[district]}-{pk_counter[district]:02d}"
        poly = rect(centre_km, w, h, prng.uniform(0.0, 180.0))
        assert dpoly[district].contains(poly)
        props = {"id": pid, "name": name, "name_en": name_en, "district": district, "slots": slots,
                 "charging": charging, "illustrative": True,
                 "location_note": LOC_SEAT.format(where=where), "basis": basis}
        park_features.append(feature(pid, props, geojson_polygon(lonlat_polygon(poly))))

    for key, name, name_en, off, _, _ in RIDER_AREAS:
        c = area_centres[key]
        ang = prng.uniform(0.0, 2.0 * math.pi)
        pc = (c[0] + 0.12 * math.cos(ang), c[1] + 0.12 * math.sin(ang))
        add_parking("140403", f"{name}骑手临时停车区", f"{name_en} temporary rider parking", pc, 0.025, 0.06,
                    prng.choice([30, 40, 50]), False, f"{name} rider-friendly area (itself placed illustratively)",
                    "article: 结合商业街区实际,划定专门区域,设置骑手临时停车区")
    ang = prng.uniform(0.0, 2.0 * math.pi)
    add_parking("140431", "观音坪社区新就业群体专属车位", "Guanyinping community dedicated rider parking",
                (qy_cp[0] + 0.05 * math.cos(ang), qy_cp[1] + 0.05 * math.sin(ang)), 0.02, 0.04, 20, True,
                "Qinyuan County seat (the real 观音坪社区 was not located)",
                "article: 划定一批专属车位、规划一批充(换)电设施")
    lc_centre = next(p for sid, props, p in stations if props["kind"] == "service_center" and props["district"] == "140406")
    add_parking("140406", "潞城区党群服务中心停车区", "Lucheng service centre parking",
                offset(lc_centre, 0.04, 0.03), 0.02, 0.04, 25, True, "Lucheng District seat",
                "illustrative: parking beside the service centre whose “八小” include a 小充电站; the parking itself is not in the article")
    add_parking("140426", "黎城县24小时驿站停车区", "Licheng 24-hour station parking",
                offset(lc_24h, -0.04, 0.03), 0.02, 0.03, 15, False, "Licheng County seat",
                "not in the article: illustrative parking beside the 24-hour warm station")
    zz_warm = next(p for sid, props, p in stations if props["kind"] == "warm_station" and props["district"] == "140428")
    add_parking("140428", "长子县暖“新”驿站停车区", "Zhangzi warm station parking",
                offset(zz_warm, 0.04, -0.03), 0.02, 0.03, 15, True, "Zhangzi County seat",
                "not in the article: illustrative parking beside a warm station that offers 充电换电")

    # ----- demand.geojson ---------------------------------------------------------------------
    drng = random.Random(f"{SEED}-demand")
    outline_prep = prep(shapely.union_all(polys_km))
    demand = []

    def weight():
        u = drng.random()
        return 1 if u < 0.6 else (2 if u < 0.9 else 3)

    def cluster(centre, sigma, n):
        got = 0
        while got < n:
            p = (drng.gauss(centre[0], sigma), drng.gauss(centre[1], sigma))
            if outline_prep.contains(Point(p)):
                demand.append((p, weight()))
                got += 1

    cluster(lz, 2.2, 420)                                   # Luzhou urban core
    for key, *_ in RIDER_AREAS:
        cluster(area_centres[key], 0.5, 80)                 # rider-friendly areas
    cluster(offset(lz, 4.3, -0.4), 0.6, 60)                 # Luzhou east commercial area
    for zid, *_ in zones:
        cluster(zone_km[zid].centroid.coords[0], 0.8, 40)   # development zones
    seat_points = {"140404": 160, "140405": 120, "140406": 150, "140423": 110, "140425": 60,
                   "140426": 90, "140427": 110, "140428": 120, "140429": 90, "140430": 90, "140431": 100}
    for i in ids[1:]:
        cluster(seat[i], 1.3, seat_points[i])
        for t in towns[i]:
            cluster(t, 0.5, 20)
    minx, miny, maxx, maxy = outline.bounds
    scattered = 0
    while scattered < 100:                                  # thin rural demand
        p = (drng.uniform(minx, maxx), drng.uniform(miny, maxy))
        if outline_prep.contains(Point(p)):
            demand.append((p, 1))
            scattered += 1
    demand_features = []
    for k, (p, w) in enumerate(demand, 1):
        did = f"d-{k:04d}"
        demand_features.append(feature(did, {"id": did, "weight": w}, geojson_point(p)))

    # ----- candidates.geojson (only Luzhou, Shangdang, Lucheng, Tunliu) -----------------------
    crng = random.Random(f"{SEED}-candidates")
    cand_features = []
    station_pts = [p for _, _, p in stations]
    for district, n in (("140403", 24), ("140404", 8), ("140406", 8), ("140405", 6)):
        poly = dpoly[district]
        pool = [(p, w) for p, w in demand if poly.contains(Point(p)) and poly.exterior.distance(Point(p)) > 0.2]
        chosen = []
        tries = 0
        while len(chosen) < n and tries < 20000:
            tries += 1
            p, _ = pool[crng.randrange(len(pool))]
            q = (p[0] + crng.uniform(-0.1, 0.1), p[1] + crng.uniform(-0.1, 0.1))
            if not poly.contains(Point(q)):
                continue
            if any(math.dist(q, c) < 0.7 for c in chosen) or any(math.dist(q, s) < 0.3 for s in station_pts):
                continue
            chosen.append(q)
        assert len(chosen) == n, f"candidates for {district}"
        for k, q in enumerate(chosen, 1):
            cid = f"cand-{slug[district]}-{k:02d}"
            props = {"id": cid, "name": f"{div[district][1]}候选站址{k:02d}(示意)",
                     "name_en": f"{div[district][2]} candidate site {k:02d} (illustrative)",
                     "district": district, "max_seats": crng.choice([6, 8, 10, 12, 16]),
                     "illustrative": True,
                     "location_note": "illustrative candidate site drawn near synthetic demand; not a real property"}
            cand_features.append(feature(cid, props, geojson_point(q)))

    # ----- dataset.json -----------------------------------------------------------------------
    manifest = {
        "name": "Changzhi (长治市), Shanxi",
        "crs": "EPSG:4547",
        "radius_m": DEFAULT_RADIUS_M,
        "default_seats": 8,
        # Every position and boundary is synthetic: `nuanxin report` says so on the map's face.
        "illustrative": True,
        "stay_min": STAY_MIN,
        "visits_per_hour": VISITS_PER_HOUR,
        "demand_profile": DEMAND_PROFILE,
        "demand_profile_note": (
            "illustrative: demand weights are riders at the peak; each hour's demand is the weight times "
            "this factor (hours 0-23). The shape has the lunch and dinner peaks of food delivery "
            "(11-13, 17-19), a mid-afternoon dip and a low night; the numbers are not measured"),
        "site_sizes": SITE_SIZES,
        "site_cost": SITE_COST,
        "site_cost_note": (
            "illustrative, not from any budget: yuan to fit out a new site (sign, furniture, microwave, "
            "water) plus yuan per seat; stay_min and visits_per_hour are illustrative too"),
        "source": (
            "Facts: the 12 county-level divisions, seats and reference areas of the fact sheet, and the "
            "stations, parking and rider-friendly areas that the Changzhi newspaper special issue on "
            "new employment groups (凝“新”聚力 促“新”向荣) says exist, district by district. "
            "Geometry: Nuanxin's own illustrative work, generated by scripts/make_changzhi_dataset.py "
            "- division boundaries are area-matched power-diagram cells of the seats inside a "
            "hand-drawn city outline, not legal boundaries; zone shapes, and the positions of "
            "stations, parking zones, commercial areas, demand and candidate sites are illustrative, "
            "not surveyed; seats, ports, hours, order and rider counts are illustrative unless a "
            "feature's basis quotes the article. No third-party map data. Licence: see geodata/README.md."
        ),
    }

    # ----- self-checks ------------------------------------------------------------------------
    run_checks(ids, dist_ll, zone_ll, station_features, park_features, area_features,
               demand_features, cand_features, area_rows, seats, margins)

    # ----- write ------------------------------------------------------------------------------
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "dataset.json"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    write_collection(os.path.join(out_dir, "districts.geojson"), dist_features)
    write_collection(os.path.join(out_dir, "stations.geojson"), station_features)
    write_collection(os.path.join(out_dir, "parking_zones.geojson"), park_features)
    write_collection(os.path.join(out_dir, "commercial_areas.geojson"), area_features)
    write_collection(os.path.join(out_dir, "demand.geojson"), demand_features)
    write_collection(os.path.join(out_dir, "candidates.geojson"), cand_features)

    report(ids, div, dist_ll, zone_ll, area_rows, margins, station_features, park_features,
           area_features, demand_features, cand_features, out_dir)

    if plot_path:
        draw(plot_path, dist_ll, zone_ll, station_features, demand_features, cand_features, area_features)


# ---------------------------------------------------------------------------------------------
# Self-checks
# ---------------------------------------------------------------------------------------------

def point_of(f):
    return Point(f["geometry"]["coordinates"])


def run_checks(ids, dist_ll, zone_ll, stations, parking, areas, demand, cands, area_rows, seats, margins):
    allpolys = dict(dist_ll)
    allpolys.update(zone_ll)
    for pid, p in allpolys.items():
        assert p.is_valid, f"{pid}: {shapely.is_valid_reason(p)}"
        assert p.geom_type == "Polygon"
        assert p.exterior.is_ccw, f"{pid}: exterior ring not counter-clockwise"
    # no overlaps between the 12 county-level divisions
    for a in range(len(ids)):
        for b in range(a + 1, len(ids)):
            pa, pb = dist_ll[ids[a]], dist_ll[ids[b]]
            if pa.intersects(pb):
                ov = geodesic_area_km2(pa.intersection(pb)) if pa.intersection(pb).area > 0 else 0.0
                assert ov < 1e-6, f"{ids[a]} and {ids[b]} overlap by {ov} km2"
    # no gaps: the divisions together are one polygon
    union = shapely.union_all(list(dist_ll.values()))
    assert union.geom_type == "Polygon" and len(union.interiors) == 0, "divisions leave a hole or split"
    # areas within 10 % of the fact sheet
    for i, name, _, target, geo, _ in area_rows:
        assert abs(geo - target) / target < 0.10, f"{i} {name}: {geo:.1f} km2 vs {target}"
    # each seat inside its own division (and in no other)
    for i, s in zip(ids, seats):
        lon, lat = to_lonlat(*s)
        pt = Point(lon, lat)
        assert dist_ll[i].contains(pt), f"seat of {i} outside its division"
        assert not any(dist_ll[j].contains(pt) for j in ids if j != i)
    # zones overlap Luzhou
    for zid, z in zone_ll.items():
        assert z.intersects(dist_ll["140403"]), f"{zid} does not touch Luzhou"
    # stations
    kinds_ok = set(STATION_KINDS)
    services_ok = set(SERVICES)
    for f in stations:
        pr = f["properties"]
        assert pr["kind"] in kinds_ok, pr
        assert all(s in services_ok for s in pr["services"]), pr
        assert len(pr["services"]) == len(set(pr["services"])), pr
        assert isinstance(pr["seats"], int) and isinstance(pr["charging_ports"], int)
        assert allpolys[pr["district"]].contains(point_of(f)), f"{f['id']} outside {pr['district']}"
        assert union.contains(point_of(f))
    for f in cands:
        pr = f["properties"]
        assert dist_ll[pr["district"]].contains(point_of(f)), f"{f['id']} outside {pr['district']}"
        assert isinstance(pr["max_seats"], int)
    for f in parking + areas:
        pr = f["properties"]
        g = Polygon(f["geometry"]["coordinates"][0])
        assert g.is_valid and g.exterior.is_ccw
        assert dist_ll[pr["district"]].contains(g), f"{f['id']} outside {pr['district']}"
    for f in demand:
        assert union.contains(point_of(f)), f"{f['id']} outside the city"
        assert isinstance(f["properties"]["weight"], int) and f["properties"]["weight"] > 0
    for coll in (stations, parking, areas, demand, cands):
        idl = [f["id"] for f in coll]
        assert len(idl) == len(set(idl)), "duplicate ids"
        for f in coll:
            assert f["properties"]["id"] == f["id"]
            check_decimals(f["geometry"]["coordinates"])
    assert 1500 <= len(demand) <= 3000
    # planning in time: hours parse, rest kinds offer rest unless the basis says why not, one 24h
    for f in stations:
        pr = f["properties"]
        hours_ranges(pr["hours"])
        if pr["kind"] in REST_KINDS and not offers_rest(pr):
            assert "not a rest station" in pr["basis"], f"{f['id']}: a rest kind without rest"
    assert sum(f["properties"]["hours"] == "24h" for f in stations) == 1
    assert len(DEMAND_PROFILE) == 24 and max(DEMAND_PROFILE) == 1 and min(DEMAND_PROFILE) >= 0
    assert all(r > 0 for r in DISTRICT_RADIUS_M.values())


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def locate_division(pt, ids, dist_ll):
    for i in ids:
        if dist_ll[i].contains(pt) or dist_ll[i].touches(pt):
            return i
    return None


def report(ids, div, dist_ll, zone_ll, area_rows, margins, stations, parking, areas, demand,
           cands, out_dir):
    print(f"{'id':<8}{'name':<8}{'target km2':>12}{'geodesic km2':>14}{'EPSG:4547 km2':>15}{'diff %':>8}{'seat margin km':>16}")
    tt = tg = tp = 0.0
    for (i, name, _, target, geo, proj), m in zip(area_rows, margins):
        tt += target
        tg += geo
        tp += proj
        print(f"{i:<8}{name:<8}{target:>12.0f}{geo:>14.1f}{proj:>15.1f}{100 * (geo - target) / target:>+8.2f}{m:>16.1f}")
    print(f"{'total':<16}{tt:>12.0f}{tg:>14.1f}{tp:>15.1f}{100 * (tg - tt) / tt:>+8.2f}")
    for zid, z in zone_ll.items():
        print(f"{zid}: {geodesic_area_km2(z):.1f} km2 (illustrative)")
    minx, miny, maxx, maxy = shapely.union_all(list(dist_ll.values())).bounds
    print(f"City extent: {minx:.3f}-{maxx:.3f} E, {miny:.3f}-{maxy:.3f} N")

    # counts per district, and a rough coverage figure (rest stations within 1 km, planar in the
    # local EPSG:4547 frame; the CLI's own computation is the reference)
    rest = [to_km(*f["geometry"]["coordinates"]) for f in stations if offers_rest(f["properties"])]
    per = {i: {"stations": 0, "rest": 0, "seats": 0, "parking": 0, "areas": 0, "demand_n": 0,
               "demand_w": 0, "covered_w": 0, "own_w": 0, "cands": 0} for i in ids + list(zone_ll)}
    all_ll = dict(dist_ll)
    all_ll.update(zone_ll)
    for f in stations:
        pr = f["properties"]
        per[pr["district"]]["stations"] += 1
        if offers_rest(pr):
            per[pr["district"]]["rest"] += 1
            per[pr["district"]]["seats"] += pr["seats"]
    for f in parking:
        per[f["properties"]["district"]]["parking"] += 1
    for f in areas:
        per[f["properties"]["district"]]["areas"] += 1
    for f in cands:
        per[f["properties"]["district"]]["cands"] += 1
    for f in demand:
        i = locate_division(point_of(f), ids, dist_ll)
        w = f["properties"]["weight"]
        per[i]["demand_n"] += 1
        per[i]["demand_w"] += w
        q = to_km(*f["geometry"]["coordinates"])
        near = min((math.dist(q, s) for s in rest), default=math.inf)
        if near <= DEFAULT_RADIUS_M / 1000:
            per[i]["covered_w"] += w
        pt = point_of(f)
        own = min([DISTRICT_RADIUS_M[d] for d in all_ll if d in DISTRICT_RADIUS_M
                   and (all_ll[d].contains(pt) or all_ll[d].touches(pt))] + [DEFAULT_RADIUS_M])
        if near <= own / 1000:
            per[i]["own_w"] += w
    print()
    print(f"{'division':<16}{'stations':>9}{'rest':>6}{'seats':>7}{'parking':>8}{'areas':>6}{'demand pts':>11}{'weight':>8}{'cov 1km %':>10}{'cov own %':>10}{'cands':>6}")
    tot = {k: 0 for k in per[ids[0]]}
    for i in ids + list(zone_ll):
        r = per[i]
        for k in tot:
            tot[k] += r[k]
        pct = 100.0 * r["covered_w"] / r["demand_w"] if r["demand_w"] else 0.0
        own = 100.0 * r["own_w"] / r["demand_w"] if r["demand_w"] else 0.0
        label = f"{i} {div[i][1]}" if i in div else i
        print(f"{label:<16}{r['stations']:>9}{r['rest']:>6}{r['seats']:>7}{r['parking']:>8}{r['areas']:>6}"
              f"{r['demand_n']:>11}{r['demand_w']:>8}{pct:>10.1f}{own:>10.1f}{r['cands']:>6}")
    pct = 100.0 * tot["covered_w"] / tot["demand_w"]
    own = 100.0 * tot["own_w"] / tot["demand_w"]
    print(f"{'total':<16}{tot['stations']:>9}{tot['rest']:>6}{tot['seats']:>7}{tot['parking']:>8}{tot['areas']:>6}"
          f"{tot['demand_n']:>11}{tot['demand_w']:>8}{pct:>10.1f}{own:>10.1f}{tot['cands']:>6}")
    print("(demand points are counted in the county-level division that contains them; zone rows count "
          "only stations, so zone demand is inside Luzhou's figures; 'cov own' uses each division's "
          "radius_m, the smallest where divisions overlap)")
    print()
    for name in sorted(os.listdir(out_dir)):
        with open(os.path.join(out_dir, name), "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()[:16]
        print(f"wrote {os.path.join(out_dir, name)}  sha256:{digest}")


def draw(path, dist_ll, zone_ll, stations, demand, cands, areas):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(11, 11))
    for i, p in dist_ll.items():
        x, y = p.exterior.xy
        ax.plot(x, y, "k-", lw=0.7)
        c = p.representative_point()
        ax.text(c.x, c.y, i, fontsize=7, color="gray")
    for p in zone_ll.values():
        x, y = p.exterior.xy
        ax.plot(x, y, "m-", lw=0.7)
    for f in areas:
        x, y = Polygon(f["geometry"]["coordinates"][0]).exterior.xy
        ax.plot(x, y, "g-", lw=0.7)
    ax.scatter([f["geometry"]["coordinates"][0] for f in demand], [f["geometry"]["coordinates"][1] for f in demand],
               s=1, c="orange")
    ax.scatter([f["geometry"]["coordinates"][0] for f in stations], [f["geometry"]["coordinates"][1] for f in stations],
               s=6, c="blue")
    ax.scatter([f["geometry"]["coordinates"][0] for f in cands], [f["geometry"]["coordinates"][1] for f in cands],
               s=6, c="red", marker="x")
    ax.set_aspect(1.0 / math.cos(math.radians(36.5)))
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "geodata", "changzhi"))
    ap.add_argument("--plot", help="also draw a PNG overview (needs matplotlib)")
    args = ap.parse_args()
    build(os.path.normpath(args.out), args.plot)


if __name__ == "__main__":
    main()
