// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Swiftlet",
    products: [
        .library(name: "SwiftletFormat", targets: ["SwiftletFormat"]),
        .library(name: "SwiftletMicro", targets: ["SwiftletMicro"]),
        .library(name: "SwiftletTools", targets: ["SwiftletTools"]),
        .library(name: "SwiftletConvert", targets: ["SwiftletConvert"]),
        .library(name: "SwiftletTrain", targets: ["SwiftletTrain"]),
        .executable(name: "swiftlet", targets: ["swiftlet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // Runtime side: no Foundation, must compile with Embedded Swift.
        .target(name: "SwiftletFormat"),
        .target(name: "SwiftletMicro", dependencies: ["SwiftletFormat"]),
        // Host side.
        .target(
            name: "SwiftletTools",
            dependencies: [
                "SwiftletFormat", "SwiftletMicro",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(
            name: "SwiftletConvert",
            dependencies: [
                "SwiftletFormat", "SwiftletMicro", "SwiftletTools",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(name: "SwiftletTrain", dependencies: ["SwiftletFormat", "SwiftletConvert", "SwiftletTools"]),
        .executableTarget(
            name: "swiftlet",
            dependencies: [
                "SwiftletFormat", "SwiftletMicro", "SwiftletTools", "SwiftletConvert", "SwiftletTrain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SwiftletFormatTests", dependencies: ["SwiftletFormat", "SwiftletTools"]),
        .testTarget(name: "SwiftletToolsTests", dependencies: ["SwiftletTools", "SwiftletFormat"]),
        // Counts heap allocations in tests (proves invoke() allocates nothing).
        .target(name: "MallocCounter", path: "Tests/MallocCounter"),
        .testTarget(name: "SwiftletMicroTests", dependencies: ["SwiftletMicro", "SwiftletFormat", "SwiftletTools", "MallocCounter"]),
        .testTarget(name: "SwiftletCLITests", dependencies: ["SwiftletTools"]),
        .testTarget(name: "SwiftletConvertTests", dependencies: ["SwiftletConvert", "SwiftletFormat", "SwiftletMicro", "SwiftletTools"]),
        .testTarget(name: "SwiftletTrainTests", dependencies: ["SwiftletTrain", "SwiftletConvert", "SwiftletFormat", "SwiftletMicro", "SwiftletTools"]),
    ]
)
