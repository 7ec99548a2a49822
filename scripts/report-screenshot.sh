#!/usr/bin/env bash
# Makes docs/report.png, the README's picture of the default report: builds nuanxin (release),
# writes the report of the default Changzhi dataset and photographs it with headless Chromium.
#   scripts/report-screenshot.sh [OUT.png] [WIDTHxHEIGHT]
# Needs chromium (apt-get install chromium fonts-noto-cjk; the CJK fonts draw the Chinese labels).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-docs/report.png}"
SIZE="${2:-1200x1560}"
CHROMIUM="${NUANXIN_CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"
if [ -z "$CHROMIUM" ]; then
    echo "report-screenshot: headless Chromium not found (apt-get install chromium fonts-noto-cjk, or set NUANXIN_CHROMIUM)" >&2
    exit 69
fi
scripts/install-deps.sh
swift build -c release --product nuanxin >&2
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
.build/release/nuanxin report --data geodata/changzhi --out "$WORK/report.html" >&2
mkdir -p "$(dirname "$OUT")"
# As root Chromium needs --no-sandbox; the profile is thrown away with $WORK.
"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$WORK/profile" \
    --window-size="${SIZE/x/,}" --virtual-time-budget=5000 --screenshot="$WORK/report.png" "file://$WORK/report.html" 2>"$WORK/chromium.log" || {
    tail -20 "$WORK/chromium.log" >&2
    exit 1
}
mv "$WORK/report.png" "$OUT"
echo "Screenshot written to $OUT"
