#!/usr/bin/env bash
# Regenerates docs/man/nuanxin.1 from the commands themselves, with swift-argument-parser's
# `generate-manual` command plugin (it comes with the dependency; the package declares nothing for
# it). The plugin builds the package (debug here, to reuse the test build), runs
# `nuanxin --experimental-dump-help` and writes an mdoc page.
#
#   scripts/make-manpage.sh          write docs/man/nuanxin.1
#   scripts/make-manpage.sh --check  exit 1 when the committed page differs from what the commands
#                                    give now (the .Dd date line is not compared)
#
# The page's date is that of the last commit that touched the commands (Sources/NuanxinCLI), so
# regenerating an unchanged tree gives the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
page=docs/man/nuanxin.1
date=$(git log -1 --format=%cs -- Sources/NuanxinCLI Sources/nuanxin 2>/dev/null || true)
[ -n "$date" ] || date=$(date -u +%F)
swift package plugin generate-manual --configuration debug --date "$date" --authors "The Nuanxin authors" >/dev/null
generated=.build/plugins/GenerateManual/outputs/nuanxin/nuanxin.1
[ -f "$generated" ] || { echo "make-manpage: the plugin wrote no $generated" >&2; exit 1; }
if [ "${1:-}" = "--check" ]; then
    if diff <(grep -v '^\.Dd ' "$page") <(grep -v '^\.Dd ' "$generated") >/dev/null; then
        echo "make-manpage: $page is up to date"
    else
        echo "make-manpage: $page is stale; run scripts/make-manpage.sh and commit the result" >&2
        diff <(grep -v '^\.Dd ' "$page") <(grep -v '^\.Dd ' "$generated") | head -20 >&2 || true
        exit 1
    fi
else
    mkdir -p "$(dirname "$page")"
    cp "$generated" "$page"
    echo "make-manpage: wrote $page (man -l $page to read it)"
fi
