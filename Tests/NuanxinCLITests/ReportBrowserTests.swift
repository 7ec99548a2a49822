import Foundation
import Testing

/// Headless Chromium for the report's browser tests. Missing, the tests fail with a message saying
/// how to install it, unless NUANXIN_SKIP_BROWSER_TESTS=1 says to skip them (`.ci/run` installs it).
enum Browser {
    static let skip = ProcessInfo.processInfo.environment["NUANXIN_SKIP_BROWSER_TESTS"] == "1"

    static let executable: String? = {
        if let path = ProcessInfo.processInfo.environment["NUANXIN_CHROMIUM"] { return FileManager.default.isExecutableFile(atPath: path) ? path : nil }
        return ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "headless Chromium is needed for the report's browser tests and was not found (apt-get install chromium fonts-noto-cjk, or set NUANXIN_CHROMIUM=PATH; NUANXIN_SKIP_BROWSER_TESTS=1 skips them)"
        }
    }

    /// Runs Chromium headless on `url` with `extra` flags, in a profile of its own, with a time limit.
    static func run(_ url: String, _ extra: [String], timeout: TimeInterval = 120) throws -> Run {
        guard let executable else { throw Missing() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nuanxin-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("stdout"), errURL = dir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // As root Chromium needs --no-sandbox; logging to stderr shows console messages as ":CONSOLE" lines.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--mute-audio",
                             "--user-data-dir=\(dir.appendingPathComponent("profile").path)", "--enable-logging=stderr", "--v=0"] + extra + [url]
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            done.wait()
        }
        try out.close()
        try err.close()
        return Run(status: process.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
                   stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// The `<html ...>` start tag of a dumped DOM (where the page records errors and readiness).
    static func rootTag(_ dom: String) -> String {
        guard let start = dom.range(of: "<html"), let end = dom[start.lowerBound...].firstIndex(of: ">") else { return "" }
        return String(dom[start.lowerBound...end])
    }

    /// The page's console messages (every one is a failure: the report logs nothing).
    static func consoleLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
    }

    /// Loads a PNG into a canvas in Chromium itself and counts its colours: (pixels, distinct
    /// colours, pixels that differ from the most common colour).
    static func pngStatistics(_ png: Data) throws -> (pixels: Int, colours: Int, notBackground: Int) {
        let page = """
        <!DOCTYPE html><html><body><img id="i" src="data:image/png;base64,\(png.base64EncodedString())"><script>
        var img=document.getElementById('i');
        function go(){var c=document.createElement('canvas');c.width=img.naturalWidth;c.height=img.naturalHeight;var g=c.getContext('2d');g.drawImage(img,0,0);
        var d=g.getImageData(0,0,c.width,c.height).data,n={},best=0,bestKey='';for(var i=0;i<d.length;i+=4){var k=d[i]+','+d[i+1]+','+d[i+2];n[k]=(n[k]||0)+1;}
        var keys=Object.keys(n);keys.forEach(function(k){if(n[k]>best){best=n[k];bestKey=k;}});
        document.body.setAttribute('data-stats',(d.length/4)+' '+keys.length+' '+(d.length/4-best));}
        if(img.complete)go();else img.onload=go;
        </script></body></html>
        """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nuanxin-png-\(UUID().uuidString).html")
        try page.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try run(file.absoluteString, ["--dump-dom", "--virtual-time-budget=5000"])
        guard let range = r.stdout.range(of: "data-stats=\""), let end = r.stdout[range.upperBound...].firstIndex(of: "\"") else {
            throw CLIFailureForTest(message: "the PNG could not be decoded in Chromium: \(r.stderr.suffix(500))")
        }
        let parts = r.stdout[range.upperBound..<end].split(separator: " ").compactMap { Int($0) }
        return (parts[0], parts[1], parts[2])
    }
}

