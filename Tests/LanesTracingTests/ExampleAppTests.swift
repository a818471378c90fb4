import Foundation
import LanesFormat
import LanesModel
import LanesTestSupport
import Testing

/// The README's example, run as a real process: `LanesTracer()` records to the file named by
/// `LANES_TRACE`, and records nothing when it is unset.
@Suite struct ExampleAppTests {
    /// Runs the built example (CI runs `swift build` before `swift test`) with `--tracing` and
    /// extra `environment` variables, in `directory` when given; returns its exit status.
    static func runExample(environment: [String: String], in directory: String? = nil) throws -> Int32 {
        try ChildProcess(ChildProcess.executable("LanesExampleApp"), ["--tracing"], environment: environment, currentDirectory: directory)
            .finishBlocking().status
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
