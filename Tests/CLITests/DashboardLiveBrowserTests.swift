import Foundation
import Testing
import UserStreamTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The live dashboard (`/`, following `/api/events`) in a headless Chromium driven over the DevTools Protocol in real
/// time, against a running `userstream run`: the page fills in from the event stream, a run triggered from the page
/// shows up in the same page without a reload, and a stopped server shows as a lost connection.
@Suite(.serialized) struct DashboardLiveBrowserTests {
    /// What the test reads off the page.
    struct PageState: Decodable, CustomStringConvertible {
        struct Run: Decodable {
            var id: String
            var trigger: String
            var state: String
        }

        var live: String
        var liveOn: Bool
        var stored: Int?
        /// Users ingested per second: a rate only the event stream computes (between two of its snapshots).
        var ingested: String
        var runs: [Run]
        var message: String
        var marker: String?
        var navigations: Int

        var description: String {
            let runs = runs.map { "\($0.id) \($0.trigger) \($0.state)" }.joined(separator: "; ")
            return "live=\(live)\(liveOn ? " (on)" : "") stored=\(stored.map(String.init) ?? "–") "
                + "ingested/s=\(ingested) runs=[\(runs)] message=\(message) marker=\(marker ?? "none") "
                + "navigations=\(navigations)"
        }
    }

    static let readPage = """
        JSON.stringify((() => {
          const live = document.getElementById("live");
          const stored = Number(document.getElementById("stat-stored").textContent.replace(/,/g, ""));
          return {
            live: live.textContent, liveOn: live.classList.contains("on"),
            stored: Number.isFinite(stored) ? stored : null,
            ingested: document.getElementById("stat-ingested").textContent,
            runs: [...document.querySelectorAll("#runs-table tr.run")].map((row) => ({
              id: row.dataset.runId, trigger: row.cells[1].textContent, state: row.cells[2].textContent })),
            message: document.getElementById("control-message").textContent,
            marker: window.liveTestMarker || null,
            navigations: performance.getEntriesByType("navigation").length,
          };
        })())
        """

    /// The `.build…` folder the `userstream` binary was built in (`.build/dashboard-live.png` takes the screenshot).
    static func buildFolder() -> String {
        var url = URL(fileURLWithPath: CLI.binary)
        while url.pathComponents.count > 1 {
            if url.lastPathComponent.hasPrefix(".build") { return url.path }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().path
    }

    /// Reads the page every 250 ms until `done` holds; after `timeout`, throws with the last state read.
    static func waitFor(
        _ page: CDPPage,
        _ what: String,
        timeout: Duration,
        until done: (PageState) -> Bool
    ) async throws -> PageState {
        let deadline = ContinuousClock.now + timeout
        var state = try await page.evaluate(PageState.self, readPage)
        while !done(state) {
            if ContinuousClock.now > deadline {
                throw CDPPage.Failure(description: "\(what): not within \(timeout); the page: \(state)")
            }
            try await Task.sleep(for: .milliseconds(250))
            state = try await page.evaluate(PageState.self, readPage)
        }
        return state
    }

    @Test("live dashboard in real-time Chromium: fills in from /api/events, a triggered run appears without reload")
    func liveDashboardFollowsTheEventStream() async throws {
        let chromium = "/usr/bin/chromium"
        guard FileManager.default.isExecutableFile(atPath: chromium) else {
            Issue.record("chromium is not installed: run `make test` (it installs Debian's chromium)")
            return
        }
        guard FileManager.default.isExecutableFile(atPath: InteropEnvironment.python) else {
            Issue.record("no Python at \(InteropEnvironment.python): run `make test`")
            return
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try KafkaCLITests.freePort()
        // One run at start-up, then only the run the page triggers (the next scheduled one is an hour away).
        let run = try CLI.start([
            "run", "--source", "synthetic", "--rate", "500", "--batch-size", "50", "--schedule", "@every 1h",
            "--duration", "1s", "--kafka-port", "0", "--cql-port", "0", "--http-port", String(port),
            "--data-dir", directory.path + "/data",
        ])
        defer { run.signal(SIGKILL) }
        try await HTTPCLITests.waitForHTTP(run)

        let page = try await CDPPage(chromium: chromium, url: "http://127.0.0.1:\(port)/")
        defer { page.kill() }

        // The event stream marks the page live and delivers the finished start-up run and its users.
        let first = try await Self.waitFor(page, "the first run over the event stream", timeout: .seconds(30)) {
            $0.live == "live" && $0.liveOn && ($0.stored ?? 0) > 0 && $0.runs.count == 1
                && $0.runs.allSatisfy { $0.state == "success" }
        }
        let firstStored = try #require(first.stored, "\(first)")
        try #require(first.runs.count == 1, "\(first)")
        #expect(first.runs[0].trigger == "scheduled", "\(first)")

        // A run triggered from the page's button: its row and its users arrive in this same page (no reload: the
        // marker set now survives and there is still one navigation).
        try await page.evaluate(#"window.liveTestMarker = "before the trigger""#)
        try await page.evaluate(#"document.getElementById("btn-trigger").click()"#)
        let second = try await Self.waitFor(page, "the triggered run over the event stream", timeout: .seconds(20)) {
            $0.runs.count == 2 && $0.runs.allSatisfy { $0.state == "success" } && ($0.stored ?? 0) > firstStored
        }
        #expect(second.message == "trigger: ok", "\(second)")
        #expect(second.runs.contains { $0.trigger == "manual" }, "\(second)")
        #expect(Set(second.runs.map(\.id)).contains(first.runs[0].id), "\(second)")
        #expect(second.marker == "before the trigger" && second.navigations == 1, "the page reloaded: \(second)")
        #expect(second.live == "live" && second.liveOn && second.ingested != "–", "\(second)")

        let screenshot = Self.buildFolder() + "/dashboard-live.png"
        let png = try await page.screenshot()
        try png.write(to: URL(fileURLWithPath: screenshot))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] && png.count > 10_000)

        // The server stops (with the stream open): the page says it lost the live connection and keeps its numbers.
        run.signal(SIGTERM)
        let stopped = try await run.wait(timeout: .seconds(30))
        #expect(stopped.status == 0, "\(stopped.stderr.suffix(2000))")
        let lost = try await Self.waitFor(page, "the lost connection on the page", timeout: .seconds(10)) {
            $0.live == "reconnecting…" && !$0.liveOn
        }
        #expect((lost.stored ?? 0) >= (second.stored ?? 0) && lost.marker == "before the trigger", "\(lost)")

        let closed = try await page.close()
        #expect(closed.status == 0, "\(closed.stderr.suffix(2000))")
    }
}
