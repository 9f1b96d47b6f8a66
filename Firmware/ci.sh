#!/usr/bin/env bash
# Firmware CI: Embedded Swift on a Cortex-M4 (QEMU mps2-an386). Installs qemu-system-arm when
# missing, checks the soft-double routines against the host FPU, builds and runs hello_world and
# person_detection and compares their outputs with `swiftlet run` on the host (identical or
# fail), and checks that a wrong build reports its error and exits non-zero.
# Usage: bash Firmware/ci.sh
set -euo pipefail
fw="$(cd "$(dirname "$0")" && pwd)"
. "$fw/Support/common.sh"
started=$SECONDS
step() { printf '\n--- firmware: %s (%ss)\n' "$*" "$((SECONDS - started))"; }

step "qemu-system-arm"
ensure_qemu
qemu-system-arm --version | head -1
ensure_swiftlet

step "soft-double support vs host FPU"
bash "$fw/Tests/softfp_test.sh"

step "hello_world"
bash "$fw/run-hello.sh"

step "person_detection"
bash "$fw/run-person.sh"

step "error_checks (a wrong build must say why and exit non-zero)"
out="$fw/.build/error_checks-cortex-m4"
"$fw/build.sh" error_checks --out "$out" >/dev/null
status=0
run_qemu "$out/error_checks.elf" "$out/qemu.log" 60 || status=$?
cat "$out/qemu.log"
[ "$status" = 1 ] || { echo "error_checks: expected exit status 1, got $status" >&2; exit 1; }
grep -q "check 1 (missing kernel): operator 0 (builtin code 9 FULLY_CONNECTED.*no registered kernel" "$out/qemu.log" \
    || { echo "error_checks: no clear missing-kernel message" >&2; exit 1; }
grep -q "check 2 (arena): arena too small: the model needs [0-9]* bytes, the arena has 256 bytes" "$out/qemu.log" \
    || { echo "error_checks: no clear arena message" >&2; exit 1; }

step "done"
echo "firmware: 4 passed, 0 failed"
