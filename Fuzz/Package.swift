// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for Nuanxin's input readers. A package of its own, so that the main package's
// `swift build` and `swift test` never try to link them. Build and run them with
// `scripts/fuzz.sh [seconds-per-target]`, which passes `-sanitize=fuzzer,address` to every module
// (so Geo and Stations are instrumented too). Each target's `@main` hands its test function to
// libFuzzer's driver (`LLVMFuzzerRunDriver`), since SwiftPM renames an executable's `main`.
let package = Package(
    name: "NuanxinFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Nuanxin", path: ".."),
    ],
    targets: [
        .target(name: "CFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzer"]),
        .executableTarget(name: "fuzz-geojson", dependencies: ["FuzzSupport", .product(name: "Geo", package: "Nuanxin")]),
        .executableTarget(name: "fuzz-csv", dependencies: ["FuzzSupport", .product(name: "Stations", package: "Nuanxin"), .product(name: "Geo", package: "Nuanxin")]),
        .executableTarget(name: "fuzz-wkt", dependencies: ["FuzzSupport", .product(name: "Geo", package: "Nuanxin")]),
        .executableTarget(name: "fuzz-batch", dependencies: ["FuzzSupport", .product(name: "Stations", package: "Nuanxin")]),
    ]
)
