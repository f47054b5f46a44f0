#!/usr/bin/env bash
# `make demo`: the main job on the default model. Inspect it, show the whole
# RAM x MAC trade-off, plan for the least RAM, then run that plan in one
# static arena: bit-exact output and measured RAM == planned RAM.
# Uses the real MCUNet-VWW model from ../shared/models when present, else
# the built-in zoo model of the same network (random weights).
set -euo pipefail
BUILD=${1:-build}
MSF="$BUILD/msf"
MODELS=${MSF_MODELS_DIR:-"$(cd "$(dirname "$0")/.." && pwd)/../shared/models"}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [ -f "$MODELS/mcunet_vww/mcunet-5fps_vww.tflite" ]; then
  MODEL="$MODELS/mcunet_vww/mcunet-5fps_vww.tflite"
  INPUTS=("$MODELS/inputs/vww/vww_person_80x80x3_int8.bin" "$MODELS/inputs/vww/vww_no_person_80x80x3_int8.bin")
else
  MODEL="zoo:mcunet-vww-5fps-r80"
  echo "(shared models not found at $MODELS: using the built-in $MODEL with random weights)"
  head -c 19200 /dev/zero > "$TMP/zeros.bin"
  INPUTS=("$TMP/zeros.bin")
fi

echo "== msf info $(basename "$MODEL")"
"$MSF" info "$MODEL" | grep -v '^ *[0-9]'
echo
echo "== msf pareto: every non-dominated (peak RAM, MACs) setting, and the baselines"
"$MSF" pareto "$MODEL" --svg "$TMP/front.svg"
echo
echo "== msf plan --min-ram"
"$MSF" plan "$MODEL" --min-ram --json "$TMP/plan.json"
for IN in "${INPUTS[@]}"; do
  echo
  echo "== msf run --plan --check on $(basename "$IN")"
  "$MSF" run "$MODEL" --input "$IN" --output "$TMP/out.bin" --plan "$TMP/plan.json" --check
  scores=($(od -An -v -td1 "$TMP/out.bin"))
  if [ "${#scores[@]}" -eq 2 ]; then
    verdict="no person"; [ "${scores[1]}" -gt "${scores[0]}" ] && verdict="person"
    echo "class scores: no_person=${scores[0]} person=${scores[1]} -> $verdict"
  fi
  name=$(basename "$IN" | sed -E 's/_80x80x3_int8.bin//')
  golden="$MODELS/expected/mcunet-5fps_vww__${name}.out.bin"
  if [ -f "$golden" ]; then
    if cmp -s "$TMP/out.bin" "$golden"; then
      echo "matches the TFLite-Micro golden output byte for byte"
    else
      echo "DIFFERS from the TFLite-Micro golden output" >&2
      exit 1
    fi
  fi
done

echo
echo "== the whole device: the input streamed from the sensor (msf plan --input-mode stream --count-io)"
"$MSF" plan "$MODEL" --max-overhead 1.3 --input-mode stream --count-io --json "$TMP/stream.json" | tail -3
echo
echo "== msf run --plan (the stream plan, rows served by a simulated sensor) on $(basename "${INPUTS[0]}")"
"$MSF" run "$MODEL" --input "${INPUTS[0]}" --output "$TMP/stream.out.bin" --plan "$TMP/stream.json" --check

