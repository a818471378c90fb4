import Foundation
@testable import Lanes
import LanesFormat
import LanesModel
import LanesTestSupport
import Testing

/// The recorder against real files, pipes, limits and processes. Serialized: several tests
/// start the process-wide recording, which would otherwise catch each other's spans. They ask
/// for no job capture: taking over the test process's global executor is for the job-capture
/// tests, which do it in child processes.
@Suite("Recorder", .serialized)
struct RecorderTests {
    @Test("a sync span on a plain thread is not on an executor")
    func syncSpanOnThread() async throws {
        let path = TraceFixtures.temporaryPath("thread.lanes")
        let recording = try Lanes.record(to: path, captureJobs: false)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            Lanes.syncSpan("off-executor") { Thread.sleep(forTimeInterval: 0.005) }
            done.signal()
        }
        thread.start()
        done.wait()
        await recording.finish()
        let trace = try TraceFixtures.load(path)
        let span = trace.span(named: "off-executor")
        #expect(span >= 0)
        #expect(!trace.spanFlags[span].contains(.onExecutor))
    }

    @Test("threads that exit hand over their events and unregister their buffers")
    func exitingThreadsHandOver() async throws {
        let path = TraceFixtures.temporaryPath("exiting.lanes")
        let recording = try Lanes.record(to: path, captureJobs: false)
        // Other threads (the global executor's, once an earlier test took it over) may register
        // buffers meanwhile: count only this test's threads, which it names.
        let testThreadName = "lanes-exit-test"
        let registeredBefore = recording.recorder.shared.withLock { $0.buffers.filter { $0.threadName == testThreadName }.count }
        for _ in 0..<3 {
            var thread = pthread_t()
            let created = pthread_create(&thread, nil, { _ in
                ThreadLocalBuffers.describeCurrentThread(name: "lanes-exit-test", isExecutor: false)
                Lanes.syncSpan("short-lived") {}
                Lanes.syncSpan("short-lived") {}
                return nil
            }, nil)
            try #require(created == 0)
            pthread_join(thread, nil)
        }
        // Each thread's exit destructor handed its events over and unregistered its buffer.
        let registeredAfter = recording.recorder.shared.withLock { $0.buffers.filter { $0.threadName == testThreadName }.count }
        await recording.finish()
        #expect(registeredAfter == registeredBefore)
        let trace = try TraceFixtures.load(path)
        let spans = (0..<trace.spanCount).filter { trace.name(ofSpan: $0) == "short-lived" }
        #expect(spans.count == 6)
        #expect(Set(spans.map { trace.spanThread[$0] }).count == 3, "one thread per pair of spans")
    }

    @Test("a tiny memory cap drops events, counts them in the file and never exceeds the cap")
    func dropsUnderTinyCap() async throws {
        // A FIFO nobody reads yet stands for a disk slower than the app: the writer blocks in
        // write() while the app keeps recording.
        let path = TraceFixtures.temporaryPath("slow-disk.fifo")
        try #require(mkfifo(path, 0o600) == 0)
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }
        let recording = try Lanes.record(to: path, memoryLimit: 8192, captureJobs: false)
        let spanCount = 100_000
        Lanes.syncSpan("burst") {
            for _ in 0..<spanCount { Lanes.syncSpan("event") {} }
        }
        let peak = recording.recorder.peakQueuedBytes
        // Drain the pipe on another thread so finish() can write the rest.
        let drained = Locked<[UInt8]>([])
        let drainer = Thread {
            _ = fcntl(reader, F_SETFL, 0)
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                drained.withLock { $0.append(contentsOf: chunk[0..<count]) }
            }
        }
        drainer.start()
        await recording.finish()
        while !drainer.isFinished { try await Task.sleep(for: .milliseconds(5)) }
        let bytes = drained.withLock { $0 }
        let trace = try TraceLoader.load(bytes: bytes, path: path).trace
        #expect(recording.droppedEvents > 0)
        #expect(trace.metadata.droppedEvents == recording.droppedEvents)
        #expect(trace.spans(named: "event").count < spanCount)
        #expect(peak <= 8192, "queued \(peak) bytes under an 8192-byte cap")
    }

    @Test("an unwritable path throws one clear error and nothing records")
    func unwritablePath() async throws {
        let path = TraceFixtures.temporaryPath("missing-folder/trace.lanes")
        #expect {
            _ = try Lanes.record(to: path, captureJobs: false)
        } throws: { error in
            guard let error = error as? LanesRecordingError else { return false }
            return error.kind == .notFound && error.message.hasPrefix(path + ": cannot create") && !"\(error)".contains("\n")
        }
        #expect(Lanes.syncSpan("still runs") { 42 } == 42)
    }

    @Test("finish is idempotent and spans after it are not recorded")
    func finishTwice() async throws {
        let path = TraceFixtures.temporaryPath("finish.lanes")
        try await Lanes.record(to: path) { await Lanes.span("inside") {} }
        let recording = try Lanes.record(to: TraceFixtures.temporaryPath("other.lanes"), captureJobs: false)
        await recording.finish()
        await recording.finish()
        #expect(!recording.isRecording)
        let trace = try TraceFixtures.load(path)
        #expect(trace.spans(named: "inside").count == 1)
        #expect(trace.metadata.finishedCleanly)
    }

    @Test("scoped recordings side by side keep their own spans")
    func scopedRecordings() async throws {
        let first = TraceFixtures.temporaryPath("first.lanes")
        let second = TraceFixtures.temporaryPath("second.lanes")
        async let a: Void = Lanes.record(to: first) {
            for _ in 0..<50 { await Lanes.span("first") { await Task.yield() } }
        }
        async let b: Void = Lanes.record(to: second) {
            for _ in 0..<50 { await Lanes.span("second") { await Task.yield() } }
        }
        _ = try await (a, b)
        let firstTrace = try TraceFixtures.load(first)
        let secondTrace = try TraceFixtures.load(second)
        #expect(firstTrace.spans(named: "first").count == 50 && firstTrace.spans(named: "second").isEmpty)
        #expect(secondTrace.spans(named: "second").count == 50 && secondTrace.spans(named: "first").isEmpty)
    }

    @Test("LANES_TRACE records a whole program with one start-up call")
    func environmentVariable() async throws {
        let path = TraceFixtures.temporaryPath("app.lanes")
        let app = try ChildProcess(
            ChildProcess.executable("LanesExampleApp"), ["--messages", "3"], environment: ["LANES_TRACE": path])
        let result = await app.finish()
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.split(separator: "\n").count == 3)
        let trace = try TraceFixtures.load(path)
        #expect(trace.metadata.finishedCleanly)
        #expect(trace.spans(displayed: "on_message \"user0\"").count == 1)
        #expect(trace.metadata.hasTaskStates)
        #expect(trace.metadata.processName == "LanesExampleApp")
    }

    @Test("LANES_TRACE naming an unwritable path: one warning, the program runs normally")
    func environmentUnwritable() async throws {
        let path = TraceFixtures.temporaryPath("no-such-folder/app.lanes")
        let app = try ChildProcess(
            ChildProcess.executable("LanesExampleApp"), ["--messages", "2"], environment: ["LANES_TRACE": path])
        let result = await app.finish()
        #expect(result.status == 0)
        #expect(result.output.split(separator: "\n").count == 2)
        let warnings = result.errors.split(separator: "\n")
        #expect(warnings.count == 1 && warnings[0].hasPrefix("lanes: \(path): "), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a full disk mid-recording: one warning, recording stops, the program finishes")
    func diskFull() async throws {
        // The file-size limit (with SIGXFSZ ignored) makes write() fail with EFBIG once the
        // trace passes 16 KiB, as a full disk would with ENOSPC.
        let path = TraceFixtures.temporaryPath("full.lanes")
        let app = try ChildProcess(
            "/bin/sh",
            ["-c", "ulimit -f 32 && trap '' XFSZ && exec \"$0\" --messages 8 --rounds 12", ChildProcess.executable("LanesExampleApp")],
            environment: ["LANES_TRACE": path])
        let result = await app.finish()
        // ThreadSanitizer's own runtime cannot start under a file-size limit (it dies with
        // SIGBUS before main), so under --sanitize=thread there is nothing to check here.
        if result.errors.contains("ThreadSanitizer:DEADLYSIGNAL") { return }
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.split(separator: "\n").count == 8 * 12, "the program did not finish its work")
        let warnings = result.errors.split(separator: "\n")
        #expect(warnings.count == 1 && warnings[0].contains("recording stopped"), "\(result.errors)")
        let trace = try TraceLoader.load(path: path)
        #expect(!trace.trace.metadata.finishedCleanly)
        #expect(trace.trace.spanCount > 0)
    }

    @Test("a process killed with SIGKILL leaves a file that reads back to within the last flush")
    func killedChild() async throws {
        let path = TraceFixtures.temporaryPath("killed.lanes")
        let app = try ChildProcess(
            ChildProcess.executable("LanesExampleApp"), ["--rounds", "0"], environment: ["LANES_TRACE": path])
        // Let it record for a while, then kill it without warning.
        try await Task.sleep(for: .milliseconds(800))
        let killedAt = MonotonicClock.now()
        app.signal(SIGKILL)
        let ended = await app.finish()
        #expect(ended.signal == SIGKILL)
        let result = try TraceLoader.load(path: path)
        let trace = result.trace
        #expect(!trace.metadata.finishedCleanly)
        #expect(trace.spans(displayed: "on_message \"user0\"").count >= 2)
        // Everything up to the last flush (every 100 ms) is there; allow for a loaded machine
        // (or ThreadSanitizer's slowdown).
        #expect(trace.endTime >= killedAt - 1_000_000_000, "trace ends \((killedAt - trace.endTime) / 1_000_000) ms before the kill")
        #expect(trace.endTime <= killedAt)
    }
}
