#!/usr/bin/env bash
# Builds a Swiftlet firmware image for a Cortex-M with nothing but the Swift toolchain:
#   swiftc (Embedded Swift, one -wmo invocation for SwiftletFormat + SwiftletMicro + the example),
#   the toolchain's clang for the C startup/runtime and the embedded model, ld.lld --gc-sections.
#
# Usage: Firmware/build.sh EXAMPLE [--target cortex-m4|cortex-m7|cortex-m3|cortex-m0plus|riscv32] [--out DIR]
#   (riscv32: rv32imac, compiled and linked only)
#   EXAMPLE  a folder of Firmware/Examples/ (or a path to any folder) with main.swift and example.conf:
#            MODEL=path/to/model.tflite (repo-relative or absolute)  MODEL_NAME=C name of the array
#            optional: INPUT_NPY=path.npy INPUT_SAMPLE=0 INPUT_NAME=g_input (one sample embedded
#            as a C byte array), EXTRA_C_DIR=folder (its *.c are compiled, its headers and
#            module.modulemap visible to Swift), HEAP_BYTES, ARENA_BYTES (default: the exact
#            32-bit arena from `swiftlet resolver`), STACK_BYTES
#   The resolver is generated from the model at build time: `swiftlet resolver MODEL --name
#   MODEL_NAME` writes MODEL_NAME_resolver (an OpResolver with exactly the model's kernels) and
#   MODEL_NAME_arenaBytes, which main.swift uses.
# Writes DIR/EXAMPLE.elf (default DIR = Firmware/.build/EXAMPLE-TARGET), DIR/EXAMPLE.map,
# DIR/size.txt and DIR/size.json, and prints the size report.
# --cached-runtime (what run.sh uses): compile the runtime + Support/Board.swift once per Swift target triple
#   and source state as module SwiftletMicro (kept in Firmware/.build/runtime-TRIPLE-HASH) and the
#   example as a second module over it: a new model then builds in seconds instead of a minute,
#   for a few KB more code than the one-module build the examples use.
# Environment: SWIFTLET (the host swiftlet binary; default: built with `swift build`),
#   SWIFTLET_SOURCES (the Sources folder to compile; default: the repository's).
set -euo pipefail
fw="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$fw/.." && pwd)"

example="" target="cortex-m4" out="" cached_runtime=0
while [ $# -gt 0 ]; do
    case "$1" in
        --target) target="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --cached-runtime) cached_runtime=1; shift ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        -*) echo "build.sh: unknown option $1" >&2; exit 2 ;;
        *) example="$1"; shift ;;
    esac
