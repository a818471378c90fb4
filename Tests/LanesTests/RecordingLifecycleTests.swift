import Foundation
@testable import Lanes
import LanesFormat
import LanesModel
import LanesTestSupport
import Testing

/// Starting, finishing and stopping recordings: one recording per file, finishing that never
/// blocks a cooperative thread, the size limit, bounded strings, and servers that must stop on
/// SIGINT. Part of the serialized `RecorderTests` suite: several tests start the process-wide
/// recording, which would otherwise catch each other's spans.
extension RecorderTests {
    @Test("a second recording of the same file is refused; after finish it may start again")
    func oneRecordingPerFile() async throws {
        let path = TraceFixtures.temporaryPath("once.lanes")
        let first = try Lanes.record(to: path, captureJobs: false)
        #expect(throws: LanesRecordingError.self) { _ = try Lanes.record(to: path) }
        // The same file by another spelling is the same file.
        let folder = (path as NSString).deletingLastPathComponent
        let otherSpelling = folder + "/../" + (folder as NSString).lastPathComponent + "/once.lanes"
        #expect(throws: LanesRecordingError.self) { _ = try Lanes.record(to: otherSpelling) }
        await Lanes.span("kept") {}
        await first.finish()
        let trace = try TraceFixtures.load(path)
        #expect(trace.metadata.finishedCleanly, "the refused attempts did not truncate the file")
        #expect(trace.spans(named: "kept").count == 1)
        let again = try Lanes.record(to: path, captureJobs: false)
        await again.finish()
    }

    @Test("a second bootstrapFromEnvironment() returns the running recording")
    func repeatedBootstrap() async throws {
        let path = TraceFixtures.temporaryPath("bootstrap.lanes")
        setenv("LANES_TRACE", path, 1)
        // Job capture would take over this test process's global executor for good.
        setenv("LANES_CAPTURE_JOBS", "0", 1)
        defer {
            unsetenv("LANES_TRACE")
            unsetenv("LANES_CAPTURE_JOBS")
        }
        let first = try #require(Lanes.bootstrapFromEnvironment())
        await Lanes.span("between") {}
        let second = try #require(Lanes.bootstrapFromEnvironment())
        #expect(first.recorder === second.recorder)
        await Lanes.span("after") {}
        await second.flush()
        let trace = try TraceFixtures.load(path)
        #expect(trace.spans(named: "between").count == 1, "the second bootstrap did not truncate the file")
        #expect(trace.spans(named: "after").count == 1)
        await first.finish()
        #expect(!second.isRecording)
    }

