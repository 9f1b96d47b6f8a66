#!/usr/bin/env bash
# Conversion time, whole process: `swiftlet convert SAVED_MODEL_DIR` (release) against TensorFlow's
# `TFLiteConverter.from_saved_model` (Benchmarks/savedmodel_convert_tf.py in the fixture venv) on the
# SavedModel fixtures (the MLPerf-Tiny-shaped Keras exports and the raw-operator tf.Modules): float,
# then int8 on the fixture's calibration samples where it has them.
#
#   bash Benchmarks/savedmodel_convert.sh [RUNS]
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
PY="$(bash "$REPO/Tools/fixtures/generate.sh" venv)"
cd "$REPO"
swift build -c release --product swiftlet >/dev/null
BIN="$REPO/.build/release/swiftlet"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
for name in keras_dscnn keras_resnet keras_dense raw_conv_ops raw_dense_ops; do
    dir="Tests/Fixtures/savedmodel/$name/saved_model"
    echo "== $name float"
    farm-bench -n "$RUNS" --timeout 600 \
        --vs "env TF_CPP_MIN_LOG_LEVEL=3 $PY Benchmarks/savedmodel_convert_tf.py $dir $OUT/tf.tflite" \
        -- "$BIN" convert "$dir" -o "$OUT/swiftlet.tflite"
    calibration="Tests/Fixtures/savedmodel/$name/calibration.npy"
    if [ -f "$calibration" ]; then
        echo "== $name int8"
        farm-bench -n "$RUNS" --timeout 600 \
            --vs "env TF_CPP_MIN_LOG_LEVEL=3 $PY Benchmarks/savedmodel_convert_tf.py $dir $OUT/tf_int8.tflite $calibration" \
            -- "$BIN" convert "$dir" -o "$OUT/swiftlet_int8.tflite" --quantize int8 --calibration "$calibration"
    fi
done
