// swift-tools-version: 6.1
import PackageDescription

// Layers (imports point down): nuanxin -> NuanxinCLI -> Report -> Planning -> Stations -> Geo -> CGEOS/CPROJ,
// and Planning -> Optimization.
// Optimization is the pure optimisation code: the sparse demand–station graph, capacitated
// assignment (max flow) and site selection (covering, capacitated). It imports nothing but the
// standard library and Foundation, and knows no geometry, files or ids beyond strings.
// Planning holds the geography over the Stations model (demand model, coverage, gaps, area audit,
// site proposals) and hands the numbers to Optimization.
// Stations also uses the system SQLite (CSQLite) for GeoPackage files.
// Report draws the map report (SVG, self-contained HTML) from the planning results.
// The static Foundation libraries and what they need, in link order. Modules compiled against
// the shared Foundation name only -lFoundation for the linker; a static link needs the rest named.
let staticFoundation = [
    "-lFoundation", "-lFoundationInternationalization", "-lFoundationEssentials", "-lCoreFoundation",
    "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections", "-lswiftSynchronization",
    "-lswift_StringProcessing", "-lswift_RegexParser", "-lswiftDispatch", "-ldispatch", "-lBlocksRuntime",
    "-lswiftCore", "-lstdc++", "-lm", "-lutil", "-ldl", "-lpthread",
]

// The solver's tests run hundreds of random instances and the CLI's tests plan whole datasets:
// unoptimized, that took minutes of CI time. With NUANXIN_OPTIMIZED_SOLVER=1 in the environment
// (scripts/test.sh and scripts/sanitizers.sh set it), Optimization is compiled with the optimizer
// in debug builds too, its assertions kept (`-assert-config Debug`), so the tests run the solver
// at about release speed and check the same assertions. Only then: SwiftPM refuses a product
// whose targets carry unsafe flags to a package that depends on this one by version.
let optimizedInDebug: [SwiftSetting] = Context.environment["NUANXIN_OPTIMIZED_SOLVER"] == "1"
    ? [.unsafeFlags(["-O", "-assert-config", "Debug"], .when(configuration: .debug))] : []

let package = Package(
    name: "Nuanxin",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "nuanxin", targets: ["nuanxin"]),
        .library(name: "Geo", targets: ["Geo"]),
        // Used from outside by Fuzz/ and Examples/Consumer (packages of their own).
        .library(name: "Stations", targets: ["Stations"]),
        .library(name: "Planning", targets: ["Planning"]),
        .library(name: "Optimization", targets: ["Optimization"]),
        // The map report (SVG and self-contained HTML) from planning results.
        .library(name: "Report", targets: ["Report"]),
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
        .target(name: "Optimization", swiftSettings: optimizedInDebug),
        .target(name: "Planning", dependencies: ["Optimization", "Stations", "Geo"]),
        .target(name: "Report", dependencies: ["Planning", "Stations", "Geo"]),
        .executableTarget(name: "PlannerBenchmarks", dependencies: ["Optimization", "Geo"]),
        .target(
            name: "NuanxinCLI",
            dependencies: [
                "Report", "Planning", "Optimization", "Stations", "Geo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Release builds of the CLI link the Swift runtime and Foundation statically on Linux: a
        // process then starts without the dynamic loader binding them (about 6 ms of each
        // one-point query). Debug and sanitizer builds, and the tests, stay dynamic.
        .executableTarget(
            name: "nuanxin",
            dependencies: ["NuanxinCLI"],
            linkerSettings: [.unsafeFlags(["-static-stdlib"] + staticFoundation, .when(platforms: [.linux], configuration: .release))]
        ),
        .executableTarget(name: "NuanxinBenchmarks", dependencies: ["Planning", "Optimization", "Stations", "Geo"]),
        // Helpers shared by the test targets (seeded random numbers, small datasets on disk).
        .target(name: "TestSupport", dependencies: ["Stations", "Geo"], path: "Tests/Support"),
        .testTarget(name: "GeoTests", dependencies: ["Geo", "TestSupport"]),
        .testTarget(name: "StationsTests", dependencies: ["Stations", "TestSupport"]),
        .testTarget(name: "NuanxinCLITests", dependencies: ["nuanxin", "Planning", "Optimization", "Stations", "Geo", "TestSupport"]),
        .testTarget(name: "OptimizationTests", dependencies: ["Optimization", "TestSupport"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "Optimization", "Stations", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Planning", "Stations", "Geo", "TestSupport"]),
    ]
)
