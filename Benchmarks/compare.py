#!/usr/bin/env python3
"""Swiftlet vs TFLM vs LiteRT on the same .tflite fixtures, in one run (see compare.sh)."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
from tflite_micro.python.tflite_micro import runtime as tflm  # noqa: E402
from ai_edge_litert import interpreter as litert  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "models")
NETWORKS = ["sine_int8", "sine_float", "convnet_int8", "convnet_float"]


def default_models():
    names = sorted(os.listdir(ROOT))
    return NETWORKS + [n for n in names if n.startswith("net_")]


def random_inputs(details, rng):
    arrays = []
    for detail in details:
        dtype, shape = detail["dtype"], detail["shape"]
        if np.issubdtype(dtype, np.floating):
            arrays.append(rng.uniform(-1, 1, size=shape).astype(dtype))
        else:
            info = np.iinfo(dtype)
            arrays.append(rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype))
    return arrays


def time_calls(call, runs):
    for _ in range(max(3, runs // 10)):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        call()
        times.append((time.perf_counter_ns() - start) / 1000)
    return statistics.median(times), min(times)


def bench_tflm(model, runs, rng, input_count):
    interpreter = tflm.Interpreter.from_bytes(model)
    inputs = random_inputs([interpreter.get_input_details(i) for i in range(input_count)], rng)
    for index, array in enumerate(inputs):
        interpreter.set_input(array, index)
    return time_calls(interpreter.invoke, runs)


def bench_litert(model, runs, rng):
    interpreter = litert.Interpreter(model_content=model, num_threads=1)
    interpreter.allocate_tensors()
    details = interpreter.get_input_details()
    for detail, array in zip(details, random_inputs(details, rng)):
        interpreter.set_tensor(detail["index"], array)
    return time_calls(interpreter.invoke, runs)


def bench_swiftlet(binary, path, runs):
    out = subprocess.run([binary, "bench", path, "--runs", str(runs), "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        return None, out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"
    return json.loads(out.stdout), None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--swiftlet", required=True)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("models", nargs="*")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows = []
    for name in args.models or default_models():
        path = os.path.join(ROOT, name, "model.tflite")
        if not os.path.exists(path):
            print(f"{name}: no such fixture", file=sys.stderr)
            continue
        model = open(path, "rb").read()
        manifest = json.load(open(os.path.join(ROOT, name, "manifest.json")))
        ours, error = bench_swiftlet(args.swiftlet, path, args.runs)
        tflm_median, _ = bench_tflm(model, args.runs, rng, len(manifest["inputs"]))
        litert_median, _ = bench_litert(model, args.runs, rng)
        rows.append((name, ours, error, tflm_median, litert_median,
                     manifest.get("tflm_arena_bytes"), manifest.get("tflm_arena_min_bytes")))

    print(f"{'model':34} {'Swiftlet µs':>12} {'TFLM µs':>10} {'LiteRT µs':>10} {'vs TFLM':>8} {'vs LiteRT':>9}"
          f" {'arena':>8} {'TFLM arena':>10} {'ratio':>6}")
    for name, ours, error, tflm_us, litert_us, tflm_arena, tflm_min in rows:
        if ours is None:
            print(f"{name:34} {'—':>12} {tflm_us:10.1f} {litert_us:10.1f}   ({error})")
            continue
        us = ours["medianMicroseconds"]
        arena = ours["arenaBytes"]
        reference = tflm_arena or 0
        print(f"{name:34} {us:12.1f} {tflm_us:10.1f} {litert_us:10.1f} {us / tflm_us:7.2f}x {us / litert_us:8.2f}x"
              f" {arena:8d} {reference:10d} {arena / reference if reference else 0:5.2f}x")
    print("\nTimes are medians per invoke on this host (TFLM and LiteRT timed through their Python bindings,"
          " which adds about a microsecond per call). TFLM arena = its RecordingMicroAllocator total;"
          " its smallest working arena (bisected) is often larger.")


if __name__ == "__main__":
    main()
