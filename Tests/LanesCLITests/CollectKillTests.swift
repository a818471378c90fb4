import Foundation
import LanesFormat
import LanesModel
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `lanes collect` binary killed with SIGKILL while the SDK's exporter is sending
/// batches: the file reads back, and every batch answered before the last flush is in it.
@Suite("lanes collect survives SIGKILL", .serialized)
struct KillTests {
    /// Lines a child process prints, collected on a thread of their own.
    final class LineReader: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []

        init(_ handle: FileHandle) {
            let thread = Thread { [self] in
                var pending = Data()
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    pending.append(data)
                    while let newline = pending.firstIndex(of: 0x0A) {
                        let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                        pending.removeSubrange(pending.startIndex...newline)
                        lock.lock()
                        lines.append(line)
                        lock.unlock()
                    }
                }
            }
            thread.start()
        }

        var snapshot: [String] {
            lock.lock()
            defer { lock.unlock() }
            return lines
        }

        /// Waits up to `seconds` for a line satisfying `predicate`.
        func wait(seconds: Double, for predicate: (String) -> Bool) -> String? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if let line = snapshot.first(where: predicate) { return line }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return nil
        }
    }

    @Test("SIGKILL during a stream of batches: the file reads back with every batch answered before the last flush")
    func killDuringStream() throws {
        let binary = try #require(LanesProcess.binaryPath, "the lanes binary was not found next to the tests; run `swift build` first")
        let path = try LanesProcess.temporaryDirectory().appendingPathComponent("killed.lanes").path

        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: binary)
        receiver.arguments = ["collect", "-o", path, "--listen", "127.0.0.1:0"]
        let receiverErrors = Pipe()
        receiver.standardError = receiverErrors
        receiver.standardOutput = FileHandle.nullDevice
        try receiver.run()
        defer { if receiver.isRunning { kill(receiver.processIdentifier, SIGKILL) } }
        let receiverLines = LineReader(receiverErrors.fileHandleForReading)
        let banner = try #require(receiverLines.wait(seconds: 20) { $0.contains("/v1/traces") }, "no banner: \(receiverLines.snapshot)")
        let url = try #require(banner.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))

        let sender = Process()
        sender.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sender.arguments = ["python3", CollectViewTests.exporterScript, "stream", url, "--batches", "400", "--traces-per-batch", "20"]
        let senderOutput = Pipe()
        sender.standardOutput = senderOutput
        sender.standardError = FileHandle.nullDevice
        try sender.run()
        defer { if sender.isRunning { kill(sender.processIdentifier, SIGKILL) } }
        let senderLines = LineReader(senderOutput.fileHandleForReading)

        // Let some batches be answered, then give the writer more than its 100 ms to flush them,
        // then kill the receiver while the exporter keeps sending.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, sender.isRunning, !senderLines.snapshot.contains(where: { $0.contains("\"acknowledged\": 5") }) {
            usleep(10_000)
        }
        if !sender.isRunning && sender.terminationStatus == 3 {
            let note = "skipped: the OpenTelemetry Python SDK is missing (pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http)"
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record(Comment(rawValue: note)) } else { print(note) }
            return
        }

        let answered = senderLines.snapshot.compactMap(Self.acknowledged).max() ?? -1
        #expect(answered >= 5, "the exporter got answers: \(senderLines.snapshot.suffix(3))")
        Thread.sleep(forTimeInterval: 0.3)
        let answeredBeforeKill = senderLines.snapshot.compactMap(Self.acknowledged).max() ?? -1
        #expect(kill(receiver.processIdentifier, SIGKILL) == 0)
        receiver.waitUntilExit()
        #expect(receiver.terminationReason == .uncaughtSignal && receiver.terminationStatus == SIGKILL)
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
