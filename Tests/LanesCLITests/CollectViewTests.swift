import Foundation
import LanesFormat
import LanesModel
import LanesTestSupport
import Testing

/// `lanes collect --view` in a real terminal: the viewer opens on the empty file, spans sent
/// by the OpenTelemetry Python SDK's exporter appear while it runs, `q` stops collecting and
/// finishes the file.
@Suite("lanes collect --view in tmux", .serialized)
struct CollectViewTests {
    static let exporterScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("LanesCollectorTests/otlp_export.py").path

    @Test("spans appear in the viewer as they arrive; q finishes the file",
          .enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed"))
    func viewWhileCollecting() throws {
        let lanes = try ChildProcess.executable("lanes")
        let directory = try LanesProcess.temporaryDirectory()
        let path = directory.appendingPathComponent("live.lanes").path
        let port = 20_000 + Int(getpid() % 20_000)
        let session = try TmuxSession(
            name: "collect", lanes: lanes, arguments: ["collect", "-o", path, "--listen", "127.0.0.1:\(port)", "--view"])
        defer { session.close() }
        let empty = try session.screen { $0.contains("(no spans)") }
        #expect(empty.contains("(no spans)"), "the viewer opens on the new file:\n\(empty)")

        let exporter = try ChildProcess(
            "/usr/bin/env", ["python3", Self.exporterScript, "export", "http://127.0.0.1:\(port)/v1/traces", "--traces", "3"]
        ).finishBlocking()
        if exporter.status == 3 {
            let note = "skipped: the OpenTelemetry Python SDK is missing (pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http)"
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record(Comment(rawValue: note)) } else { print(note) }
            return
        }
        #expect(exporter.status == 0, "\(exporter.errors)")
        let live = try session.screen { $0.contains("GET /item/2") }
        #expect(live.contains("GET /item/0") && live.contains("GET /item/1") && live.contains("GET /item/2"), "\(live)")
        #expect(live.contains("3 tasks · 9 spans"), "3 spans a trace; span events are events, not spans: \(live)")

        try session.send("q")
        let closed = try session.screen { $0.contains("lanes exited with") }
        #expect(closed.contains("lanes exited with 0"), "\(closed)")
        let trace = try TraceLoader.load(path: path).trace
        #expect(trace.spanCount == 9)
        #expect(trace.metadata.finishedCleanly, "quitting the viewer stops collecting and writes the footer")
    }

    @Test("a bad --listen is a usage error", arguments: ["4318", "localhost:", "127.0.0.1:70000", "[::1]4318"])
    func badListen(_ listen: String) throws {
        let result = try LanesProcess.run(["collect", "-o", "/dev/null", "--listen", listen])
        #expect(result.status == 2)
        #expect(result.errors.contains("--listen takes HOST:PORT"), "\(result.errors)")
    }

    @Test("an address in use: one line and exit code 5")
    func addressInUse() async throws {
        let directory = try LanesProcess.temporaryDirectory()
        let port = 40_000 + Int(getpid() % 20_000)
        let first = try ChildProcess(
            ChildProcess.executable("lanes"),
            ["collect", "-o", directory.appendingPathComponent("a.lanes").path, "--listen", "127.0.0.1:\(port)"])
        defer {
            first.signal(SIGINT)
            _ = first.finishBlocking(timeout: .seconds(30))
        }
        // Listening once it has said where.
        let line = await first.firstLine(on: .errors, timeout: .seconds(30))
        #expect(line?.contains("receiving OTLP/HTTP traces at http://127.0.0.1:\(port)") == true, "\(line ?? "no line")")
        let second = try LanesProcess.run(["collect", "-o", directory.appendingPathComponent("b.lanes").path, "--listen", "127.0.0.1:\(port)"])
        #expect(second.status == 5)
        #expect(second.errors.hasPrefix("lanes: cannot listen on 127.0.0.1:\(port)"), "\(second.errors)")
    }
}
