#!/usr/bin/env bash
# Times the same models with Swiftlet (release build), the real TFLM interpreter (the tflite-micro
# wheel, reference kernels) and LiteRT (ai-edge-litert, one thread) in one run, and prints per-model
# time and arena ratios.
#
#   bash Benchmarks/compare.sh                     # the whole-network fixtures
#   bash Benchmarks/compare.sh sine_int8 fc_int8   # named fixtures (Tests/Fixtures/models/<name>)
#   RUNS=200 bash Benchmarks/compare.sh            # more timed invokes per model (default 100)
#
# Uses the fixtures' Python venv (created by Tools/fixtures/generate.sh if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
python="$(bash Tools/fixtures/generate.sh venv | tail -n 1)"
swift build -c release --product swiftlet >&2
exec "$python" Benchmarks/compare.py --swiftlet .build/release/swiftlet --runs "${RUNS:-100}" "$@"
