#!/usr/bin/env bash
# Compiles the runtime modules (SwiftletFormat, SwiftletMicro) with Embedded Swift for a
# Cortex-M target, proving they use no Foundation, no existentials and no reflection.
# Usage: bash Tools/embedded/check.sh [TRIPLE]   (default armv7em-none-none-eabi)
set -euo pipefail
cd "$(dirname "$0")/../.."
triple="${1:-armv7em-none-none-eabi}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

compile() {
    local module="$1"; shift
    local sources
    sources=$(find "Sources/$module" -name '*.swift' | sort)
    local started=$SECONDS
    swiftc -target "$triple" -enable-experimental-feature Embedded -wmo -parse-as-library -Osize \
        -module-name "$module" -I "$out" "$@" \
        -emit-module -emit-module-path "$out/$module.swiftmodule" \
        -c $sources -o "$out/$module.o"
    local size
    size=$(stat -c %s "$out/$module.o")
    echo "embedded: $module compiled for $triple ($size bytes of object code, $((SECONDS - started)) s)"
}

compile SwiftletFormat
compile SwiftletMicro
