#!/usr/bin/env bash
# Checks Firmware/run.sh on fixtures of every kind against `swiftlet run` on the host, byte for
# byte: float, int8, int16x8, two inputs (.npz in), two outputs (.npz out), several samples
# each, on cortex-m4, one on cortex-m7 and three on cortex-m0plus (ARMv6-M, all soft float). A .npy output must be the same file (cmp); an .npz
# must hold the same members, in the same order, each the same .npy bytes (the zip container
# itself is numpy's, which differs from the host's writer in its headers).
# Usage: bash Firmware/Tests/run_sh_test.sh
set -euo pipefail
fw="$(cd "$(dirname "$0")/.." && pwd)"
. "$fw/Support/common.sh"
ensure_qemu
ensure_swiftlet
fixtures="$repo/Tests/Fixtures/models"
work="$fw/.build/run_sh_test"
rm -rf "$work"; mkdir -p "$work"
passed=0 failed=0

check() {   # check FIXTURE TARGET INPUT OUTPUT-EXTENSION
    local fixture="$1" target="$2" input="$3" ext="$4"
    local model="$fixtures/$fixture/model.tflite" dir="$work/$fixture-$target"
    mkdir -p "$dir"
    "$SWIFTLET" run "$model" --input "$input" --output "$dir/host.$ext" >/dev/null
    if ! "$fw/run.sh" --model "$model" --input "$input" --output "$dir/mcu.$ext" --target "$target" \
            --out "$dir/build" > "$dir/run.log" 2>&1; then
        cat "$dir/run.log"; echo "FAIL $fixture ($target): run.sh failed"; failed=$((failed + 1)); return
    fi
    local same=1
    if [ "$ext" = npy ]; then
        cmp -s "$dir/host.npy" "$dir/mcu.npy" || same=0
    else
        python3 - "$dir/host.npz" "$dir/mcu.npz" <<'PY' || same=0
import sys, zipfile
a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
assert a.namelist() == b.namelist(), (a.namelist(), b.namelist())
for name in a.namelist():
    assert a.read(name) == b.read(name), name
PY
    fi
    local ins
    ins="$(sed -n 's/^instructions\/inference: mean \([0-9]*\).*/\1/p' "$dir/run.log")"
    if [ "$same" = 1 ]; then
        echo "ok   $fixture ($target): $(sed -n 's/^wrote [^:]*: //p' "$dir/run.log") identical to the host; $ins instructions/inference"
        passed=$((passed + 1))
    else
        echo "FAIL $fixture ($target): outputs differ from the host"; failed=$((failed + 1))
    fi
}

python3 -c 'import numpy as np, sys; np.savez(sys.argv[3], input_0=np.load(sys.argv[1]), input_1=np.load(sys.argv[2]))' \
    "$fixtures/add_int8/input_0.npy" "$fixtures/add_int8/input_1.npy" "$work/add_int8_inputs.npz"

check fc_int8 cortex-m4 "$fixtures/fc_int8/input.npy" npy
check conv2d_same_float cortex-m4 "$fixtures/conv2d_same_float/input.npy" npy
check conv2d_same_int16x8 cortex-m4 "$fixtures/conv2d_same_int16x8/input.npy" npy
check add_int8 cortex-m4 "$work/add_int8_inputs.npz" npy
check two_outputs_float cortex-m4 "$fixtures/two_outputs_float/input.npy" npz
check quantize_dequantize_fc_int8_floatio cortex-m4 "$fixtures/quantize_dequantize_fc_int8_floatio/input.npy" npy
check net_kws_dscnn_int8 cortex-m7 "$fixtures/net_kws_dscnn_int8/input.npy" npy
check sine_int8 cortex-m0plus "$fixtures/sine_int8/input.npy" npy
check conv2d_same_float cortex-m0plus "$fixtures/conv2d_same_float/input.npy" npy
check softmax_int16x8 cortex-m0plus "$fixtures/softmax_int16x8/input.npy" npy

# Bad input: a wrong shape is refused with the input named, before anything is built.
status=0
"$fw/run.sh" --model "$fixtures/fc_int8/model.tflite" --input "$fixtures/conv2d_same_float/input.npy" \
    --output "$work/never.npy" > "$work/bad.log" 2>&1 || status=$?
if [ "$status" != 0 ] && grep -q "does not fit input 0" "$work/bad.log" && [ ! -e "$work/never.npy" ]; then
    echo "ok   a wrong input shape is refused: $(grep 'does not fit' "$work/bad.log")"; passed=$((passed + 1))
else
    cat "$work/bad.log"; echo "FAIL a wrong input shape was not refused clearly"; failed=$((failed + 1))
fi

echo "run.sh: $passed passed, $failed failed"
[ "$failed" = 0 ]
