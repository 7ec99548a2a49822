#!/usr/bin/env python3
"""Checks that docs/outputs.md names every key of every json and geojson output.

Runs `nuanxin` on the default dataset (geodata/changzhi) for each command and format that writes
JSON, NDJSON or GeoJSON, collects every key path (`results[].distance_m`, `hours[].served`; for
GeoJSON the keys of each feature's `properties`), and looks for each in the section of
docs/outputs.md that describes the command: a key counts as documented when its path, or its last
name, appears in backticks there. Prints the missing ones as `command format: path`, and exits 1
when any is missing (0 otherwise).

Usage: scripts/check-output-keys.py [path/to/nuanxin]   (default: .build/debug/nuanxin)
Needs a built binary; run from anywhere in the checkout.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, 'geodata', 'changzhi')
DOC = os.path.join(ROOT, 'docs', 'outputs.md')
POINT = ['--lon', '113.1', '--lat', '36.2']

# (section heading in outputs.md, arguments). Each runs with --format json and, where the command
# offers it, --format geojson.
RUNS = [
    ('nearest and within', ['nearest', *POINT, '-k', '2'], ('json', 'geojson')),
    ('nearest and within', ['within', *POINT, '--radius', '1500'], ('json', 'geojson')),
    ('nearest and within', ['nearest', '--input', '{batch}'], ('json',)),
    ('locate', ['locate', *POINT], ('json',)),
    ('info', ['info'], ('json',)),
    ('validate', ['validate'], ('json',)),
    ('coverage', ['coverage'], ('json', 'geojson')),
    ('coverage', ['coverage', '--at', '23:00'], ('json', 'geojson')),
    ('coverage', ['coverage', '--by-hour'], ('json',)),
    ('coverage', ['coverage', '--by-hour', '--district', '潞州区'], ('json',)),
    ('load', ['load'], ('json', 'geojson')),
    ('load', ['load', '--at', '12:00'], ('json',)),
    ('gaps', ['gaps', '--min-demand', '3'], ('json', 'geojson')),
    ('areas', ['areas'], ('json', 'geojson')),
    ('propose', ['propose', '--count', '2', '--district', '潞州区'], ('json', 'geojson')),
    ('propose', ['propose', '--target', '30', '--district', '上党区'], ('json',)),
    ('convert', ['convert', '--from', 'wgs84', '--to', 'gcj02', *POINT], ('json',)),
    ('convert', ['convert', '--from', 'wgs84', '--to', 'gcj02', '--input', '{batch}'], ('json',)),
]


def key_paths(value, prefix=''):
    """Every key path in a JSON value; array elements add `[]`."""
    paths = set()
    if isinstance(value, dict):
        for key, member in value.items():
            path = f'{prefix}.{key}' if prefix else key
            paths.add(path)
            paths |= key_paths(member, path)
    elif isinstance(value, list):
        for element in value:
            paths |= key_paths(element, prefix + '[]')
    return paths


def documents(text):
    """The JSON documents of an output: one, or one per line (NDJSON)."""
    text = text.strip()
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def sections(markdown):
    """Heading text of each `## ` section → its body."""
    parts = {}
    for chunk in re.split(r'^## ', markdown, flags=re.M)[1:]:
        heading, _, body = chunk.partition('\n')
        parts[heading.strip().strip('`')] = body
    return parts


def documented(path, body):
    # Examples in fenced blocks do not count (and their ``` would pair the backticks wrongly).
    body = re.sub(r'^```.*?^```', '', body, flags=re.M | re.S)
    spans = re.findall(r'`([^`]+)`', body)
    leaf = re.split(r'[.\[\]]+', path.rstrip('[]'))[-1]
    for span in spans:
        if path in span:
            return True
        # `a`, `b` pairs and `results[].lon` style spans: match the last name as a whole word.
        if re.search(r'(^|[^\w])' + re.escape(leaf) + r'($|[^\w])', span):
            return True
    return False


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '.build', 'debug', 'nuanxin')
    if not os.access(binary, os.X_OK):
        sys.exit(f'check-output-keys: no nuanxin binary at {binary} (swift build first, or pass its path)')
    doc = sections(open(DOC, encoding='utf-8').read())
    missing = []
    with tempfile.TemporaryDirectory() as tmp:
        batch = os.path.join(tmp, 'queries.csv')
        with open(batch, 'w') as f:
            f.write('id,lon,lat\na,113.1,36.2\nb,113.12,36.19\nbad,x,36.2\n')
        for section, args, formats in RUNS:
            if section not in doc:
                missing.append(f'{section}: no "## {section}" section in docs/outputs.md')
                continue
            args = [batch if a == '{batch}' else a for a in args]
            for fmt in formats:
                data = [] if args[0] == 'convert' else ['--data', DATA]
                command = [binary, *args, *data, '--format', fmt]
                run = subprocess.run(command, capture_output=True, text=True)
                if run.returncode not in (0, 65) or not run.stdout.strip():
                    missing.append(f'{" ".join(args)} {fmt}: exit {run.returncode}: {run.stderr.strip()[:200]}')
                    continue
                paths = set()
                for document in documents(run.stdout):
                    if fmt == 'geojson':
                        for feature in document.get('features', []):
                            paths |= key_paths(feature.get('properties') or {})
                    else:
                        paths |= key_paths(document)
                for path in sorted(paths):
                    if not documented(path, doc[section]):
                        missing.append(f'{" ".join(args)} --format {fmt}: {path}')
    for line in missing:
        print(line)
    print(f'{len(missing)} undocumented key(s)' if missing else 'every output key is in docs/outputs.md')
    sys.exit(1 if missing else 0)


if __name__ == '__main__':
    main()
