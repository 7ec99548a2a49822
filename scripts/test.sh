#!/usr/bin/env bash
# Runs the whole test suite (installing the C libraries first when they are missing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build "$@"
