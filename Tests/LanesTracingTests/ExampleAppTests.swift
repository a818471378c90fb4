import Foundation
import LanesFormat
import LanesModel
import Testing

/// The README's example, run as a real process: `LanesTracer()` records to the file named by
/// `LANES_TRACE`, and records nothing when it is unset.
@Suite struct ExampleAppTests {
    /// The built `LanesExampleApp`, next to the test bundle in the build products directory
    /// (CI runs `swift build` before `swift test`).
    static var exampleApp: URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("LanesExampleApp")
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("LanesExampleApp")
    }

    /// Runs the example with `--tracing` and returns its exit status.
    static func runExample(environment: [String: String], in directory: String? = nil) throws -> Int32 {
        let process = Process()
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.executableURL = exampleApp
        process.arguments = ["--tracing"]
        var processEnvironment = ProcessInfo.processInfo.environment
        processEnvironment["LANES_TRACE"] = nil
        for (key, value) in environment { processEnvironment[key] = value }
        process.environment = processEnvironment
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func recordsToTheFileNamedByLanesTrace() throws {
        let path = TracingFixtures.temporaryPath("inbox.lanes")
        #expect(try Self.runExample(environment: ["LANES_TRACE": path]) == 0)
        let trace = try TraceLoader.load(path: path).trace
        let request = trace.span(named: "GET /inbox")
        #expect(trace.spanKind[request] == .handler, "\(trace.outline)")
        #expect(trace.attribute("http.method", ofSpan: request) == "GET")
        #expect(trace.attribute("inbox.count", ofSpan: request) == "4")
        #expect(trace.parentName(of: "SELECT messages") == "GET /inbox")
        #expect(trace.parentName(of: "count_unread") == "GET /inbox")
        #expect(trace.parentName(of: "decode_rows") == "SELECT messages")
        #expect(trace.eventNames(of: trace.span(named: "SELECT messages")) == ["rows fetched"])
        #expect(trace.telemetry(ofSpan: request)?.kind == .server)
        #expect(trace.spanStatus.allSatisfy { $0 == .ok })
    }

    @Test func recordsNothingWithoutLanesTrace() throws {
        let folder = URL(fileURLWithPath: TracingFixtures.temporaryPath("x")).deletingLastPathComponent().path
        #expect(try Self.runExample(environment: [:], in: folder) == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
}
