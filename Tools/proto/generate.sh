#!/usr/bin/env bash
# Regenerates Sources/SwiftletConvert/ONNX/Generated/onnx.pb.swift from Tools/proto/onnx.proto and
# Sources/SwiftletConvert/SavedModel/Generated/tensorflow.pb.swift from Tools/proto/tensorflow.proto.
#
#   bash Tools/proto/generate.sh
#
# Needs protoc (Debian's protobuf-compiler, installed with apt-get when missing) and
# protoc-gen-swift, built here from the swift-protobuf package this project depends on (the
# version pinned by Package.swift), in a cache folder outside the repository.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${SWIFTLET_PROTOC_CACHE:-$HOME/.cache/swiftlet-protoc-gen-swift}"
version="1.39.0"

if ! command -v protoc >/dev/null; then
    echo "installing protoc (protobuf-compiler)" >&2
    apt-get update -qq && apt-get install -y -qq protobuf-compiler
fi

plugin="$cache/swift-protobuf-$version/.build/debug/protoc-gen-swift"
if [ ! -x "$plugin" ]; then
    echo "building protoc-gen-swift $version in $cache (a few minutes)" >&2
    mkdir -p "$cache"
    if [ ! -d "$cache/swift-protobuf-$version" ]; then
        git clone --quiet --depth 1 --branch "$version" https://github.com/apple/swift-protobuf \
            "$cache/swift-protobuf-$version"
    fi
    (cd "$cache/swift-protobuf-$version" && swift build --product protoc-gen-swift -j 2)
fi

out="$root/Sources/SwiftletConvert/ONNX/Generated"
mkdir -p "$out"
protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$root/Tools/proto" \
    --swift_out="$out" --swift_opt=Visibility=Internal onnx.proto
echo "wrote $out/onnx.pb.swift with $(protoc --version) and protoc-gen-swift $version" >&2

out="$root/Sources/SwiftletConvert/SavedModel/Generated"
mkdir -p "$out"
protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$root/Tools/proto" \
    --swift_out="$out" --swift_opt=Visibility=Internal tensorflow.proto
echo "wrote $out/tensorflow.pb.swift with $(protoc --version) and protoc-gen-swift $version" >&2
