"""What scripts/gen_country.py and scripts/gen_synthetic.py share: their command line (an output
folder, whole-number sizes, a seed), the GeoJSON point line, and the dataset.json they write last.
Imported from the scripts' own folder (Python puts it first on the path), so no installation.
"""

import argparse
import json
import os


def point_feature(lon, lat, properties):
    """One GeoJSON Point feature on one line, 6 decimals (about 0.1 m); `properties` is the text
    between the braces of its properties object."""
    return '{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},"properties":{%s}}' % (
        lon, lat, properties)


def size_arguments(doc, sizes, at_least_one=()):
    """The parser of a generator: --out, then each (flag, default) of `sizes` as a whole number,
    then --seed (default 1). The description is the first paragraph of `doc`."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="output folder (created if missing)")
    for flag, default in sizes:
        parser.add_argument(flag, type=int, default=default)
    parser.add_argument("--seed", type=int, default=1)
    parser.sizes = [flag for flag, _ in sizes]
    parser.at_least_one = set(at_least_one)
    return parser


def parse_sizes(parser, argv=None):
    """The arguments, each size checked (at least 1 for the flags in `at_least_one`, else not
    negative: a usage error otherwise, before anything is written); the output folder made."""
    args = parser.parse_args(argv)
    for flag in parser.sizes:
        value = getattr(args, flag[2:].replace("-", "_"))
        if flag in parser.at_least_one and value < 1:
            parser.error("%s must be at least 1" % flag)
        if value < 0:
            parser.error("%s must not be negative" % flag)
    os.makedirs(args.out, exist_ok=True)
    return args


def command_line(script, parser, args):
    """How the folder was made, for the manifest's `source`: the script, each size and the seed."""
    parts = ["%s %d" % (flag, getattr(args, flag[2:].replace("-", "_"))) for flag in parser.sizes]
    return " ".join(["scripts/" + script] + parts + ["--seed %d" % args.seed])


def write_manifest(out, data):
    """dataset.json: `data` as indented UTF-8 JSON and a newline. Write it last: a folder with a
    manifest is complete."""
    with open(os.path.join(out, "dataset.json"), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.write("\n")
