#!/usr/bin/env bash
# Whole-device RAM with a resident or a streamed input (issue 14): for
# person_detect and MCUNet-VWW-5fps on each target, `msf plan` + `msf codegen`
# + `make run` in QEMU, one markdown row per plan: the planned arena, the
# image's .data + .bss (ram_static), the painted stack, their sum (the
# device's RAM), the input pixels the plan asked the sensor for, the
# instructions and the plan's MAC overhead F. Every output is checked against
# the golden bytes (exit 1 if one differs).
#   resident: the input tensor is copied to a RAM buffer first (make run
#             INPUT_IN_RAM=1), as firmware holding a camera frame would;
#   stream:   msf_model_invoke_stream, rows from the harness's simulated
#             sensor (the embedded input in flash), each row once, in order;
#   reread:   the same, rows may be asked for again (a frame buffer outside RAM).
#
# usage: tools/device_ram_report.sh [--build DIR] [--models DIR] [--targets "cortex-m4 rv32imac"]
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
models=../shared/models
targets="cortex-m4 rv32imac"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    *) echo "msf: error: usage: tools/device_ram_report.sh [--build DIR] [--models DIR] [--targets LIST]" >&2; exit 2 ;;
  esac
done
msf="$build/msf"
[ -x "$msf" ] || { echo "msf: error: $msf not found (run make build)" >&2; exit 2; }
[ -f "$models/README.md" ] || { echo "msf: error: shared models not found in $models" >&2; exit 2; }

runs=(
  "person_detect|person_detect/person_detect.tflite|inputs/person_detect/person_96x96x1_int8.bin|expected/person_detect__person.out.bin"
  "mcunet-vww1|mcunet_vww/mcunet-5fps_vww.tflite|inputs/vww/vww_person_80x80x3_int8.bin|expected/mcunet-5fps_vww__vww_person.out.bin"
)
# label | msf plan arguments
plans=(
  "resident, min RAM|--min-ram"
  "stream, min RAM|--min-ram --input-mode stream"
  "stream, F <= 1.3|--max-overhead 1.3 --input-mode stream"
  "reread, min RAM|--min-ram --input-mode reread"
)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hex() { od -An -tx1 -v "$1" | tr -d ' \n'; }

for target in $targets; do
  echo
  echo "### $target"
  echo
  echo "| model | input, plan | arena | static | stack | device RAM | input pixels read (re-read) | instructions | F |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  for entry in "${runs[@]}"; do
    IFS='|' read -r name model input expected <<< "$entry"
    golden=$(hex "$models/$expected")
    for p in "${plans[@]}"; do
      IFS='|' read -r label args <<< "$p"
      # shellcheck disable=SC2086
      "$msf" plan "$models/$model" $args --json "$tmp/plan.json" > "$tmp/plan.txt"
      rm -rf "$tmp/pkg"
      "$msf" codegen "$models/$model" --plan "$tmp/plan.json" --target "$target" --out "$tmp/pkg" \
        --embed-input "$models/$input" > /dev/null
      extra=$([ "${label%%,*}" = resident ] && echo "INPUT_IN_RAM=1" || true)
      # shellcheck disable=SC2086
      make -s --no-print-directory -C "$tmp/pkg" -j2 $extra > "$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
      # shellcheck disable=SC2086
      out=$(make -s --no-print-directory -C "$tmp/pkg" run $extra) || { echo "$out" >&2; exit 1; }
      [ "$(sed -n 's/^output: //p' <<< "$out")" = "$golden" ] || { echo "msf: error: $target $name $label: output differs from the golden bytes" >&2; exit 1; }
      get() { tr ' ' '\n' <<< "$out" | sed -n "s/^$1=//p" | head -1; }
      arena=$(sed -n 's/^arena: \([0-9,]*\) bytes.*/\1/p' "$tmp/plan.txt" | tr -d ,)
      overhead=$(sed -n 's/.*"mac_overhead": \([0-9.e+-]*\).*/\1/p' "$tmp/plan.json")
      reads=$(sed -n 's/^input: [a-z]*, \([0-9,]*\) pixels read for [0-9,]* (\([0-9,]*\) re-read.*/\1 (\2)/p' "$tmp/plan.txt")
      [ -n "$reads" ] || reads="(resident)"
      printf '| %s | %s | %s | %s | %s | **%s** | %s | %s | %.2f |\n' "$name" "$label" "$arena" "$(get ram_static)" \
        "$(get ram_stack)" "$(get ram_total)" "$reads" "$(get instructions)" "$overhead"
    done
  done
done
