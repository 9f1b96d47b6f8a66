#!/usr/bin/env bash
# Code size of single kernels on the MCU: builds the hello_world firmware (int8 sine model,
# FULLY_CONNECTED; one-module -Osize build, as the examples ship) and links it again with one
# more kernel registration kept (`ld.lld -u` on its `KernelRegistration.NAME` getter): the
# difference is the flash that kernel adds to a firmware — every type path its registration
# carries and the helpers FULLY_CONNECTED and the runtime do not already link.
# Usage: bash Firmware/op-size.sh [--target cortex-m4] [--no-build] [OP...]
#   OP: a KernelRegistration name (default: unidirectionalSequenceLstm svdf transposeConv
#   conv2D depthwiseConv2D), or `allBuiltins` for OpResolver.allBuiltins (every kernel; also
#   proves that all of them link: no libm or other symbol missing).
# Writes Firmware/.build/op-size-TARGET.md.
set -euo pipefail
fw="$(cd "$(dirname "$0")" && pwd)"
. "$fw/Support/common.sh"
target=cortex-m4 build=1 ops=()
while [ $# -gt 0 ]; do
    case "$1" in
        --target) target="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) ops+=("$1"); shift ;;
    esac
done
[ ${#ops[@]} -gt 0 ] || ops=(unidirectionalSequenceLstm svdf transposeConv conv2D depthwiseConv2D)
case "$target" in
    cortex-m4|cortex-m7) triple=armv7em-none-none-eabi ;;
    cortex-m0plus|cortex-m3) triple=armv6m-none-none-eabi ;;
    *) echo "op-size.sh: unknown target $target" >&2; exit 2 ;;
esac
out="$fw/.build/hello_world-$target"
if [ "$build" = 1 ]; then ensure_swiftlet; "$fw/build.sh" hello_world --target "$target" --out "$out" >/dev/null; fi
toolbin="$(dirname "$(command -v swiftc)")"
[ -x "$toolbin/ld.lld" ] || toolbin=/opt/swift/usr/bin
stack="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stack"])' "$out/size.json")"
symbols="$("$toolbin/llvm-nm" --defined-only "$out/obj/swift.o" | awk '{print $3}')"

# flash ROOT: links the build's objects as build.sh does, keeping ROOT (a symbol, or nothing);
# prints .text+.rodata+.data (vectors and exidx included).
flash() {
    local keep=()
    [ -z "$1" ] || keep=(-u "$1")
    "$toolbin/ld.lld" -T "$fw/Support/mps2-an386.ld" --gc-sections --icf=all --defsym=STACK_BYTES="$stack" "${keep[@]}" \
        -o "$out/op-size.elf" "$out"/obj/*.o "$toolbin/../lib/swift/embedded/$triple/libswiftUnicodeDataTables.a"
    "$toolbin/llvm-objdump" -h "$out/op-size.elf" | python3 -c '
import sys
n = {}
for line in sys.stdin:
    f = line.split()
    if len(f) >= 3 and f[0].isdigit(): n[f[1]] = int(f[2], 16)
g = lambda *k: sum(n.get(x, 0) for x in k)
print(g(".vectors", ".text", ".rodata", ".ARM.exidx", ".data"), g(".vectors", ".text"), g(".rodata", ".ARM.exidx"), g(".data"))'
}
read -r base base_text base_ro base_data < <(flash "")
rows=("| kernel ($target) | flash added | .text | .rodata | .data |" "| --- | --- | --- | --- | --- |")
for op in "${ops[@]}"; do
    if [ "$op" = allBuiltins ]; then want="static SwiftletMicro.OpResolver.allBuiltins.getter : SwiftletMicro.OpResolver"
    else want="static SwiftletMicro.KernelRegistration.$op.getter : SwiftletMicro.KernelRegistration"; fi
    symbol="$(paste -d' ' <(echo "$symbols") <(echo "$symbols" | swift demangle) | awk -v w="$want" '!found && substr($0, index($0, " ") + 1) == w { print $1; found = 1 }')"
    [ -n "$symbol" ] || { echo "op-size.sh: no $want in the build" >&2; exit 1; }
    read -r size text ro data < <(flash "$symbol")
    rows+=("| $op | +$((size - base)) B | +$((text - base_text)) | +$((ro - base_ro)) | +$((data - base_data)) |")
done
rows+=("| (hello_world itself: FULLY_CONNECTED, runtime, example, model) | $base B | $base_text | $base_ro | $base_data |")
printf '%s\n' "${rows[@]}" | tee "$fw/.build/op-size-$target.md"
