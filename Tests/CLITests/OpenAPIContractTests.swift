import Foundation
import Testing
import UserStreamTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `userstream serve` and `run`'s HTTP API against their own OpenAPI document (`/openapi.json`), checked by
/// schemathesis (in the interop virtualenv): every generated request, valid or not, answers without a 5xx and as
/// the document says.
@Suite(.serialized) struct OpenAPIContractTests {
    /// `st` of the interop virtualenv.
    static var schemathesis: String { InteropEnvironment.virtualenvBin + "/st" }

    /// Runs schemathesis with every check against the server on `port`, in `directory` (where it leaves its
    /// `.hypothesis` and `.schemathesis` folders), and expects it to pass on every operation.
    static func checkContract(port: Int, directory: String) async throws {
        let document = try await HTTPCLITests.json(port, "/openapi.json")
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        let operations = paths.values.map(\.count).reduce(0, +)
        #expect(operations > 20, "\(document)")
        // The config file accepts a 400 to SQL that is not valid, and reads the first event of each `/api/events` stream.
        let run = try await ChildProcess.run(
            "/usr/bin/env",
            [
                "--chdir", directory, schemathesis, "--config-file",
                InteropEnvironment.packageRoot + "/Tests/HTTPServerTests/Interop/schemathesis.toml",
                "run", "http://127.0.0.1:\(port)/openapi.json", "--checks", "all", "--max-examples", "60",
                "--workers", "1", "--request-timeout", "10",
                "--generation-database", "none", "--phases", "examples,coverage,fuzzing", "--no-color",
            ],
            environment: ["HOME": directory],
            timeout: .seconds(240)
        )
        let report = "schemathesis:\n\(run.stdout.suffix(12_000))\n\(run.stderr.suffix(4000))"
        #expect(run.status == 0, "\(report)")
        // Every operation schemathesis selected (all but the document's own URL) was tested.
        let selected = run.stdout.firstMatch(of: /Selected: (\d+)\//).flatMap { Int($0.1) } ?? 0
        #expect(selected >= operations - 1 && selected > 20, "\(report)")
        #expect(run.stdout.contains("Tested: \(selected)\n"), "\(report)")
        #expect(!run.stdout.contains("failed"), "\(report)")
    }

    static func ensureSchemathesis() -> Bool {
        if FileManager.default.isExecutableFile(atPath: schemathesis) { return true }
        Issue.record("no schemathesis at \(schemathesis): run `make test-deps`")
        return false
    }

    @Test("schemathesis: serve answers every generated request as its OpenAPI document says, never with a 5xx")
    func serveConformsToItsDocument() async throws {
        guard Self.ensureSchemathesis() else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let ingest = try await CLI.run([
            "ingest", "--source", "synthetic", "--count", "60", "--rate", "0", "--data-dir", data,
        ])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let process = try await CLI.run(["process", "--until-idle", "--data-dir", data])
        #expect(process.status == 0, "\(process.stderr)")

        let port = try KafkaCLITests.freePort()
        let serve = try CLI.start(["serve", "--port", String(port), "--data-dir", data])
        defer { serve.signal(SIGKILL) }
        try await HTTPCLITests.waitForHTTP(serve)
        try await Self.checkContract(port: port, directory: directory.path)
        #expect(serve.isRunning, "serve exited: \(serve.stderrSoFar.suffix(4000))")

        serve.signal(SIGTERM)
        #expect(try await serve.wait(timeout: .seconds(30)).status == 0)
    }

    /// Under `run` the controls (trigger, pause, resume) act on the process's own scheduler, and the lag is known.
    @Test("schemathesis: run (with a scheduler and a log) answers as its OpenAPI document says, never with a 5xx")
    func runConformsToItsDocument() async throws {
        guard Self.ensureSchemathesis() else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let port = try KafkaCLITests.freePort()
        let run = try CLI.start([
            "run", "--source", "synthetic", "--rate", "200", "--schedule", "@every 2s", "--duration", "1s",
            "--kafka-port", "0", "--cql-port", "0", "--http-port", String(port), "--data-dir", data,
        ])
        defer { run.signal(SIGKILL) }
        try await HTTPCLITests.waitForHTTP(run)
        _ = try await KafkaCLITests.waitForRows(1, data: data, timeout: .seconds(60))
        try await Self.checkContract(port: port, directory: directory.path)
        #expect(run.isRunning, "run exited: \(run.stderrSoFar.suffix(4000))")

        run.signal(SIGTERM)
        #expect(try await run.wait(timeout: .seconds(30)).status == 0)
    }
}
