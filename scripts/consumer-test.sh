#!/usr/bin/env bash
# Builds and tests Examples/Consumer, a package of its own that depends on this repository by path
# and uses the library products Geo, Stations and Planning as another project would: the station
# locator, the coverage report and site selection, through their public API only.
set -euo pipefail
cd "$(dirname "$0")/.."
swift test --package-path Examples/Consumer "$@"
