#!/usr/bin/env bash
# `make demo`: inspect and run the default model. Uses the real MCUNet-VWW
# model from ../shared/models when present, else the built-in zoo model.
set -euo pipefail
BUILD=${1:-build}
MSF="$BUILD/msf"
MODELS=${MSF_MODELS_DIR:-"$(cd "$(dirname "$0")/.." && pwd)/../shared/models"}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [ -f "$MODELS/mcunet_vww/mcunet-5fps_vww.tflite" ]; then
  MODEL="$MODELS/mcunet_vww/mcunet-5fps_vww.tflite"
  echo "== msf info $(basename "$MODEL")"
  "$MSF" info "$MODEL"
  for img in person no_person; do
    IN="$MODELS/inputs/vww/vww_${img}_80x80x3_int8.bin"
    echo
    echo "== msf run on $(basename "$IN")"
    "$MSF" run "$MODEL" --input "$IN" --output "$TMP/out.bin"
    scores=($(od -An -v -td1 "$TMP/out.bin"))
    verdict="no person"; [ "${scores[1]}" -gt "${scores[0]}" ] && verdict="person"
    echo "class scores: no_person=${scores[0]} person=${scores[1]} -> $verdict"
    if cmp -s "$TMP/out.bin" "$MODELS/expected/mcunet-5fps_vww__vww_${img}.out.bin"; then
      echo "matches the TFLite-Micro golden output byte for byte"
    else
      echo "DIFFERS from the TFLite-Micro golden output" >&2
      exit 1
    fi
  done
else
  MODEL="zoo:mcunet-vww-5fps-r80"
  echo "(shared models not found at $MODELS: using the built-in $MODEL with random weights)"
  echo "== msf info $MODEL"
  "$MSF" info "$MODEL"
  head -c 19200 /dev/zero > "$TMP/in.bin"
  echo
  echo "== msf run $MODEL on an all-zero input"
  "$MSF" run "$MODEL" --input "$TMP/in.bin" --output "$TMP/out.bin"
fi
