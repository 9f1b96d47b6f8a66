#!/usr/bin/env bash
# Firmware CI: Embedded Swift on Cortex-M (QEMU mps2-an386 = Cortex-M4, mps2-an500 = Cortex-M7,
# mps2-an385 running the ARMv6-M = Cortex-M0+ image).
# Installs qemu-system-arm when missing, checks the soft-double routines against the host FPU,
# builds and runs hello_world, person_detection and micro_speech and compares their outputs with
# `swiftlet run` on the host (identical or fail), checks Firmware/run.sh on fixtures of every
# kind (byte-identical to the host's .npy), and checks that a wrong build reports its error and
# exits non-zero; also links hello_world for RISC-V (rv32imac, not run).
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

step "soft-float support (double; ARMv6-M float, division, shifts) vs the host"
bash "$fw/Tests/softfp_test.sh"

step "hello_world"
bash "$fw/run-hello.sh"

step "person_detection"
bash "$fw/run-person.sh"

step "micro_speech"
bash "$fw/run-micro-speech.sh"

step "run.sh: any model on the MCU vs swiftlet run on the host"
bash "$fw/Tests/run_sh_test.sh"

step "riscv32: hello_world compiles and links for RISC-V (rv32imac; not run)"
"$fw/build.sh" hello_world --target riscv32 | tail -2

step "error_checks (a wrong build must say why and exit non-zero)"
out="$fw/.build/error_checks-cortex-m4"
"$fw/build.sh" error_checks --out "$out" --cached-runtime >/dev/null
status=0
run_qemu "$out/error_checks.elf" "$out/qemu.log" 60 || status=$?
cat "$out/qemu.log"
[ "$status" = 1 ] || { echo "error_checks: expected exit status 1, got $status" >&2; exit 1; }
grep -q "check 1 (missing kernel): operator 0 (builtin code 9, version [0-9]*) has no registered kernel" "$out/qemu.log" \
    || { echo "error_checks: no clear missing-kernel message" >&2; exit 1; }
grep -q "check 2 (arena): arena too small: the model needs [0-9]* bytes, the arena has 256 bytes" "$out/qemu.log" \
    || { echo "error_checks: no clear arena message" >&2; exit 1; }

step "done"
echo "firmware: 7 passed, 0 failed"
