#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer (with LeakSanitizer) and/or ThreadSanitizer.
#
#   scripts/sanitizers.sh            both, one after the other
#   scripts/sanitizers.sh address    or: thread
#   scripts/sanitizers.sh thread --filter '^GeoTests\.'   arguments from the first one that starts
#                                    with "-" go to `swift test` (here: only the Geo tests)
#
# Each sanitizer builds into its own scratch folder (.build-address, .build-thread), so the normal
# .build is untouched. The tests' nuanxin binary is built with the same sanitizer, so the CLI
# tests check the CLI too. XCTest is skipped (there are no XCTest tests; its runner leaks).
# Known toolchain false positives are suppressed narrowly in scripts/sanitizers/*.supp.
set -euo pipefail
cd "$(dirname "$0")/.."
KINDS=()
while [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; do KINDS+=("$1"); shift; done
TEST_ARGS=("$@")
[ ${#KINDS[@]} -eq 0 ] && KINDS=(address thread)
scripts/install-deps.sh
HERE=$(pwd)
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=0"
export LSAN_OPTIONS="suppressions=$HERE/scripts/sanitizers/lsan.supp:print_suppressions=0"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
# The solver's module optimized in these debug builds too (see Package.swift), as in scripts/test.sh.
export NUANXIN_OPTIMIZED_SOLVER=1
status=0
for kind in "${KINDS[@]}"; do
    case "$kind" in address|thread) ;; *) echo "sanitizers: unknown sanitizer $kind (address or thread)" >&2; exit 64 ;; esac
    echo "== $kind sanitizer: build" >&2
    start=$(date +%s)
    swift build --build-tests --sanitize="$kind" --scratch-path ".build-$kind" 2>&1 | grep -v -e "^\[" >&2
    built=$(date +%s)
    echo "== $kind sanitizer: tests" >&2
    log=".build-$kind/sanitizer-tests.log"
    if NUANXIN_SANITIZER=$kind swift test --skip-build --disable-xctest --sanitize="$kind" --scratch-path ".build-$kind" ${TEST_ARGS[@]+"${TEST_ARGS[@]}"} >"$log" 2>&1; then rc=0; else rc=$?; fi
    done_at=$(date +%s)
    reports=$(grep -c -E "ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer" "$log" || true)
    tail -n 3 "$log"
    echo "== $kind sanitizer: build $((built - start)) s, tests $((done_at - built)) s, exit $rc, $reports report(s) (log: $log)"
    if [ "$rc" -ne 0 ] || [ "$reports" -ne 0 ]; then
        grep -n -A 40 -E "ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer" "$log" | head -120 >&2 || true
        status=1
    fi
done
exit $status
