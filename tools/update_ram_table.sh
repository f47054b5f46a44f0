#!/usr/bin/env bash
# Regenerates the RAM table of BENCHMARKS.md (between the ram-table markers)
# from real msf runs: `msf report ram-table`. A test checks they agree.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD=${1:-"$ROOT/build"}
MODELS=${MSF_MODELS_DIR:-"$ROOT/../shared/models"}
TABLE=$(mktemp)
trap 'rm -f "$TABLE"' EXIT
"$BUILD/msf" report ram-table --models "$MODELS" > "$TABLE"
awk -v table="$TABLE" '
  /<!-- ram-table:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
  /<!-- ram-table:end -->/ { skip = 0 }
  !skip { print }
' "$ROOT/BENCHMARKS.md" > "$ROOT/BENCHMARKS.md.new"
mv "$ROOT/BENCHMARKS.md.new" "$ROOT/BENCHMARKS.md"
