#!/usr/bin/env bash
# Runs the libFuzzer targets of a -DMSF_FUZZ=ON build (see `make fuzz`).
#
#   tools/run-fuzz.sh BUILD_DIR SECONDS [TARGET...]
#       fuzzes each target (default: all) for SECONDS. Corpus directories, in
#       libFuzzer order (new inputs go to the first, the others are only read):
#         BUILD_DIR/corpus/TARGET   grows across runs
#         fuzz/seeds/TARGET         minimised seeds (checked in)
#         tests/corpus/TARGET       regression inputs (checked in, replayed by
#                                   the RobustCorpus GoogleTest)
#         the shared .tflite models (tflite_import only; linked, not copied)
#       A crash, leak, timeout or sanitizer report stops with exit code 1 and
#       leaves the input in BUILD_DIR/artifacts/TARGET/.
#
#   tools/run-fuzz.sh --make-seeds BUILD_DIR
#       regenerates fuzz/seeds/ from msf_fuzz_make_seeds, minimised with
#       libFuzzer's -merge=1 (only inputs that add coverage are kept).
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(tflite_import plan_json budget_parse calibration_json)
models_dir="${MSF_MODELS_DIR:-../shared/models}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

if [ "${1:-}" = "--make-seeds" ]; then
  build="${2:?usage: tools/run-fuzz.sh --make-seeds BUILD_DIR}"
  raw="$build/raw-seeds"
  rm -rf "$raw"
  "$build/fuzz/msf_fuzz_make_seeds" "$raw"
  for t in "${all_targets[@]}"; do
    rm -rf "fuzz/seeds/$t.new"
    mkdir -p "fuzz/seeds/$t.new"
    "$build/fuzz/fuzz_$t" -merge=1 "fuzz/seeds/$t.new" "$raw/$t" > "$build/merge-$t.log" 2>&1 ||
      { tail -n 30 "$build/merge-$t.log"; echo "msf: error: merging seeds of $t failed" >&2; exit 1; }
    rm -rf "fuzz/seeds/$t"
    mv "fuzz/seeds/$t.new" "fuzz/seeds/$t"
    echo "fuzz/seeds/$t: $(ls "fuzz/seeds/$t" | wc -l) inputs, $(du -sk "fuzz/seeds/$t" | cut -f1) kB"
  done
  exit 0
fi

build="${1:?usage: tools/run-fuzz.sh BUILD_DIR SECONDS [TARGET...]}"
seconds="${2:?usage: tools/run-fuzz.sh BUILD_DIR SECONDS [TARGET...]}"
shift 2
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

status=0
for t in "${targets[@]}"; do
  binary="$build/fuzz/fuzz_$t"
  [ -x "$binary" ] || { echo "msf: error: $binary not built (make fuzz-build)" >&2; exit 2; }
  work="$build/corpus/$t"
  artifacts="$build/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  dirs=("$work")
  for d in "fuzz/seeds/$t" "tests/corpus/$t"; do [ -d "$d" ] && dirs+=("$d"); done
  if [ "$t" = tflite_import ] && [ -d "$models_dir" ]; then
    shared="$build/shared-seeds"
    rm -rf "$shared"
    mkdir -p "$shared"
    while IFS= read -r -d '' m; do ln -s "$(realpath "$m")" "$shared/"; done \
      < <(find "$models_dir" -name '*.tflite' -print0)
    dirs+=("$shared")
  fi
  options=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 -malloc_limit_mb=2048
           -print_final_stats=1 -artifact_prefix="$artifacts/")
  [ -f "fuzz/$t.dict" ] && options+=(-dict="fuzz/$t.dict")
  log="$build/fuzz-$t.log"
  start=$(date +%s)
  if "$binary" "${options[@]}" "${dirs[@]}" > "$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz $t: ok, $runs inputs in $(( $(date +%s) - start )) s (log: $log)"
  else
    status=1
    echo "fuzz $t: FAILED after $(( $(date +%s) - start )) s; last lines of $log:" >&2
    grep -v '^#[0-9]' "$log" | tail -n 40 >&2
    echo "msf: error: fuzz target $t found a bug; the input is in $artifacts/." >&2
    echo "  Reproduce: $binary $artifacts/<file>; after the fix, add the file to tests/corpus/$t/." >&2
  fi
done
exit $status
