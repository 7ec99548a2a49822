# Sourced by the end-to-end benchmarks (scripts/bench_*_cli.sh): strict mode, the repository root
# as the working folder, and what each of them does first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# bench_build PRODUCT...: the release build of each product, on stderr; nothing when SKIP_BUILD is
# set (the release binaries are used as they are).
bench_build() {
    [[ -n "${SKIP_BUILD:-}" ]] && return 0
    local product
    for product in "$@"; do swift build -c release --product "$product" >&2; done
}

# bench_missing DATA FILE...: true (and says it is generating DATA) when one of the files is not in
# the folder DATA, so the caller generates it.
bench_missing() {
    local data="$1" file
    shift
    for file in "$@"; do
        if [[ ! -f "$data/$file" ]]; then
            echo "generating $data" >&2
            return 0
        fi
    done
    return 1
}

# bench_header: date, machine and load on stderr, the context BENCHMARKS.md quotes with a figure.
bench_header() {
    {
        echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
        echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    } >&2
}
