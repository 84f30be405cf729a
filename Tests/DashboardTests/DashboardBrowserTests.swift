import Dashboard
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import UserStreamContracts
import UserStreamTestSupport

/// The dashboard rendered by a real headless Chromium (Debian package `chromium`) against a live server on an
/// ephemeral port: the charts have data points, the runs table has rows, the newest users have cards, and a
/// screenshot is a PNG.
@Suite("DashboardBrowserTests", .serialized)
struct DashboardBrowserTests {
    static let chromiumCandidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]

    static func chromium() throws -> String {
        if let path = ProcessInfo.processInfo.environment["USERSTREAM_CHROMIUM"] { return path }
        guard let path = chromiumCandidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BrowserTestError("no chromium found (apt-get install chromium, or `make test-deps`)")
        }
        return path
    }

    /// The build folder (`.build/…`) the test binary runs from, or `USERSTREAM_BUILD_DIR`.
    static func buildFolder() -> String {
        if let path = ProcessInfo.processInfo.environment["USERSTREAM_BUILD_DIR"] { return path }
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        while url.pathComponents.count > 1 {
            if url.lastPathComponent.hasPrefix(".build") { return url.path }
            url.deleteLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath + "/.build"
    }

    struct BrowserTestError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    func chromium(_ arguments: [String], profile: String) async throws -> ChildProcess.Output {
        let base = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(profile)", "--virtual-time-budget=5000",
        ]
        return try await ChildProcess.run(try Self.chromium(), base + arguments, timeout: .seconds(45))
    }

    @Test func dashboardRendersChartsRunsAndUserCards() async throws {
        try await withDashboardFixture { fixture in
            let profile = try TemporaryDirectory()
            defer { profile.remove() }
            let app = fixture.application(fixture.controller(eventInterval: .seconds(1)))
            try await app.test(.live) { client in
                let port = try #require(client.port)
                // `live=0`: no event stream, which would keep Chromium's virtual time from advancing (the stream itself
                // is covered by the router tests).
                let url = "http://127.0.0.1:\(port)/?live=0"

                let dump = try await chromium(["--dump-dom", url], profile: profile.path)
                let dom = dump.stdout
                #expect(dump.status == 0, "chromium --dump-dom failed: \(dump.stderr.suffix(2000))")
                // Charts: one circle per minute of the line chart, bars with data for the others.
                let points = Self.count(#"<circle class="point""#, in: dom)
                #expect(points > 1, "no data points in the users-per-minute chart")
                #expect(Self.count(#"<rect class="bar""#, in: dom) >= 2 + 5 + 3)
                #expect(dom.contains(#"data-label="female""#) && dom.contains(#"data-label="male""#))
                // The runs table has the two runs, the failed one flagged.
                #expect(Self.count(#"<tr class="run"#, in: dom) == 2)
                #expect(dom.contains("zero-rows"))
                // Newest users as cards.
                #expect(Self.count(#"class="user-card""#, in: dom) == 12)
                #expect(dom.contains("data-user-id=\"\(StoreFixtures.id(299))\""))
                // Health numbers filled in.
                #expect(dom.contains(#"id="stat-stored">300<"#))
                #expect(!dom.contains(#"id="stat-stored">–<"#))

                let screenshot = Self.buildFolder() + "/dashboard.png"
                try? FileManager.default.removeItem(atPath: screenshot)
                let shotArguments = [
                    "--screenshot=\(screenshot)",
                    "--window-size=\(ProcessInfo.processInfo.environment["USERSTREAM_DASHBOARD_WINDOW"] ?? "1280,900")",
                    "--hide-scrollbars", url,
                ]
                var shot = try await chromium(shotArguments, profile: profile.path)
                if shot.status != 0 {
                    // Headless Chromium now and then stalls on start-up under load: one more try with a fresh profile.
                    let retryProfile = try TemporaryDirectory()
                    defer { retryProfile.remove() }
                    shot = try await chromium(shotArguments, profile: retryProfile.path)
                }
                #expect(shot.status == 0, "chromium --screenshot failed: \(shot.stderr.suffix(2000))")
                let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
                #expect(png.count > 10_000)
                #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            }
        }
    }

    @Test func sqlPageRunsAQueryIntoATable() async throws {
        try await withDashboardFixture { fixture in
            let profile = try TemporaryDirectory()
            defer { profile.remove() }
            try await fixture.application(fixture.controller()).test(.live) { client in
                let port = try #require(client.port)
                let dump = try await chromium(["--dump-dom", "http://127.0.0.1:\(port)/sql"], profile: profile.path)
                #expect(dump.status == 0)
                #expect(dump.stdout.contains(#"id="sql-form""#))
                #expect(dump.stdout.contains(#"href="/api/query.csv?q=SELECT%20nat"#))
            }
        }
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
