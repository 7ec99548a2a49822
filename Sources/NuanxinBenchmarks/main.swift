// Benchmarks, run in release builds: `swift run -c release NuanxinBenchmarks <name> [options]`.
// Each prints one JSON line per figure on stdout; diagnostics go to stderr.
import Foundation
import Geo

let usage = """
    usage: NuanxinBenchmarks nearest --data DIR [--runs N] [--chunk N] [--leaf-size N]
      nearest   k = 1 nearest station for every query: reads DIR/stations.csv and DIR/queries.csv
                (id,lon,lat,... with a header), projects to EPSG:4547, builds a PointIndex and
                answers all queries in chunks of --chunk (default 131072) on all cores, --runs times
                (default 7, at least 5) after one warm-up run; --leaf-size sets the index's bucket size
      load      GeoJSON point layer DIR/demand.geojson: GeoJSONReader (fast path on one thread and on
                two, and strict parser alone) and DatasetLoader (demand layer, with --districts FILE, default
                geodata/changzhi/districts.geojson); MB/s; --runs as above (default 5); --only NAME
                runs one figure (for a profiler)
      proj      creating the PROJ transformation EPSG:4326 -> --to (default EPSG:4547), each in a
                new PROJ context: with no PROJ cache (database opened and searched, as the first
                process does) and from a PROJ cache holding the pair (no database); --runs
      coverage  which of DIR/demand.csv's points have a station of DIR/stations.csv within --radius
                (default 1000) m, and the exact served demand (max flow over seats); --runs as above
    """

func fail(_ message: String, status: Int32 = 64) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let benchmark = arguments.first else { fail(usage) }
arguments.removeFirst()

var options: [String: String] = [:]
while let flag = arguments.first {
    guard flag.hasPrefix("--"), arguments.count >= 2 else { fail("unexpected argument \(flag)\n" + usage) }
    options[String(flag.dropFirst(2))] = arguments[1]
    arguments.removeFirst(2)
}

@MainActor
func intOption(_ name: String, default value: Int) -> Int {
    guard let text = options[name] else { return value }
    guard let n = Int(text), n > 0 else { fail("--\(name) needs a positive integer, got \(text)") }
    return n
}

switch benchmark {
case "nearest":
    guard let data = options["data"] else { fail("nearest needs --data DIR\n" + usage) }
    let runs = max(5, intOption("runs", default: 7))
    let chunk = intOption("chunk", default: 131_072)
    do {
        try NearestBenchmark(dataDirectory: data, runs: runs, chunk: chunk, leafSize: intOption("leaf-size", default: PointIndex.defaultLeafSize)).run()
    } catch {
        fail("nearest: \(error)", status: 65)
    }
case "coverage":
    guard let data = options["data"] else { fail("coverage needs --data DIR\n" + usage) }
    do {
        try CoverageBenchmark(dataDirectory: data, runs: max(5, intOption("runs", default: 7)), radius: Double(intOption("radius", default: 1000))).run()
    } catch {
        fail("coverage: \(error)", status: 65)
    }
case "proj":
    do {
        try ProjBenchmark(target: CRS(options["to"] ?? "EPSG:4547"), runs: max(5, intOption("runs", default: 7))).run()
    } catch {
        fail("proj: \(error)", status: 65)
    }
case "load":
    guard let data = options["data"] else { fail("load needs --data DIR\n" + usage) }
    do {
        try LoadBenchmark(dataDirectory: data, districts: options["districts"] ?? "geodata/changzhi/districts.geojson", runs: max(5, intOption("runs", default: 5)), only: options["only"]).run()
    } catch {
        fail("load: \(error)", status: 65)
    }
default:
    fail("unknown benchmark \(benchmark)\n" + usage)
}
