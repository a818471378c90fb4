import Foundation
import LanesFormat
import LanesModel
import LanesTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `lanes collect` binary killed with SIGKILL while the SDK's exporter is sending
/// batches: the file reads back, and every batch answered before the last flush is in it.
@Suite("lanes collect survives SIGKILL", .serialized)
struct KillTests {
    @Test("SIGKILL during a stream of batches: the file reads back with every batch answered before the last flush")
    func killDuringStream() async throws {
        let path = try LanesProcess.temporaryDirectory().appendingPathComponent("killed.lanes").path

        let receiver = try ChildProcess(ChildProcess.executable("lanes"), ["collect", "-o", path, "--listen", "127.0.0.1:0"])
        defer { receiver.signal(SIGKILL) }
        let banner = try #require(
            await receiver.waitForLine(on: .errors, timeout: .seconds(20)) { $0.contains("/v1/traces") },
            "no banner: \(receiver.lines(of: .errors))")
        let url = try #require(banner.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))

        let sender = try ChildProcess(
            "/usr/bin/env", ["python3", CollectViewTests.exporterScript, "stream", url, "--batches", "400", "--traces-per-batch", "20"])
        defer { sender.signal(SIGKILL) }

        // Let some batches be answered, then give the writer more than its 100 ms to flush them,
        // then kill the receiver while the exporter keeps sending.
        let fifthAnswer = await sender.waitForLine(timeout: .seconds(30)) { $0.contains("\"acknowledged\": 5") }
        if fifthAnswer == nil, await sender.finish(timeout: .seconds(10)).status == 3 {
            let note = "skipped: the OpenTelemetry Python SDK is missing (pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http)"
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record(Comment(rawValue: note)) } else { print(note) }
            return
        }

        let answered = sender.lines(of: .output).compactMap(Self.acknowledged).max() ?? -1
        #expect(answered >= 5, "the exporter got answers: \(sender.lines(of: .output).suffix(3))")
        try await Task.sleep(for: .milliseconds(300))
        let answeredBeforeKill = sender.lines(of: .output).compactMap(Self.acknowledged).max() ?? -1
        #expect(receiver.signal(SIGKILL))
        let killed = await receiver.finish(timeout: .seconds(30))
        #expect(killed.signal == SIGKILL)
        #expect(sender.isRunning || answeredBeforeKill < 399, "the stream was still going when the receiver died")

        let loaded = try TraceLoader.load(path: path)
        let trace = loaded.trace
        #expect(loaded.warnings.contains { $0.message.contains("did not finish") }, "\(loaded.warnings)")
        // Every trace of every batch answered 300 ms before the kill is there, whole.
        var missing: [Int] = []
        for index in 0..<((answered + 1) * 20) {
            let roots = (0..<trace.spanCount).filter { trace.name(ofSpan: $0) == "GET /item/\(index)" }
            if roots.count != 1 || trace.children(ofSpan: roots[0]).count != 2 { missing.append(index) }
        }
        #expect(missing.isEmpty, "traces of answered batches missing after SIGKILL: \(missing.prefix(10))")
        #expect(trace.spanCount >= (answered + 1) * 60)
        print("SIGKILL test: \(answered + 1) batches answered 300 ms before the kill, \(answeredBeforeKill + 1) at the kill; "
              + "\(trace.spanCount / 60) batches' worth of spans in the file")
    }

    static func acknowledged(_ line: String) -> Int? {
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["acknowledged"] as? Int
    }
}
