# Shared by Firmware/run-*.sh and ci.sh (source it).
fw="${fw:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
repo="${repo:-$(cd "$fw/.." && pwd)}"

# Installs qemu-system-arm from Debian's packages when it is missing (CI runs as root).
ensure_qemu() {
    command -v qemu-system-arm >/dev/null 2>&1 && return 0
    echo "installing qemu-system-arm (apt-get)" >&2
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq qemu-system-arm >/dev/null
    command -v qemu-system-arm >/dev/null 2>&1 || { echo "qemu-system-arm could not be installed" >&2; return 1; }
}

# The host swiftlet binary (debug build, as CI builds it), built if needed; sets SWIFTLET.
ensure_swiftlet() {
    [ -n "${SWIFTLET:-}" ] && return 0
    (cd "$repo" && swift build --product swiftlet >/tmp/swiftlet-fw-build.log 2>&1) || { cat /tmp/swiftlet-fw-build.log >&2; return 1; }
    SWIFTLET="$(cd "$repo" && swift build --show-bin-path)/swiftlet"
    export SWIFTLET
}

# run_qemu ELF LOG [TIMEOUT]: runs the firmware on mps2-an386 (Cortex-M4F) with semihosting and
# -icount shift=0 (1 instruction = 1 ns, so timer0 ticks x 40 = instructions). Output goes to LOG;
# returns QEMU's exit status (the firmware's), 124 on timeout.
run_qemu() {
    local elf="$1" log="$2" limit="${3:-120}"
    timeout "$limit" qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native -icount shift=0 -kernel "$elf" >"$log" 2>&1
}

# Builds EXAMPLE (unless the third argument is --no-build) and runs it in QEMU for at most
# LIMIT seconds; sets $out (the build folder) and $log (what the firmware printed). Exits with a
# message and the log when the firmware does not exit 0.
build_and_run() {
    local example="$1" limit="$2" flag="${3:-}"
    out="$fw/.build/$example-cortex-m4"
    log="$out/qemu.log"
    ensure_qemu
    ensure_swiftlet
    [ "$flag" = "--no-build" ] || "$fw/build.sh" "$example" --out "$out"
    local status=0
    run_qemu "$out/$example.elf" "$log" "$limit" || status=$?
    if [ "$status" != 0 ]; then
        cat "$log"; echo "$example: QEMU exited with status $status" >&2; exit 1
    fi
}
