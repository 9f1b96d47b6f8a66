#!/usr/bin/env bash
# Builds every example for every target (one-module -Osize builds, as the examples ship) and
# prints one table of their size reports (each build's size.json): flash without the model and
# input, .text, .rodata, .data, .bss, arena, RAM. Also writes it to Firmware/.build/size-report.md.
# Usage: bash Firmware/size-report.sh [EXAMPLE...] [--targets "cortex-m4 cortex-m7 cortex-m0plus"]
set -euo pipefail
fw="$(cd "$(dirname "$0")" && pwd)"
. "$fw/Support/common.sh"
examples=() targets="cortex-m4 cortex-m7 cortex-m0plus"
while [ $# -gt 0 ]; do
    case "$1" in
        --targets) targets="$2"; shift 2 ;;
        *) examples+=("$1"); shift ;;
    esac
done
[ ${#examples[@]} -gt 0 ] || examples=(hello_world person_detection micro_speech)
ensure_swiftlet
reports=()
for example in "${examples[@]}"; do
    for target in $targets; do
        "$fw/build.sh" "$example" --target "$target" >/dev/null
        reports+=("$fw/.build/$example-$target/size.json")
    done
done
python3 - "$fw/.build/size-report.md" "${reports[@]}" <<'PY'
import json, sys
rows = ["| example | target | flash w/o model+input | .text | .rodata (model, input) | .data | .bss (arena, heap pool) | RAM (+ stack) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |"]
for path in sys.argv[2:]:
    r = json.load(open(path))
    rows.append(f"| {r['example']} | {r['target']} | {r['flashWithoutModelAndInput']:,} | {r['text']:,} | {r['rodata']:,} ({r['model']:,}, {r['input']:,}) "
                f"| {r['data']:,} | {r['bss']:,} ({r['arena']:,}, {r['heapPool']:,}) | {r['ram']:,} ({r['stack']:,}) |")
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
