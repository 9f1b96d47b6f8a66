#!/usr/bin/env bash
# Conversion time, whole process: `swiftlet convert` (release) against TensorFlow's converter
# (Benchmarks/keras_convert_tf.py in the fixture venv) on the MLPerf-Tiny-shaped Keras fixtures.
#
#   bash Benchmarks/keras_convert.sh [RUNS]
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
PY="$(bash "$REPO/Tools/fixtures/generate.sh" venv)"
cd "$REPO"
swift build -c release --product swiftlet >/dev/null
BIN="$REPO/.build/release/swiftlet"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
for name in net_kws_dscnn net_resnet8_small net_mobilenet_small net_fc_autoencoder_small; do
    model="Tests/Fixtures/keras/$name/model.keras"
    echo "== $name"
    farm-bench -n "$RUNS" --timeout 600 \
        --vs "env TF_CPP_MIN_LOG_LEVEL=3 KERAS_BACKEND=tensorflow $PY Benchmarks/keras_convert_tf.py $model $OUT/tf.tflite" \
        -- "$BIN" convert "$model" -o "$OUT/swiftlet.tflite"
done
