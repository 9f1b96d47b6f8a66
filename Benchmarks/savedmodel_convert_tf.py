#!/usr/bin/env python3
"""TensorFlow's way from a SavedModel folder to a .tflite, the whole process (the yardstick for
`swiftlet convert DIR`): `TFLiteConverter.from_saved_model`, float, or full-integer int8 with int8
input and output on the calibration samples (as Tools/fixtures/generate_savedmodel.py makes
int8.tflite).

    python Benchmarks/savedmodel_convert_tf.py SAVED_MODEL_DIR OUT.tflite [CALIBRATION.npy]
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def main(source, target, calibration=None):
    converter = tf.lite.TFLiteConverter.from_saved_model(source)
    if calibration:
        samples = np.load(calibration)

        def representative():
            for k in range(samples.shape[0]):
                yield [samples[k]]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    data = converter.convert()
    with open(target, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main(*sys.argv[1:4])
