#!/usr/bin/env python3
"""TensorFlow's way from a Keras file to a float .tflite, the whole process (the yardstick for
`swiftlet convert`): load the model, export a SavedModel with a batch-1 signature, convert it.

    python Benchmarks/keras_convert_tf.py MODEL.keras OUT.tflite
"""
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402


def main(source, target):
    model = keras.models.load_model(source, compile=False)
    specs = [tf.TensorSpec([1] + list(i.shape[1:]), tf.float32) for i in model.inputs]
    with tempfile.TemporaryDirectory() as work:
        model.export(work, input_signature=specs if len(specs) == 1 else [specs], verbose=False)
        data = tf.lite.TFLiteConverter.from_saved_model(work).convert()
    with open(target, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
