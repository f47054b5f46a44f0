#!/usr/bin/env bash
# Generated code on every target: for each target, shared model and plan,
# `msf codegen` + `make` + `make run`, then one line per run:
#   target model plan ram_static ram_stack ram_total instructions
# Every run's output bytes are checked against the golden file (exit 1 if one
# differs). Plans: min-ram (msf plan --min-ram), 64k (--ram-budget 64k) and
# vanilla (--strategy layer: layer by layer, no fusion).
#
# usage: tools/mcu_report.sh [--build DIR] [--models DIR] [--targets "host cortex-m4 ..."]
#                            [--opt speed|size] [--markdown]
#   --markdown  print the BENCHMARKS.md section instead (per target: model x plan ->
#               planned arena, measured RAM, instructions, fused/vanilla instruction
#               ratio next to the plan's MAC overhead F)
# Needs the MCU tool chains (tools/install-mcu-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
models=../shared/models
targets="host cortex-m4 cortex-m7 rv32imac"
markdown=0
opt=speed
while [ $# -gt 0 ]; do
  case "$1" in
    --opt) opt="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    --markdown) markdown=1; shift ;;
    *) echo "msf: error: usage: tools/mcu_report.sh [--build DIR] [--models DIR] [--targets LIST] [--opt speed|size] [--markdown]" >&2
       exit 2 ;;
  esac
done
msf="$build/msf"
[ -x "$msf" ] || { echo "msf: error: $msf not found (run make build)" >&2; exit 2; }
[ -f "$models/README.md" ] || { echo "msf: error: shared models not found in $models" >&2; exit 2; }

# name | model file | input | golden output
runs=(
  "person_detect|person_detect/person_detect.tflite|inputs/person_detect/person_96x96x1_int8.bin|expected/person_detect__person.out.bin"
  "mcunet-vww1|mcunet_vww/mcunet-5fps_vww.tflite|inputs/vww/vww_person_80x80x3_int8.bin|expected/mcunet-5fps_vww__vww_person.out.bin"
)
plans="min-ram 64k vanilla"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
results="$tmp/results.txt"
: > "$results"

plan_args() {
  case "$1" in
    min-ram) echo "--min-ram" ;;
    64k) echo "--ram-budget 64k" ;;
    vanilla) echo "--strategy layer --min-ram" ;;
  esac
}

hex() { od -An -tx1 -v "$1" | tr -d ' \n'; }

[ $markdown -eq 1 ] || echo "# target model plan ram_static ram_stack ram_total instructions flash_text flash_rodata"
for entry in "${runs[@]}"; do
  IFS='|' read -r name model input expected <<< "$entry"
  for plan in $plans; do
    # shellcheck disable=SC2046
    "$msf" plan "$models/$model" $(plan_args "$plan") --json "$tmp/$name.$plan.json" > /dev/null
  done
done
for target in $targets; do
  for entry in "${runs[@]}"; do
    IFS='|' read -r name model input expected <<< "$entry"
    golden=$(hex "$models/$expected")
    for plan in $plans; do
      pkg="$tmp/pkg"
      rm -rf "$pkg"
      gen=$("$msf" codegen "$models/$model" --plan "$tmp/$name.$plan.json" --target "$target" --out "$pkg" \
            --embed-input "$models/$input" --opt "$opt")
      arena=$(sed -n 's/.*arena \([0-9]*\) bytes.*/\1/p' <<< "$gen")
      if ! make -s --no-print-directory -C "$pkg" -j2 > "$tmp/build.log" 2>&1; then
        # A plan whose arena does not fit the board's RAM (cortex-m0plus: 16 KiB) fails to link.
        if grep -q "region \`RAM' overflowed" "$tmp/build.log"; then
          line="$target $name $plan NA NA NA NA NA NA"
          echo "$line $arena $(sed -n 's/.*"mac_overhead": \([0-9.e+-]*\).*/\1/p' "$tmp/$name.$plan.json")" >> "$results"
          [ $markdown -eq 1 ] || echo "$line"
          continue
        fi
        cat "$tmp/build.log" >&2; exit 1
      fi
      out=$(make -s --no-print-directory -C "$pkg" run) || { echo "$out" >&2; exit 1; }
      got=$(sed -n 's/^output: //p' <<< "$out")
      if [ "$got" != "$golden" ]; then
        echo "msf: error: $target $name $plan: output $got differs from the golden $golden" >&2
        exit 1
      fi
      stats=$(grep '^ram_static=\|^flash_text=' <<< "$out" | tr '\n' ' ')
      get() { sed -n "s/.*$1=\([0-9A-Z]*\).*/\1/p" <<< "$stats"; }
      overhead=$(sed -n 's/.*"mac_overhead": \([0-9.e+-]*\).*/\1/p' "$tmp/$name.$plan.json")
      text=$(get flash_text); rodata=$(get flash_rodata)
      line="$target $name $plan $(get ram_static) $(get ram_stack) $(get ram_total) $(get instructions) ${text:-NA} ${rodata:-NA}"
      echo "$line $arena $overhead" >> "$results"  # fields: ... 10 arena, 11 F
      [ $markdown -eq 1 ] || echo "$line"
    done
  done
