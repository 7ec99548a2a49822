#!/usr/bin/env python3
"""Writes seed inputs for the fuzz targets (Fuzz/) into OUT/<target>/, from the project's fixtures
(Tests/Fixtures, geodata/changzhi), the hand-written seeds in Fuzz/seeds and, when present, the
third-party GeoJSON test corpus kept beside the repository (as CI has it). Seeds are copies made at
run time in a git-ignored folder; nothing from that corpus is ever committed. Large layers are split into small documents (one or a few features
each) so that inputs stay under libFuzzer's -max_len.

usage: scripts/fuzz_seeds.py OUT
"""
import json
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[1]
MAX_PER_LAYER = 40


def put(target, name, data):
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(folder, name), mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
        f.write(data)


def layers():
    for folder in ["Tests/Fixtures/tiny", "geodata/changzhi"]:
        path = os.path.join(ROOT, folder)
        for name in sorted(os.listdir(path)):
            if name.endswith(".geojson"):
                with open(os.path.join(path, name), encoding="utf-8") as f:
                    yield folder.replace("/", "_") + "_" + name[:-8], json.load(f)


def wkt_of(g):
    def pos(c):
        return " ".join(repr(v) for v in c)

    def ring(cs):
        return "(" + ", ".join(pos(c) for c in cs) + ")"

    def poly(rs):
        return "(" + ", ".join(ring(r) for r in rs) + ")"

    t, c = g["type"], g.get("coordinates")
    if t == "Point":
        return "POINT (" + pos(c) + ")"
    if t == "LineString":
        return "LINESTRING " + ring(c)
    if t == "Polygon":
        return "POLYGON " + poly(c)
    if t == "MultiPoint":
        return "MULTIPOINT " + ring(c)
    if t == "MultiLineString":
        return "MULTILINESTRING (" + ", ".join(ring(l) for l in c) + ")"
    if t == "MultiPolygon":
        return "MULTIPOLYGON (" + ", ".join(poly(p) for p in c) + ")"
    return "GEOMETRYCOLLECTION (" + ", ".join(wkt_of(m) for m in g["geometries"]) + ")"


def csv_field(v):
    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    if any(ch in s for ch in ',"\r\n'):
        s = '"' + s.replace('"', '""') + '"'
    return s


def main():
    # Hand-written seeds first.
    for target in ["geojson", "csv", "wkt", "batch"]:
        src = os.path.join(ROOT, "Fuzz", "seeds", target)
        if os.path.isdir(src):
            for name in sorted(os.listdir(src)):
                with open(os.path.join(src, name), "rb") as f:
                    put(target, "seed_" + name, f.read())
    shared = os.path.join(os.path.dirname(ROOT), "shared", "corpus", "geojson")
    if os.path.isdir(shared):
        for name in sorted(os.listdir(shared)):
            if name.endswith(".json") or name.endswith(".geojson"):
                with open(os.path.join(shared, name), "rb") as f:
                    put("geojson", "shared_" + name, f.read())
    for stem, fc in layers():
        features = fc.get("features", [])[:MAX_PER_LAYER]
        for i, feature in enumerate(features):
            put("geojson", f"{stem}_{i}.geojson", json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False))
            if feature.get("geometry"):
                put("wkt", f"{stem}_{i}.wkt", wkt_of(feature["geometry"]))
        put("geojson", f"{stem}_few.geojson", json.dumps({"type": "FeatureCollection", "features": features[:3]}, ensure_ascii=False))
        # The same features as a CSV layer: points as lon/lat, other shapes as a wkt column.
        # Byte 0 (chunk size) and byte 1 (layer) are the fuzz target's own parameters.
        keys = []
        for f in features:
            for k in (f.get("properties") or {}):
                if k not in keys:
                    keys.append(k)
        points = all((f.get("geometry") or {}).get("type") == "Point" for f in features)
        header = keys + (["lon", "lat"] if points else ["wkt"])
        rows = [",".join(header)]
        for f in features[:8]:
            p = f.get("properties") or {}
            row = [csv_field(p[k]) if k in p else "" for k in keys]
            g = f.get("geometry")
            if points:
                row += [repr(g["coordinates"][0]), repr(g["coordinates"][1])]
            else:
                row.append(csv_field(wkt_of(g)) if g else "")
            rows.append(",".join(row))
        text = "\r\n".join(rows) + "\r\n"
        for prefix in [b"\x07\x01", b"\x00\x03", b"\x3f\x04"]:
            put("csv", f"{stem}_{prefix[0]}.csv", prefix + text.encode("utf-8"))
        if points:
            queries = ["id,lon,lat"] + [f"{p.get('properties', {}).get('id', i)},{p['geometry']['coordinates'][0]},{p['geometry']['coordinates'][1]}" for i, p in enumerate(features[:10])]
            put("batch", f"{stem}.csv", b"\x00" + ("\n".join(queries) + "\n").encode("utf-8"))
            put("batch", f"{stem}_sniffed.csv", b"\x0a" + ("\n".join(queries) + "\n").encode("utf-8"))
            nd = [json.dumps({"id": str((p.get("properties") or {}).get("id", i)), "lon": p["geometry"]["coordinates"][0], "lat": p["geometry"]["coordinates"][1]}) for i, p in enumerate(features[:10])]
            put("batch", f"{stem}.ndjson", b"\x01" + ("\n".join(nd) + "\n").encode("utf-8"))
            put("batch", f"{stem}_sniffed.ndjson", b"\x06" + ("\n".join(nd) + "\n").encode("utf-8"))


main()
