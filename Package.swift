// swift-tools-version: 6.1
import PackageDescription

// Layers (imports point down): nuanxin -> NuanxinCLI -> Planning -> Stations -> Geo -> CGEOS/CPROJ;
// Stations also uses the system SQLite (CSQLite) for GeoPackage files.
// Planning holds the demand model, coverage, gaps and site selection over the Stations model.
// See ARCHITECTURE.md in the README for what belongs where.
let package = Package(
    name: "Nuanxin",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "nuanxin", targets: ["nuanxin"]),
        .library(name: "Geo", targets: ["Geo"]),
        // Used from outside by Fuzz/ and Examples/Consumer (packages of their own).
        .library(name: "Stations", targets: ["Stations"]),
        .library(name: "Planning", targets: ["Planning"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CGEOS",
            pkgConfig: "geos",
            providers: [.apt(["libgeos-dev"]), .brew(["geos"])]
        ),
        .systemLibrary(
            name: "CPROJ",
            pkgConfig: "proj",
            providers: [.apt(["libproj-dev"]), .brew(["proj"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .target(name: "Geo", dependencies: ["CGEOS", "CPROJ"]),
        .target(name: "Stations", dependencies: ["Geo", "CSQLite"]),
        .target(name: "Planning", dependencies: ["Stations", "Geo"]),
        .executableTarget(name: "PlannerBenchmarks", dependencies: ["Planning", "Geo"]),
        .target(
            name: "NuanxinCLI",
            dependencies: [
                "Planning", "Stations", "Geo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "nuanxin", dependencies: ["NuanxinCLI"]),
        .executableTarget(name: "NuanxinBenchmarks", dependencies: ["Planning", "Stations", "Geo"]),
        // Helpers shared by the test targets (seeded random numbers, small datasets on disk).
        .target(name: "TestSupport", dependencies: ["Stations", "Geo"], path: "Tests/Support"),
        .testTarget(name: "GeoTests", dependencies: ["Geo", "TestSupport"]),
        .testTarget(name: "StationsTests", dependencies: ["Stations", "TestSupport"]),
        .testTarget(name: "NuanxinCLITests", dependencies: ["nuanxin", "Planning", "Stations", "Geo", "TestSupport"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "Stations", "TestSupport"]),
    ]
)