done
[ -n "$example" ] || { echo "usage: build.sh EXAMPLE [--target cortex-m4] [--out DIR]" >&2; exit 2; }
case "$example" in
    */*) exdir="$(cd "$example" && pwd)"; example="$(basename "$exdir")" ;;
    *) exdir="$fw/Examples/$example" ;;
esac
[ -f "$exdir/main.swift" ] && [ -f "$exdir/example.conf" ] || { echo "build.sh: no example $exdir (main.swift + example.conf)" >&2; exit 2; }

case "$target" in
    cortex-m4)
        triple=armv7em-none-none-eabi
        cflags_target=(--target=armv7em-none-eabi -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=softfp)
        ldscript="$fw/Support/mps2-an386.ld" ;;
    cortex-m7)
        # The same ARMv7E-M code as the M4 (single-precision FPU calls), on QEMU's mps2-an500,
        # whose memory map and timer0 are AN386's.
        triple=armv7em-none-none-eabi
        cflags_target=(--target=armv7em-none-eabi -mcpu=cortex-m7 -mthumb -mfpu=fpv5-sp-d16 -mfloat-abi=softfp)
        ldscript="$fw/Support/mps2-an386.ld" ;;
    cortex-m0plus|cortex-m3)
        # ARMv6-M code (the toolchain ships an Embedded stdlib for armv6m, not armv7m), no FPU:
        # float and double through Support/softfp.c. QEMU runs it on mps2-an385 (a Cortex-M3,
        # which executes the ARMv6-M instruction set).
        triple=armv6m-none-none-eabi
        cflags_target=(--target=armv6m-none-eabi -mcpu=cortex-m0plus -mthumb -mfloat-abi=soft)
        ldscript="$fw/Support/mps2-an386.ld" ;;
    riscv32)
        # RISC-V rv32imac (the toolchain's riscv32 Embedded stdlib), no FPU: compiled and linked
        # (startup_riscv.c, softfp_riscv.c), never run here: no script has a RISC-V machine.
        triple=riscv32-none-none-eabi
        cflags_target=(--target=riscv32-none-elf -march=rv32imac -mabi=ilp32)
        ldscript="$fw/Support/mps2-an386.ld" ;;
    *) echo "build.sh: target $target is not supported (cortex-m4, cortex-m7, cortex-m0plus, cortex-m3, riscv32)" >&2; exit 2 ;;
esac

toolbin="$(dirname "$(command -v swiftc)")"
[ -x "$toolbin/clang" ] || toolbin=/opt/swift/usr/bin
clang="$toolbin/clang"; lld="$toolbin/ld.lld"; objdump="$toolbin/llvm-objdump"
swift_lib="$(cd "$toolbin/../lib/swift/embedded/$triple" && pwd)"
sources="${SWIFTLET_SOURCES:-$repo/Sources}"
out="${out:-$fw/.build/$example-$target}"
mkdir -p "$out"; out="$(cd "$out" && pwd)"
gen="$out/gen"; obj="$out/obj"
rm -rf "$gen" "$obj"; mkdir -p "$gen/model" "$gen/stub" "$obj"

MODEL="" MODEL_NAME="" INPUT_NPY="" EXTRA_C_DIR="" EXTRA_DATA_BYTES=0 INPUT_SAMPLE=0 INPUT_NAME=g_input HEAP_BYTES=32768 ARENA_BYTES="" STACK_BYTES=32768
# shellcheck disable=SC1090
. "$exdir/example.conf"
case "$MODEL" in /*) model="$MODEL" ;; *) model="$repo/$MODEL" ;; esac
case "$INPUT_NPY" in /*|"") input_npy="$INPUT_NPY" ;; *) input_npy="$repo/$INPUT_NPY" ;; esac
[ -f "$model" ] || { echo "build.sh: model $model not found" >&2; exit 2; }

if [ -z "${SWIFTLET:-}" ]; then
    (cd "$repo" && swift build --product swiftlet >"$out/swift-build.log" 2>&1) || { cat "$out/swift-build.log" >&2; exit 1; }
    SWIFTLET="$(cd "$repo" && swift build --show-bin-path)/swiftlet"
fi

# 1. The model as a 16-byte aligned C array plus its Swift accessor; its resolver and arena size.
"$SWIFTLET" export-c "$model" --name "$MODEL_NAME" --swift -o "$gen/model" >/dev/null
resolver="$gen/model/${MODEL_NAME}_resolver.swift"
"$SWIFTLET" resolver "$model" --name "$MODEL_NAME" -o "$resolver" | sed "s|^.*: |resolver: |"
if [ -z "$ARENA_BYTES" ]; then
    ARENA_BYTES="$(sed -n "s/^public let ${MODEL_NAME}_arenaBytes = \([0-9]*\)$/\1/p" "$resolver")"
    [ -n "$ARENA_BYTES" ] || { echo "build.sh: no arena size in $resolver" >&2; exit 1; }
fi
cat > "$gen/arena.c" <<C
/* Generated by Firmware/build.sh: the static tensor arena (arena.target32Bytes of swiftlet inspect). */
#include "mcu.h"
static _Alignas(16) unsigned char arena[$ARENA_BYTES];
unsigned char *mcu_arena(void) { return arena; }
uint32_t mcu_arena_bytes(void) { return $ARENA_BYTES; }
const char *mcu_target_name(void) { return "$target"; }
C
input_inc=()
if [ -n "$INPUT_NPY" ]; then
    mkdir -p "$gen/input"
    python3 - "$input_npy" "$INPUT_SAMPLE" "$INPUT_NAME" "$gen/input" <<'PY'
import sys, numpy as np
path, sample, name, outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
a = np.load(path)[sample]
data = a.astype(a.dtype.newbyteorder("<")).tobytes()
lines = ",\n".join("  " + ", ".join(str(b) for b in data[i:i + 16]) for i in range(0, len(data), 16))
what = f"sample {sample} of {path.split('/')[-1]}, {a.dtype} {list(a.shape)}"
open(f"{outdir}/{name}.c", "w").write(
    f"/* Generated by Firmware/build.sh: {what}. */\n#include \"{name}.h\"\n"
    f"_Alignas(16) const unsigned char {name}[{len(data)}] = {{\n{lines}\n}};\n"
    f"const unsigned int {name}_len = {len(data)};\n")
