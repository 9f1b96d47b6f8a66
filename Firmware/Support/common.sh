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

# qemu_machine TARGET: the QEMU machine that runs a build.sh --target.
qemu_machine() {
    case "$1" in
        cortex-m4) echo mps2-an386 ;;
        cortex-m7) echo mps2-an500 ;;
        cortex-m0plus|cortex-m3) echo mps2-an385 ;;   # a Cortex-M3: runs the ARMv6-M image
        *) echo "no QEMU machine for target $1 (cortex-m4: mps2-an386, cortex-m7: mps2-an500, cortex-m0plus/cortex-m3: mps2-an385)" >&2; return 2 ;;
    esac
}

# run_qemu ELF LOG [TIMEOUT] [TARGET]: runs the firmware on the target's MPS2 machine
# (cortex-m4: mps2-an386) with semihosting and -icount shift=0 (1 instruction = 1 ns, so timer0
# ticks x 40 = instructions). Output goes to LOG; returns QEMU's exit status (the firmware's),
# 124 on timeout.
run_qemu() {
    local elf="$1" log="$2" limit="${3:-120}" machine
    machine="$(qemu_machine "${4:-cortex-m4}")"
    timeout "$limit" qemu-system-arm -M "$machine" -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native -icount shift=0 -kernel "$elf" >"$log" 2>&1
}

# build_and_run EXAMPLE LIMIT [--no-build] [--target TARGET]: builds EXAMPLE (unless --no-build)
# for TARGET (default cortex-m4) and runs it in QEMU for at most LIMIT seconds; sets $out (the
# build folder), $log (what the firmware printed) and $target. Exits with a message and the log
# when the firmware does not exit 0.
build_and_run() {
    local example="$1" limit="$2" build=1
    shift 2
    target=cortex-m4
    while [ $# -gt 0 ]; do
        case "$1" in
            --no-build) build=0; shift ;;
            --target) target="$2"; shift 2 ;;
            *) echo "unknown argument $1 (--no-build, --target TARGET)" >&2; exit 2 ;;
        esac
    done
    out="$fw/.build/$example-$target"
    log="$out/qemu.log"
    qemu_machine "$target" >/dev/null
    ensure_qemu
    ensure_swiftlet
    [ "$build" = 0 ] || "$fw/build.sh" "$example" --target "$target" --out "$out"
    local status=0
    run_qemu "$out/$example.elf" "$log" "$limit" "$target" || status=$?
    if [ "$status" != 0 ]; then
        cat "$log"; echo "$example: QEMU exited with status $status" >&2; exit 1
    fi
}
