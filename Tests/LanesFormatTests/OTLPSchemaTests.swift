import Foundation
import LanesModel
import LanesTestSupport
import Testing
@testable import LanesFormat

/// Runs `otlp_schema_check.py` (beside this file) on our export: the official
/// `opentelemetry-proto` schema must accept it. Without the Python package the test is
/// skipped with a note, unless the environment variable `CI` is set, where it fails.
@Suite("OTLP export against the official schema")
struct OTLPSchemaTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("otlp_schema_check.py").path

    /// Runs the checker on `bytes` (with `arguments` after the file); returns its exit status and output.
    static func check(_ bytes: [UInt8], arguments: [String] = []) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("lanes-otlp-\(UUID().uuidString).json")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try runPython(script, [file.path] + arguments)
    }

    /// Runs a Python script beside the tests; returns its exit status and output (standard
    /// output, then standard error).
    static func runPython(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try ChildProcess("/usr/bin/env", ["python3", script] + arguments).finishBlocking()
        return (result.status, result.output + result.errors)
    }

    /// Whether the checker can run here; records a failure on CI when it cannot, and
    /// anywhere when the checker itself is broken.
    static func checkerAvailable() throws -> Bool {
        let probe = try check(Array("{\"resourceSpans\":[]}".utf8))
        if probe.status == 0 { return true }
        // 3: the script's "package missing" status; 127: no python3 at all.
        guard probe.status == 3 || probe.status == 127 else {
            Issue.record("the OTLP schema checker failed on an empty request (status \(probe.status)): \(probe.output)")
            return false
        }
        let note = "OTLP schema check skipped: python3 with opentelemetry-proto is missing "
            + "(pip install opentelemetry-proto): \(probe.output.trimmingCharacters(in: .whitespacesAndNewlines))"
        if ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record(Comment(rawValue: note))
        } else {
            print(note)
        }
        return false
    }

    @Test("exports of random traces parse as ExportTraceServiceRequest", arguments: [1, 7, 23])
    func exportMatchesSchema(seed: Int) throws {
        guard try Self.checkerAvailable() else { return }
        let result = try Self.check(OTLPTraceExporter.export(ChromeTestSupport.randomTrace(seed: UInt64(seed))))
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("the checker rejects what the schema rejects")
    func checkerRejectsBadRequests() throws {
        guard try Self.checkerAvailable() else { return }
        let good = "{\"traceId\":\"0123456789abcdef0123456789abcdef\",\"spanId\":\"0123456789abcdef\",\"name\":\"a\"}"
        let cases = [
            good.replacingOccurrences(of: "\"traceId\":\"0123456789abcdef0123456789abcdef\"", with: "\"traceId\":\"0123\""),
            good.replacingOccurrences(of: "\"spanId\":\"0123456789abcdef\"", with: "\"spanId\":\"xyz3456789abcdef\""),
            good.replacingOccurrences(of: "\"name\":\"a\"", with: "\"name\":\"a\",\"kind\":\"sideways\""),
            good.replacingOccurrences(of: "\"name\":\"a\"", with: "\"name\":\"a\",\"colour\":1"),
        ]
        let accepted = try Self.check(Array("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[\(good)]}]}]}".utf8))
        #expect(accepted.status == 0, "\(accepted.output)")
        for span in cases {
            let result = try Self.check(Array("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[\(span)]}]}]}".utf8))
            #expect(result.status == 1, "accepted \(span)")
        }
    }
}
