import Foundation
import Testing
import UserStreamTestSupport

/// `deploy/userstream/every-minute.sh`, the distributed profile's schedule for `userstream ingest`, with a stand-in
/// `userstream` on the PATH and a 1-second period.
@Suite struct EveryMinuteTests {
    @Test("runs userstream with its arguments every period, goes on after a failed run, stops on SIGTERM")
    func schedule() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let calls = directory.path + "/calls"
        // The second run fails, as an ingest run that delivered zero users does.
        let standIn = """
            #!/bin/sh
            echo "$*" >> \(calls)
            [ $(wc -l < \(calls)) -eq 2 ] && exit 1
            exit 0
            """
        #expect(
            FileManager.default.createFile(
                atPath: directory.path + "/userstream",
                contents: Data(standIn.utf8),
                attributes: [.posixPermissions: 0o755]
            )
        )
        let path = directory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let loop = try ChildProcess(
            "/bin/sh",
            [Deploy.path("deploy/userstream/every-minute.sh"), "ingest", "--duration", "1s"],
            environment: ["PATH": path, "USERSTREAM_EVERY": "1"]
        )
        defer { if loop.isRunning { loop.signal(SIGKILL) } }

        var lines: [String] = []
        for _ in 0..<100 where lines.count < 3 {
            try await Task.sleep(for: .milliseconds(100))
            lines = ((try? String(contentsOfFile: calls, encoding: .utf8)) ?? "").split(separator: "\n").map(
                String.init
            )
        }
        #expect(lines.count >= 3, "ran \(lines.count) times in 10 s with a 1 s period")
        #expect(lines.allSatisfy { $0 == "ingest --duration 1s" }, "\(lines)")

        loop.signal(SIGTERM)
        let output = try await loop.wait(timeout: .seconds(10))
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("userstream ingest exited with status 1"), "\(output.stderr)")
    }
}
