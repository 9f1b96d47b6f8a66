#!/usr/bin/env bash
# Builds Firmware/Examples/micro_speech, runs it in QEMU and checks its 12 int8 keyword scores for
# sample 0 of the DS-CNN fixture's input.npy against `swiftlet run` on the host and the fixture's
# tflm_output.npy (TFLM's own interpreter): all must be identical.
# Usage: Firmware/run-micro-speech.sh [--no-build] [--target cortex-m4|cortex-m7|cortex-m0plus]
set -euo pipefail
fw="$(cd "$(dirname "$0")" && pwd)"
. "$fw/Support/common.sh"
fixture="$repo/Tests/Fixtures/models/net_kws_dscnn_int8"
build_and_run micro_speech 300 "$@"

python3 -c 'import numpy as np, sys; np.save(sys.argv[2], np.load(sys.argv[1])[0:1])' "$fixture/input.npy" "$out/in.npy"
"$SWIFTLET" run "$fixture/model.tflite" --input "$out/in.npy" --output "$out/host.npy" >/dev/null

python3 - "$log" "$out/host.npy" "$fixture/tflm_output.npy" "$out/size.txt" <<'PY'
import re, sys, numpy as np
log = open(sys.argv[1]).read()
host = np.load(sys.argv[2]).reshape(-1).astype(int).tolist()
tflm = np.load(sys.argv[3])[0].reshape(-1).astype(int).tolist()
m = re.search(r"^out 0: (.*)$", log, re.M)
if not m:
    print(log); sys.exit("micro_speech: no output line")
mcu = [int(v) for v in m.group(1).split()]
ins = int(re.search(r"instructions/inference: (\d+)", log).group(1))
best = re.search(r"^best: .*$", log, re.M).group(0)
mem = re.search(r"^memory: .*$", log, re.M).group(0)
size = open(sys.argv[4]).read()
flash = int(re.search(r"(\d+) B without model and input", size).group(1))
ok = mcu == host == tflm
print(f"micro_speech: MCU {mcu}\n  host {host}, TFLM fixture {tflm}: {'identical' if ok else 'MISMATCH'}; {best}")
print(f"  instructions/inference: {ins:,}")
print(f"  flash without the model and features: {flash:,} B")
print("  " + mem)
sys.exit(0 if ok else 1)
PY
