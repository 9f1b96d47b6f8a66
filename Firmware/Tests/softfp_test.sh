#!/usr/bin/env bash
# Checks Firmware/Support/softfp.c (the double/64-bit routines the firmware links) against the
# host's hardware arithmetic, bit for bit. Uses the Swift toolchain's clang.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cc="${CC:-$(command -v clang || echo /opt/swift/usr/bin/clang)}"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
"$cc" -O2 -fno-builtin -ffp-contract=off -o "$out/softfp_test" "$here/softfp_test.c" -lm
"$out/softfp_test"
"$cc" -O2 -fno-builtin -ffp-contract=off -o "$out/softfp_v6m_test" "$here/softfp_v6m_test.c" -lm
"$out/softfp_v6m_test"
