// swift-tools-version: 6.1
import PackageDescription

// A package that uses Nuanxin's libraries from outside, as another project would: it depends on
// the repository by path and imports only the library products Geo, Stations, Optimization and Planning.
// `scripts/consumer-test.sh` (or `swift test --package-path Examples/Consumer`) runs its tests.
let package = Package(
    name: "NuanxinConsumer",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Nuanxin", path: "../.."),
    ],
    targets: [
        .testTarget(
            name: "ConsumerTests",
            dependencies: [
                .product(name: "Geo", package: "Nuanxin"),
                .product(name: "Stations", package: "Nuanxin"),
                .product(name: "Optimization", package: "Nuanxin"),
                .product(name: "Planning", package: "Nuanxin"),
            ]
        ),
    ]
)