/// The report in a real browser: Debian's chromium, headless.
@Suite("report in a browser", .serialized, .enabled(if: !Browser.skip, "NUANXIN_SKIP_BROWSER_TESTS=1"))
struct ReportBrowserTests {
    @Test("the page loads with no console message, has one mark per feature, and hovering a station shows its name")
    func loadsAndHovers() throws {
        let out = try DefaultReport.get()
        #expect(out.htmlRun.status == 0)
        let r = try Browser.run(out.html.absoluteString + "#selftest", ["--dump-dom", "--virtual-time-budget=3000"])
        #expect(r.status == 0, "\(r.stderr.suffix(1000))")
        #expect(Browser.consoleLines(r.stderr).isEmpty, "\(Browser.consoleLines(r.stderr))")
        let dom = r.stdout
        // The scripts ran to the end, and no error was recorded.
        let root = Browser.rootTag(dom)
        #expect(root.contains("data-ready=\"1\"") && !root.contains("data-errors"), "\(root)")
        // The counts in the live DOM (after the script turned <title>s into tooltips).
        #expect(DefaultReport.markCounts(dom) == (try DefaultReport.expectedCounts.get()))
        // The self-test hovered the first station: the tooltip box names it.
        let tip = try #require(dom.range(of: "<div id=\"tip\" data-for=\""), "no tooltip shown: \(dom.suffix(600))")
        let idEnd = dom[tip.upperBound...].firstIndex(of: "\"")!
        let id = String(dom[tip.upperBound..<idEnd])
        let stations = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: DefaultReport.changzhi).appendingPathComponent("stations.geojson"))) as! [String: Any]
        let feature = (stations["features"] as! [[String: Any]]).first { ($0["properties"] as! [String: Any])["id"] as? String == id }
        let name = try #require((feature?["properties"] as? [String: Any])?["name"] as? String, "tooltip for \(id), not a station")
        let text = dom[dom[tip.upperBound...].firstIndex(of: ">")!...].prefix { $0 != "<" }
        #expect(text.contains(name) && text.contains("seats") && text.contains("hours") && text.contains("load"), "\(text)")
        #expect(!dom.contains("<div id=\"tip\" data-for=\"\(id)\" style=\"left: 34px; top: 34px;\" hidden"))
    }

    @Test("a screenshot is not blank: many colours, most of the window drawn")
    func screenshot() throws {
        let out = try DefaultReport.get()
        let png = out.folder.appendingPathComponent("shot.png")
        let r = try Browser.run(out.html.absoluteString, ["--screenshot=\(png.path)", "--window-size=1200,900", "--virtual-time-budget=3000"])
        #expect(r.status == 0, "\(r.stderr.suffix(1000))")
        let stats = try Browser.pngStatistics(try Data(contentsOf: png))
        #expect(stats.pixels == 1200 * 900)
        #expect(stats.colours > 200, "\(stats)")
        // Text, the map's background, districts and marks cover a good part of the window.
        #expect(Double(stats.notBackground) / Double(stats.pixels) > 0.3, "\(stats)")
        // The check itself tells a blank page apart.
        let blank = out.folder.appendingPathComponent("blank.html"), blankPNG = out.folder.appendingPathComponent("blank.png")
        try "<!DOCTYPE html><html><body></body></html>".write(to: blank, atomically: true, encoding: .utf8)
        _ = try Browser.run(blank.absoluteString, ["--screenshot=\(blankPNG.path)", "--window-size=1200,900"])
        let empty = try Browser.pngStatistics(try Data(contentsOf: blankPNG))
        #expect(empty.colours == 1 && empty.notBackground == 0, "\(empty)")
    }

    @Test("it prints on A4: every page of Chromium's PDF is A4")
    func printsOnA4() throws {
        let out = try DefaultReport.get()
        let pdf = out.folder.appendingPathComponent("report.pdf")
        let r = try Browser.run(out.html.absoluteString, ["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)"])
        #expect(r.status == 0, "\(r.stderr.suffix(1000))")
        let text = String(decoding: try Data(contentsOf: pdf), as: UTF8.self)
        let boxes = text.components(separatedBy: "/MediaBox [").dropFirst().map { $0.prefix { $0 != "]" }.split(separator: " ").compactMap { Double($0) } }
        #expect(!boxes.isEmpty && boxes.count <= 4, "\(boxes.count) pages")
        for b in boxes {
            // A4 is 210 × 297 mm = 595.3 × 841.9 pt.
            #expect(b.count == 4 && abs(b[2] - 595.3) < 2 && abs(b[3] - 841.9) < 2, "\(b)")
        }
    }

    @Test("the SVG alone opens in the browser without a console message")
    func svgInBrowser() throws {
        let out = try DefaultReport.get()
        let r = try Browser.run(out.svg.absoluteString, ["--dump-dom", "--virtual-time-budget=2000"])
        #expect(r.status == 0)
        #expect(Browser.consoleLines(r.stderr).isEmpty, "\(Browser.consoleLines(r.stderr))")
        #expect(DefaultReport.markCounts(r.stdout)["station"] == (try DefaultReport.expectedCounts.get())["station"])
    }

    @Test("the empty dataset's page loads without errors and says there is nothing to show")
    func emptyPage() throws {
        let folder = try Fixtures.tinyCopy { dir in
            for file in ["districts", "stations", "parking_zones", "commercial_areas", "demand", "candidates"] {
                try "{\"type\":\"FeatureCollection\",\"features\":[]}".write(to: dir.appendingPathComponent("\(file).geojson"), atomically: true, encoding: .utf8)
            }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = folder.appendingPathComponent("empty.html")
        #expect(try CLI.run(["report", "--data", folder.path, "--out", html.path]).status == 0)
        let r = try Browser.run(html.absoluteString + "#selftest", ["--dump-dom", "--virtual-time-budget=2000"])
        #expect(Browser.consoleLines(r.stderr).isEmpty, "\(Browser.consoleLines(r.stderr))")
        let root = Browser.rootTag(r.stdout)
        #expect(root.contains("data-ready=\"1\"") && !root.contains("data-errors"), "\(root)")
        #expect(r.stdout.contains("Nothing to show"))
    }
}
