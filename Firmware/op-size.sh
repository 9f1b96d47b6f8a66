#!/usr/bin/env bash
# Code size of single kernels on the MCU: builds the hello_world firmware (int8 sine model,
# FULLY_CONNECTED) once as it is and once per operator with that operator's registration added
# to the resolver (linked, never run), and prints the flash each adds: the kernel with every
# type path its registration carries and whatever helpers FULLY_CONNECTED does not already
# link. One-module -Osize builds, as the examples ship.
# Usage: bash Firmware/op-size.sh [--target cortex-m4] [OP...]
#   OP: a KernelRegistration name (default: unidirectionalSequenceLstm svdf transposeConv),
#   or `all` for OpResolver.allBuiltins (every kernel).
# Writes Firmware/.build/op-size-TARGET.md.
set -euo pipefail
fw="$(cd "$(dirname "$0")" && pwd)"
. "$fw/Support/common.sh"
target=cortex-m4 ops=()
while [ $# -gt 0 ]; do
    case "$1" in
        --target) target="$2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) ops+=("$1"); shift ;;
    esac
done
[ ${#ops[@]} -gt 0 ] || ops=(unidirectionalSequenceLstm svdf transposeConv)
ensure_swiftlet
work="$fw/.build/op-size-$target"
mkdir -p "$work"

# build NAME RESOLVER-EXPRESSION: hello_world's main.swift with its resolver replaced; prints flash without the model.
build() {
    local name="$1" resolver="$2" dir="$work/$1"
    mkdir -p "$dir/example"
    cp "$fw/Examples/hello_world/example.conf" "$dir/example/"
    sed "s|resolver: g_model_resolver|resolver: $resolver|" "$fw/Examples/hello_world/main.swift" > "$dir/example/main.swift"
    grep -q "resolver: $resolver" "$dir/example/main.swift" || { echo "op-size.sh: hello_world/main.swift has no 'resolver: g_model_resolver'" >&2; exit 1; }
    "$fw/build.sh" "$dir/example" --target "$target" --out "$dir/build" >"$dir/build.log" 2>&1 || { cat "$dir/build.log" >&2; exit 1; }
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["flashWithoutModel"], r["text"], r["rodata"] - r["model"], r["data"])' "$dir/build/size.json"
}

read -r base_flash base_text base_ro base_data < <(build base "OpResolver(g_model_resolver.registrations)")
rows=("| operator ($target) | flash added | .text | .rodata | .data |" "| --- | --- | --- | --- | --- |")
rows+=("| hello_world itself (FULLY_CONNECTED + runtime) | $base_flash B (total) | $base_text | $base_ro | $base_data |")
for op in "${ops[@]}"; do
    if [ "$op" = all ]; then expr="OpResolver.allBuiltins"; label="all builtin kernels"
    else expr="OpResolver(g_model_resolver.registrations + [.$op])"; label="$op"; fi
    read -r flash text ro data < <(build "$op" "$expr")
    rows+=("| $label | +$((flash - base_flash)) B | +$((text - base_text)) | +$((ro - base_ro)) | +$((data - base_data)) |")
done
printf '%s\n' "${rows[@]}" | tee "$work.md"
