import Foundation
import UserStreamTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// One page of a headless Chromium driven over the Chrome DevTools Protocol in real time (no virtual time, so a page
/// with an open event stream runs as in a user's browser), through `Tests/Browser/cdp_page.py`: one protocol command
/// per line to the driver, one answer per line back.
final class CDPPage {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let script = InteropEnvironment.packageRoot + "/Tests/Browser/cdp_page.py"

    let driver: ChildProcess
    private var answered = 0

    /// Starts the browser and opens `url` (the navigation is under way when this returns).
    init(chromium: String, url: String) async throws {
        driver = try ChildProcess(InteropEnvironment.python, [Self.script, chromium, url], standardInput: true)
        _ = try await nextAnswer(to: "Page.navigate", timeout: .seconds(45))
    }

    /// Sends `method` to the page and returns its result.
    @discardableResult
    func call(
        _ method: String,
        _ params: [String: Any] = [:],
        timeout: Duration = .seconds(40)
    ) async throws -> [String: Any] {
        let command = try JSONSerialization.data(withJSONObject: ["method": method, "params": params])
        driver.write(String(decoding: command, as: UTF8.self) + "\n")
        return try await nextAnswer(to: method, timeout: timeout)
    }

    /// The value of a JavaScript expression in the page (a promise is awaited); a thrown exception is a `Failure`.
    @discardableResult
    func evaluate(_ expression: String) async throws -> Any? {
        let answer = try await call(
            "Runtime.evaluate",
            ["expression": expression, "returnByValue": true, "awaitPromise": true]
        )
        if let exception = answer["exceptionDetails"] as? [String: Any] {
            let thrown = (exception["exception"] as? [String: Any])?["description"] ?? exception["text"] ?? ""
            throw Failure(description: "\(expression) threw: \(thrown)")
        }
        return (answer["result"] as? [String: Any])?["value"]
    }

    /// The page's JSON value of `expression` (which must evaluate to a string of JSON) decoded as `T`.
    func evaluate<T: Decodable>(_ type: T.Type, _ expression: String) async throws -> T {
        guard let json = try await evaluate(expression) as? String else {
            throw Failure(description: "\(expression) did not evaluate to a string")
        }
        return try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    /// A PNG of the viewport.
    func screenshot() async throws -> Data {
        let answer = try await call("Page.captureScreenshot", ["format": "png"])
        guard let base64 = answer["data"] as? String, let png = Data(base64Encoded: base64) else {
            throw Failure(description: "Page.captureScreenshot returned no image")
        }
        return png
    }

    /// Closes the browser (the end of the driver's input) and returns what the driver left.
    func close() async throws -> ChildProcess.Output {
        driver.write("", close: true)
        return try await driver.wait(timeout: .seconds(20))
    }

    /// Ends the driver at once; the browser follows it (it dies with its parent).
    func kill() {
        if driver.isRunning { driver.signal(SIGKILL) }
    }

    private func nextAnswer(to method: String, timeout: Duration) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let lines = driver.stdoutSoFar.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            if lines.count > answered {
                let line = lines[lines.startIndex + answered]
                answered += 1
                let answer = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
                if let error = answer["error"] {
                    throw Failure(description: "\(method) failed: \(error)\n\(driver.stderrSoFar.suffix(2000))")
                }
                return answer["result"] as? [String: Any] ?? [:]
            }
            if !driver.isRunning || ContinuousClock.now > deadline {
                let why = driver.isRunning ? "no answer within \(timeout)" : "the driver exited"
                throw Failure(description: "\(method): \(why)\n\(driver.stderrSoFar.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
