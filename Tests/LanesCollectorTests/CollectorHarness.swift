import Foundation
import LanesFormat
import LanesModel
import LanesTestSupport
import Testing
@testable import LanesCollector

/// Runs the receiver on a free loopback port and drives it with `otlp_export.py` (the
/// OpenTelemetry Python SDK's real exporter, or raw posts).
enum CollectorHarness {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("otlp_export.py").path

    /// A fresh path for a `.lanes` file in a temporary directory.
    static func temporaryFile(_ name: String = "run.lanes") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-collect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    /// Starts a receiver on 127.0.0.1 (a free port) writing to a temporary file.
    static func start(maximumBodyBytes: Int = 64 << 20) async throws -> (OTLPCollector, path: String, url: String) {
        let path = try temporaryFile()
        var configuration = OTLPCollector.Configuration(host: "127.0.0.1", port: 0, outputPath: path)
        configuration.maximumBodyBytes = maximumBodyBytes
        let collector = try await OTLPCollector.start(configuration)
        return (collector, path, "http://127.0.0.1:\(collector.port)/v1/traces")
    }

    /// The output of one run of the script: its exit status and its JSON lines.
    struct ScriptResult {
        var status: Int32
        var lines: [[String: Any]]
        var errors: String
    }

    /// Runs `otlp_export.py ARGUMENTS…` and waits for it.
    static func runScript(_ arguments: [String]) async throws -> ScriptResult {
        let result = try await python([script] + arguments)
        return ScriptResult(status: result.status, lines: jsonLines(result.output), errors: result.errors)
    }

    /// Runs `python3 ARGUMENTS…` and waits for it: its status and what it printed (both streams).
    static func runPython(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await python(arguments)
        return (result.status, result.output + result.errors)
    }

    /// Runs `python3 ARGUMENTS…`; `finish()` suspends meanwhile rather than hold one of the few
    /// cooperative threads the other suites' tasks run on.
    private static func python(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess("/usr/bin/env", ["python3"] + arguments).finish()
    }

    static func jsonLines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// Whether the OpenTelemetry Python SDK and its OTLP/HTTP exporter are installed. Missing
    /// them skips the test with a note, except on CI (`CI` set), where it fails: `.ci/run`
    /// installs them.
    static func sdkAvailable() async throws -> Bool {
        guard let probe = await sdkProbe.value else { throw HarnessError(description: "python3 could not be started") }
        if probe.status == 0 { return true }
        let note = "skipped: python3 with opentelemetry-sdk and opentelemetry-exporter-otlp-proto-http is missing "
            + "(pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http): \(probe.output)"
        if ProcessInfo.processInfo.environment["CI"] != nil || probe.status != 3 {
            Issue.record(Comment(rawValue: note))
        } else {
            print(note)
        }
        return false
    }

    /// One run of the script that needs the SDK, made once per test process.
    private static let sdkProbe = Task<(status: Int32, output: String)?, Never> {
        (try? await runScript(["capture", "/dev/null", "--traces", "1"])).map { ($0.status, "\($0.lines) \($0.errors)") }
    }

    /// One raw request through the script: status, lower-cased headers, body.
    static func post(
        _ url: String, body: [UInt8], contentType: String, gzip: Bool = false, method: String = "POST",
        encoding: String? = nil
    ) async throws -> (status: Int, headers: [String: String], body: [UInt8]) {
        let file = try temporaryFile("body.bin")
        try Data(body).write(to: URL(fileURLWithPath: file))
        var arguments = ["post", url, "--content-type", contentType, "--body-file", file, "--method", method]
        if gzip { arguments.append("--gzip") }
        if let encoding { arguments += ["--encoding", encoding] }
        let result = try await runScript(arguments)
        guard result.status == 0, let line = result.lines.first, let status = line["status"] as? Int,
              let headers = line["headers"] as? [String: String], let hex = line["body"] as? String
        else {
            throw HarnessError(description: "post failed (\(result.status)): \(result.errors)")
        }
        return (status, headers, hexBytes(hex))
    }

    static func hexBytes(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex, let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) {
            bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    /// Reads the `.lanes` file back as every command does.
    static func read(_ path: String) throws -> TraceLoadResult {
        try TraceLoader.load(path: path)
    }

    /// Spans named `name`.
    static func spans(named name: String, in trace: Trace) -> [Int] {
        (0..<trace.spanCount).filter { trace.strings[trace.spanName[$0]] == name }
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
    }
}