done
[ $markdown -eq 1 ] || exit 0

level=$([ "$opt" = size ] && echo -Os || echo -O2)
describe() {
  case "$1" in
    host) echo "host (x86-64 gcc $level, runs natively)" ;;
    cortex-m4) echo "cortex-m4 (arm-none-eabi-gcc $level, QEMU mps2-an386)" ;;
    cortex-m7) echo "cortex-m7 (arm-none-eabi-gcc $level, QEMU mps2-an500)" ;;
    cortex-m33) echo "cortex-m33 (arm-none-eabi-gcc $level, QEMU mps2-an505; SysTick 50 instructions per tick)" ;;
    cortex-m55) echo "cortex-m55 (arm-none-eabi-gcc $level, QEMU mps3-an547, no MVE; SysTick 31.25 instructions per tick)" ;;
    cortex-m0plus) echo "cortex-m0plus (arm-none-eabi-gcc $level, QEMU microbit: Cortex-M0, 16 KiB RAM; SysTick 62.5 instructions per tick)" ;;
    rv32imac) echo "rv32imac (riscv64-unknown-elf-gcc $level, QEMU virt; stands for ESP32-C3/C6)" ;;
    xtensa-lx106) echo "xtensa-lx106 (xtensa-lx106-elf-gcc $level, QEMU sim, the ESP8266 core; CCOUNT 25 instructions per tick)" ;;
  esac
}

sed "s/@OPT@/$opt/g" <<'EOF'
## Generated code on MCU targets (`msf codegen --opt @OPT@`)

`msf codegen` packages on each target, produced by `tools/mcu_report.sh --markdown --opt @OPT@`:
for each shared model (person input) and plan, generate the package, `make`, `make run`.
Every run prints the golden output bytes. Plans: `min-ram` (`msf plan --min-ram`), `64k`
(`--ram-budget 64k`) and `vanilla` (`--strategy layer`, layer by layer). `arena` is the planned
arena; `static` is .data + .bss of the image (arena, output tensor, harness); `stack` is the
painted-stack high-water mark; `total` = static + stack. Weights, plan tables and the input are
in flash. Instructions are those of one `msf_model_invoke()`, counted under QEMU
`-icount shift=0`: exact `minstret` on rv32imac, SysTick at 40 instructions per tick (so
rounded to 40) on cortex-m4/m7. QEMU models no pipeline or memory timing: these are instruction
counts, not cycles. `ratio` = instructions / the vanilla plan's instructions, next to the plan's
MAC overhead `F` = MACs / vanilla MACs. A ratio above F comes mostly from where the
recomputation falls: fused blocks sit at the start of the network, whose layers (3x3 stems,
depthwise, 1x1 with 8-16 input channels) cost more instructions per MAC than the later ones,
and partly from the patch loop (kernels called on many small rectangles). `flash` is
`.text` + `.rodata` of the whole image (runtime, harness, weights, plan tables and the
embedded input). The host cannot count instructions (NA), and its static RAM also holds a copy
of the input tensor. cortex-m4 and cortex-m7 run the same ARMv7E-M Thumb-2 code (with the DSP
paths), so their instruction counts agree; their cycle counts would not. cortex-m33 and
cortex-m55 run the same DSP paths built for ARMv8-M Mainline / ARMv8.1-M, cortex-m0plus the
portable C paths (ARMv6-M: no DSP, no divide instruction); their SysTick resolutions differ
(50, 31.25 and 62.5 instructions per tick). cortex-m0plus runs on QEMU's micro:bit, whose 16 KiB
of RAM (with a 4 KiB stack reserved) holds only the min-RAM plans. xtensa-lx106 (the ESP8266's
core: Call0 ABI, no divider, a multiplier without a high word) runs the portable C paths; its
64-bit products and divisions call the harness's own routines (on the chip, the mask ROM's), and
its instructions come from the core's cycle counter CCOUNT, which QEMU's lx106 clocks at 40 MHz:
25 instructions per tick under `-icount shift=0`.
EOF
for target in $targets; do
  echo
  echo "### $(describe "$target")"
  echo
  echo "| model | plan | arena | static | stack | total | flash | instructions | ratio | F |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -v t="$target" '
    $1 == t && $3 == "vanilla" { vanilla[$2] = $7 }
    $1 == t { rows[++n] = $0 }
    END {
      for (i = 1; i <= n; ++i) {
        split(rows[i], f, " ")
        if (f[4] == "NA") {
          printf "| %s | %s | %d | does not fit the board'"'"'s RAM | | | | | | %.4f |\n", f[2], f[3], f[10], f[11]
          continue
        }
        ratio = (f[7] == "NA" || vanilla[f[2]] == "NA") ? "NA" : sprintf("%.3f", f[7] / vanilla[f[2]])
        flash = (f[8] == "NA") ? "NA" : f[8] + f[9]
        printf "| %s | %s | %d | %d | %d | %d | %s | %s | %s | %.4f |\n", f[2], f[3], f[10], f[4], f[5], f[6], flash, f[7], ratio, f[11]
      }
    }' "$results"
done
