#!/usr/bin/env python3
"""TensorFlow's post-training int8 quantization of a float .tflite, the yardstick for `swiftlet quantize`.

    python Benchmarks/quantize_tf.py FLOAT.tflite CALIBRATION.npy OUT.tflite

Does what TFLiteConverter does once it has the float model (lite.py `_quantize`): TF's Calibrator runs
every sample, then `mlir_quantize` writes the full-integer model with int8 input and output. Run it with
the fixture venv's python (`bash Tools/fixtures/generate.sh venv` prints it). Prints the in-process
seconds of calibrate + quantize on stderr (the process as a whole also pays for importing TensorFlow).
"""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.lite.python import convert  # noqa: E402
from tensorflow.lite.python.optimize import calibrator  # noqa: E402


def main():
    model_path, calibration_path, output_path = sys.argv[1:4]
    model = open(model_path, "rb").read()
    samples = np.load(calibration_path).astype(np.float32)
    started = time.perf_counter()
    calibrated = calibrator.Calibrator(model).calibrate(lambda: ([s] for s in samples))
    quantized = convert.mlir_quantize(calibrated, fully_quantize=True, inference_type=tf.int8.as_datatype_enum,
                                      input_data_type=tf.int8, output_data_type=tf.int8)
    elapsed = time.perf_counter() - started
    with open(output_path, "wb") as f:
        f.write(quantized)
    print("calibrate+quantize %.3f s, %d samples, %d bytes" % (elapsed, len(samples), len(quantized)), file=sys.stderr)


if __name__ == "__main__":
    main()