    @Test("async finish from a task suspends, so other tasks run on a one-thread executor meanwhile")
    func asyncFinishOnBusyExecutor() async throws {
        // The writer blocks in write() on a FIFO nobody reads yet, so finishing takes as long as
        // the test wants. A finish that blocked its thread would hold the executor's only thread
        // and the other task could not run until the FIFO is drained.
        let path = TraceFixtures.temporaryPath("finish.fifo")
        try #require(mkfifo(path, 0o600) == 0)
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        let recording = try Lanes.record(to: path, captureJobs: false)
        // More than the pipe holds, so that the writer is stuck in write() when finishing.
        for _ in 0..<20_000 { Lanes.syncSpan("filler with a name long enough to fill the pipe quickly") {} }
        let progressedWhileFinishing = Locked(false)
        let drainer = FIFODrainer(reader: reader, after: progressedWhileFinishing)
        await Lanes.withTaskStates(threads: 1) {
            async let finishing: Void = recording.finish()
            // Runs on the same single thread while the finish is pending.
            for _ in 0..<100 { await Task.yield() }
            progressedWhileFinishing.withLock { $0 = true }
            await finishing
        }
        #expect(drainer.drainedBecauseOfProgress(), "the other task only ran after the FIFO was drained")
        #expect(!recording.isRecording)
        // The drainer closes the FIFO itself; wait, so that its descriptor number is not reused
        // (by the next test's pipes) while it still reads.
        while !drainer.isDone { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test("LANES_TRACE_MAX_SIZE: the recording stops with one line and a complete file under the limit")
    func sizeLimit() async throws {
        let path = TraceFixtures.temporaryPath("limited.lanes")
        let app = try ChildProcess(
            ChildProcess.executable("LanesExampleApp"), ["--messages", "8", "--rounds", "20"],
            environment: ["LANES_TRACE": path, "LANES_TRACE_MAX_SIZE": "24K"])
        let result = await app.finish(timeout: .seconds(120))
        try #require(!result.timedOut)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.split(separator: "\n").count == 8 * 20, "the program did all its work")
        let warnings = result.errors.split(separator: "\n")
        #expect(warnings.count == 1 && warnings[0].contains("LANES_TRACE_MAX_SIZE"), "\(result.errors)")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size <= 24 * 1024)
        let loaded = try TraceLoader.load(path: path)
        #expect(loaded.trace.metadata.finishedCleanly, "\(loaded.warnings)")
        #expect(loaded.trace.spanCount > 0)
    }

    @Test("a bad LANES_TRACE_MAX_SIZE is one clear line and the program runs unrecorded")
    func badSizeLimit() async throws {
        let path = TraceFixtures.temporaryPath("unparsed.lanes")
        let app = try ChildProcess(
            ChildProcess.executable("LanesExampleApp"), ["--messages", "2"],
            environment: ["LANES_TRACE": path, "LANES_TRACE_MAX_SIZE": "lots"])
        let result = await app.finish(timeout: .seconds(60))
        try #require(!result.timedOut)
        #expect(result.status == 0)
        #expect(result.errors == "lanes: \(path): LANES_TRACE_MAX_SIZE=lots is not a size (e.g. 100M); recording is off, the program continues\n")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("100 recordings with task states started and stopped in a row, in a child process")
    func startAndStopHundredTimes() async throws {
        let app = try ChildProcess(ChildProcess.executable("LanesExampleApp"), ["--start-stop", "100"])
        let result = await app.finish(timeout: .seconds(180))
        try #require(!result.timedOut, "hung: not finished within 180 s")
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output == "started and stopped 100 recordings\n")
    }

    @Test("a server inside withTaskStates stops on SIGINT, run after run")
    func serverStopsOnSIGINT() async throws {
        for run in 0..<30 {
            let path = TraceFixtures.temporaryPath("server-\(run).lanes")
            let server = try ChildProcess(
                ChildProcess.executable("LanesExampleApp"), ["--serve"], environment: ["LANES_TRACE": path])
            let listening = try #require(await server.firstLine())
            let port = try #require(Int(listening.split(separator: " ").last ?? ""))
            let client = try ServerClient(port: port)
            #expect(client.request("hello") == "HELLO")
            #expect(client.request("slow") == "SLOW")
            // Signal while the connection is still open and a request is in flight, in some runs.
            if run % 2 == 0 { _ = client.request("alice") } else { client.sendOnly("slow") }
            server.signal(SIGINT)
            let result = await server.finish(timeout: .seconds(20))
            try #require(!result.timedOut, "run \(run): SIGINT did not stop the server")
            client.close()
            #expect(result.status == 0, "run \(run): \(result.errors)")
            #expect(result.output.hasSuffix("stopped\n"), "run \(run): \(result.output)")
            let trace = try TraceFixtures.load(path)
            #expect(trace.metadata.finishedCleanly)
            #expect(trace.metadata.hasTaskStates)
            #expect(trace.spans(named: "request").count >= 3)
        }
    }

    @Test("10,000 unique labels: the string table stays within its bound and every label reads back")
    func boundedStrings() async throws {
        let path = TraceFixtures.temporaryPath("labels.lanes")
        let handler = Lanes.handler("request", label: { (id: Int) in "request-\(id)-\(String(repeating: "x", count: 40))" }) {
            (_: Int) async in
        }
        var tableBytes = 0
        var tableLimit = 0
        // 4 MiB of memory: a 512 KiB string table, of which labels may take half (about 2,000
        // labels of this length); the other 8,000 go inline.
        try await Lanes.record(to: path, memoryLimit: 4 << 20) {
            for id in 0..<10_000 { await handler(id) }
            let recorder = try #require(Recorder.reference(for: SpanContext.current)?.takeUnretainedValue())
            tableBytes = recorder.strings.withLock { $0.bytes }
            tableLimit = recorder.configuration.stringTableLimit
        }
        #expect(tableBytes <= tableLimit, "the table holds \(tableBytes) bytes, over its \(tableLimit)-byte bound")
        #expect(tableLimit == 512 << 10)
        let trace = try TraceFixtures.load(path)
        #expect(trace.metadata.droppedEvents == 0)
        let requests = trace.spans(named: "request")
        #expect(requests.count == 10_000)
        let labels = Set(requests.compactMap { trace.attribute(SpanAttributeKey.label, ofSpan: $0) })
        #expect(labels.count == 10_000, "every label read back, interned or inline")
        #expect(trace.displayName(ofSpan: requests[0]).hasPrefix("request \"request-"))
    }
}

/// Drains a FIFO on a thread of its own once `flag` is set (or after 20 s, so that a failing
/// test ends), says which came first, and closes the FIFO when its writer has closed it.
final class FIFODrainer: Sendable {
    private let drainedOnFlag = Locked<Bool?>(nil)
    private let done = Locked(false)

    init(reader: Int32, after flag: Locked<Bool>) {
        let result = drainedOnFlag
        let done = self.done
        Thread {
            let deadline = Date().addingTimeInterval(20)
            while !flag.withLock({ $0 }), Date() < deadline { usleep(1000) }
            result.withLock { $0 = flag.withLock { $0 } }
            _ = fcntl(reader, F_SETFL, 0)
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while chunk.withUnsafeMutableBytes({ read(reader, $0.baseAddress, $0.count) }) > 0 {}
            close(reader)
            done.withLock { $0 = true }
        }.start()
    }

    /// Whether the writer closed the FIFO and the drainer closed its end.
    var isDone: Bool { done.withLock { $0 } }

    /// Whether the draining started because the flag was set (not because time ran out).
    func drainedBecauseOfProgress() -> Bool {
        drainedOnFlag.withLock { $0 } ?? false
    }
}

extension ServerClient {
    /// Sends `line` without waiting for the reply.
    func sendOnly(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