open(f"{outdir}/{name}.h", "w").write(
    f"/* Generated by Firmware/build.sh: {what}. */\n#pragma once\n"
    f"extern const unsigned char {name}[];\nextern const unsigned int {name}_len;\n"
    f"#ifdef __swift__\nstatic inline const unsigned char *{name}_data(void) {{ return {name}; }}\n#endif\n")
open(f"{outdir}/module.modulemap", "w").write(f"module {name}_c {{\n    header \"{name}.h\"\n    export *\n}}\n")
PY
    input_inc=(-I "$gen/input")
fi
extra_c=()
if [ -n "$EXTRA_C_DIR" ]; then
    case "$EXTRA_C_DIR" in /*) ;; *) EXTRA_C_DIR="$exdir/$EXTRA_C_DIR" ;; esac
    input_inc+=(-I "$EXTRA_C_DIR")
    mapfile -t extra_c < <(find "$EXTRA_C_DIR" -maxdepth 1 -name '*.c' | sort)
fi

# 2. Swift: runtime + board + example in ONE module (SwiftletMicro), whole-module, Embedded.
#    The runtime's `import SwiftletFormat` resolves to an empty stub module; the example's
#    `import SwiftletMicro` / `import SwiftletFormat` are then no-ops.
echo "" > "$gen/stub/empty.swift"
swiftc -target "$triple" -enable-experimental-feature Embedded -wmo -parse-as-library \
    -module-name SwiftletFormat -emit-module -emit-module-path "$gen/stub/SwiftletFormat.swiftmodule" "$gen/stub/empty.swift"
mapfile -t runtime_swift < <(find "$sources/SwiftletFormat" "$sources/SwiftletMicro" -name '*.swift' | sort)
started=$SECONDS
swift_flags=(-target "$triple" -enable-experimental-feature Embedded -wmo -Osize -D SWIFTLET_COMPACT_NAMES
             -Xfrontend -function-sections -Xfrontend -disable-stack-protector
             -I "$gen/stub" -I "$fw/Support/include" -I "$gen/model" "${input_inc[@]}")
quiet() { grep -v -e "ignoring import" -e '^[0-9 ]*|' -e '^$' -e '`-' >&2; }
# swift_object OUT.o SWIFTC-ARGS...: swiftc emits the optimised LLVM IR and the toolchain's clang
# turns it into code with -Oz, one section per function AND per global (swiftc alone has no
# data sections, so --gc-sections could not drop the constant tables of unused kernels) and
# LLVM's machine outliner; lld then folds identical functions (--icf=all).
cflags_swift=("${cflags_target[@]}" -Oz -ffunction-sections -fdata-sections -Wno-override-module)
swift_object() {
    local object="$1"; shift
    swiftc "${swift_flags[@]}" "$@" -emit-ir -o "${object%.o}.ll" 2> >(quiet)
    "$clang" "${cflags_swift[@]}" -c "${object%.o}.ll" -o "$object"
    rm -f "${object%.o}.ll"
}
if [ "$cached_runtime" = 1 ]; then
    key="$(cat "${runtime_swift[@]}" "$fw/Support/Board.swift" "$fw/Support/include/mcu.h" "$0" | sha1sum | cut -c1-12)"
    runtime="$fw/.build/runtime-$triple-$key"
    if [ ! -f "$runtime/runtime.o" ]; then
        rm -rf "$runtime.tmp"; mkdir -p "$runtime.tmp"
        swift_object "$runtime.tmp/runtime.o" -module-name SwiftletMicro -parse-as-library \
            -emit-module -emit-module-path "$runtime.tmp/SwiftletMicro.swiftmodule" \
            "${runtime_swift[@]}" "$fw/Support/Board.swift"
        rm -rf "$runtime"; mv "$runtime.tmp" "$runtime"
    fi
    cp "$runtime/runtime.o" "$obj/runtime-swift.o"
    swift_object "$obj/swift.o" -module-name App -I "$runtime" \
        "$gen/model/$MODEL_NAME.swift" "$resolver" "$exdir/main.swift"
else
    swift_object "$obj/swift.o" -module-name SwiftletMicro \
        "${runtime_swift[@]}" "$fw/Support/Board.swift" "$gen/model/$MODEL_NAME.swift" "$resolver" "$exdir/main.swift"
fi
swift_seconds=$((SECONDS - started))

# 3. C: startup, runtime, soft-float support, arena, model (and input).
cflags=("${cflags_target[@]}" -Os -ffreestanding -fno-builtin -ffunction-sections -fdata-sections -fno-common
        -Wall -Wno-unused-function -I "$fw/Support/include" -DMCU_HEAP_BYTES="$HEAP_BYTES")
startup="$fw/Support/startup.c"
[ "$target" != riscv32 ] || startup="$fw/Support/startup_riscv.c"
"$clang" "${cflags[@]}" -c "$startup" -o "$obj/startup.o"
"$clang" "${cflags[@]}" -c "$fw/Support/runtime.c" -o "$obj/runtime.o"
"$clang" "${cflags[@]}" -O2 -c "$fw/Support/softfp.c" -o "$obj/softfp.o"
"$clang" "${cflags[@]}" -O2 -c "$fw/Support/softfp_v6m.c" -o "$obj/softfp_v6m.o"   # empty but on ARMv6-M
"$clang" "${cflags[@]}" -O2 -c "$fw/Support/softfp_riscv.c" -o "$obj/softfp_riscv.o"   # empty but on RISC-V
"$clang" "${cflags[@]}" -c "$gen/arena.c" -o "$obj/arena.o"
"$clang" "${cflags[@]}" -c "$gen/model/$MODEL_NAME.c" -o "$obj/model.o"
[ -z "$INPUT_NPY" ] || "$clang" "${cflags[@]}" -c "$gen/input/$INPUT_NAME.c" -o "$obj/input.o"
for source in "${extra_c[@]}"; do
    "$clang" "${cflags[@]}" -I "$EXTRA_C_DIR" -c "$source" -o "$obj/extra-$(basename "$source" .c).o"
done

# 4. Link.
elf="$out/$example.elf"
"$lld" -T "$ldscript" --gc-sections --icf=all --defsym=STACK_BYTES="$STACK_BYTES" -Map "$out/$example.map" \
    -o "$elf" "$obj"/*.o "$swift_lib/libswiftUnicodeDataTables.a"

# 5. Size report: sections, and flash without the model (and input) bytes.
model_bytes=$(stat -c %s "$model")
input_bytes=0
[ -z "$INPUT_NPY" ] || input_bytes=$(python3 -c "import numpy as np,sys; print(np.load(sys.argv[1])[0].nbytes)" "$input_npy")
input_bytes=$((input_bytes + EXTRA_DATA_BYTES))
"$objdump" -h "$elf" | python3 -c '
import sys
ex, tgt, model, inp, arena, heap, stack = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:8])
size = {}
for line in sys.stdin:
    f = line.split()
    if len(f) >= 3 and f[0].isdigit() and f[1].startswith("."):
        size[f[1]] = int(f[2], 16)
g = lambda n: size.get(n, 0)
vec = g(".vectors")
text = vec + g(".text")
ro = g(".rodata") + g(".ARM.exidx") + g(".rodata.other")
data, bss = g(".data"), g(".bss")
flash = text + ro + data
print(f"size {ex} ({tgt}): .text {text} (incl. vectors {vec}), .rodata {ro} (model {model}, input {inp}), .data {data}, .bss {bss} (arena {arena}, heap pool {heap}), stack {stack}")
rest = f", {flash - model - inp} B without model and input" if inp else ""
print(f"size {ex} ({tgt}): flash {flash} B total, {flash - model} B without the model{rest}; RAM {data + bss + stack} B (.data + .bss + stack)")
import json
json.dump({"example": ex, "target": tgt, "text": text, "rodata": ro, "data": data, "bss": bss, "arena": arena,
           "heapPool": heap, "stack": stack, "model": model, "input": inp, "flash": flash,
           "flashWithoutModel": flash - model, "flashWithoutModelAndInput": flash - model - inp,
           "ram": data + bss + stack}, open(sys.argv[8], "w"), indent=1)
' "$example" "$target" "$model_bytes" "$input_bytes" "$ARENA_BYTES" "$HEAP_BYTES" "$STACK_BYTES" "$out/size.json" | tee "$out/size.txt"
echo "built $elf (swiftc ${swift_seconds}s)"
