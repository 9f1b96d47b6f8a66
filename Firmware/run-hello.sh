#!/usr/bin/env bash
# Builds Firmware/Examples/hello_world, runs it in QEMU (mps2-an386, Cortex-M4F) and checks its
# 256 outputs (x = -128...127) against `swiftlet run` on the host: they must be identical.
# Prints flash size and instructions per inference next to TFLM's figures for the same model.
# Usage: Firmware/run-hello.sh [--no-build] [--target cortex-m4|cortex-m7|cortex-m0plus]
set -euo pipefail
fw="$(cd "$(dirname "$0")" && pwd)"
. "$fw/Support/common.sh"
build_and_run hello_world 120 "$@"

model="$repo/Tests/Fixtures/models/sine_int8/model.tflite"
python3 -c 'import numpy as np, sys; np.save(sys.argv[1], np.arange(-128, 128, dtype=np.int8).reshape(256, 1, 1))' "$out/in.npy"
"$SWIFTLET" run "$model" --input "$out/in.npy" --output "$out/host.npy" >/dev/null

python3 - "$log" "$out/host.npy" "$out/size.txt" <<'PY'
import re, sys, numpy as np
log = open(sys.argv[1]).read()
host = np.load(sys.argv[2]).reshape(-1).astype(int)
pairs = [(int(x), int(y)) for x, y in re.findall(r"^x=(-?\d+) y=(-?\d+)$", log, re.M)]
xs = [x for x, _ in pairs]
if xs != list(range(-128, 128)):
    print(log); sys.exit(f"hello_world: expected 256 lines x=-128..127, got {len(xs)}")
mcu = np.array([y for _, y in pairs])
bad = np.nonzero(mcu != host)[0]
for i in bad[:10]:
    print(f"  mismatch x={i - 128}: MCU {mcu[i]}, host {host[i]}")
m = re.search(r"instructions/inference: mean (\d+) min (\d+) max (\d+)", log)
mem = re.search(r"^memory: .*$", log, re.M)
size = open(sys.argv[3]).read()
flash = int(re.search(r"(\d+) B without the model", size).group(1))
print(f"hello_world: {256 - len(bad)}/256 outputs identical to the host (swiftlet run)")
print(f"  instructions/inference: {int(m.group(1)):,} mean (min {int(m.group(2)):,}, max {int(m.group(3)):,});"
      f" TFLM reference kernels 7,650, CMSIS-NN 3,844")
print(f"  flash without the model: {flash:,} B; TFLM 20,348 B (reference kernels)")
print("  " + mem.group(0))
sys.exit(1 if len(bad) else 0)
PY
