import CLanesRuntime
import Dispatch
import Foundation
import LanesModel
import LanesWriter

/// The background writer: one thread per recording that turns queued chunks into file records
/// (or, for a flight recorder, into its window, and the window into dumps).
extension Recorder {
    func startWriterThread() {
        let thread = Thread { [self] in
            // Signals sent to the program go to the program's threads, never to this one.
            lanes_block_process_signals()
            runWriter()
        }
        thread.name = "lanes-writer"
        thread.start()
    }

    private func runWriter() {
        while true {
            CounterClockCalibration.advance()
            _ = wake.wait(timeout: .now() + .nanoseconds(Int(flushInterval)))
            let finishing = !isRunning
            let cycle = shared.withLock { state -> UInt64 in
                state.cyclesBegun += 1
                return state.cyclesBegun
            }
            writeCycle(final: finishing)
            let ready = shared.withLock { state -> [WriterWaiter] in
                state.cyclesFinished = cycle
                return state.takeWaiters { $0 != nil && $0! <= cycle }
            }
            for waiter in ready { waiter.resume() }
            if finishing { break }
        }
        state.store(State.stopped.rawValue, ordering: .releasing)
        strings.withLock { $0.release() }
        output.withLock { $0.flight = nil }
        RecordingRegistry.remove(self)
        let remaining = shared.withLock { state -> (waiters: [WriterWaiter], dumps: [DumpRequest]) in
            state.buffers.removeAll()
            state.records.removeAll()
            state.closed = true
            defer { state.dumpRequests.removeAll() }
            return (state.takeWaiters { _ in true }, state.dumpRequests)
        }
        for request in remaining.dumps {
            request.completion(.failure(LanesRecordingError(.unavailable, path: path, reason: "the recording has stopped")))
        }
        for waiter in remaining.waiters { waiter.resume() }
    }

    /// Registers `waiter` to be resumed when a cycle numbered `untilCycle` or later has finished,
    /// or (nil) when the writer stops. Returns false, registering nothing, if it already stopped.
    func addWaiter(_ waiter: WriterWaiter, untilCycle: UInt64?) -> Bool {
        shared.withLock { state in
            guard !state.closed else { return false }
            state.waiters.append((untilCycle, waiter))
            return true
        }
    }

    /// One pass: borrow idle buffers, then define what the chunks need, then write them (or keep
    /// them in the flight recorder's window and write the dumps asked for).
    private func writeCycle(final: Bool) {
        let dumps = shared.withLock { state -> [DumpRequest] in
            defer { state.dumpRequests.removeAll() }
            return state.dumpRequests
        }
        let buffers = shared.withLock { $0.buffers }
        let now = MonotonicClock.now()
        for buffer in buffers {
            buffer.handOverForWriter(now: now, force: final || !dumps.isEmpty)
        }
        let pending = shared.withLock { state in
            let taken = (
                records: state.records, threads: state.threads, tasks: state.tasks,
                dropped: state.dropped, failed: state.failed, jobCapture: state.jobCapture)
            state.jobCapture = nil
            state.records.removeAll(keepingCapacity: true)
            state.queuedBytes = 0
            state.threads.removeAll()
            state.tasks.removeAll()
            state.dropped.removeAll()
            return taken
        }
        let newStrings = strings.withLock { $0.takePending() }
        let watchdogPending = watchdogDefinitions.withLock { $0.takePending() }
        guard !pending.failed else {
            for request in dumps { request.completion(.failure(LanesRecordingError(.unavailable, path: path, reason: failure ?? "recording stopped"))) }
            return
        }
        let failure = output.withLock { (output: inout OutputState) -> String? in
            if output.flight != nil {
                keep(pending, newStrings: newStrings, in: &output.flight!, now: now)
                for request in dumps { write(request, from: &output.flight!, now: now) }
                return nil
            }
            for request in dumps {
                request.completion(.failure(LanesRecordingError(.unavailable, path: path, reason: "not a flight recorder: everything is in the file already")))
            }
            guard let file = output.file else { return nil }
            file.maximumSize = configuration.maximumFileSize
            do throws(TraceFileError) {
                if let capture = pending.jobCapture {
                    try file.noteJobCapture(capture)
                }
                if !newStrings.strings.isEmpty {
                    try file.defineStrings(firstID: newStrings.firstID, newStrings.strings)
                }
                for thread in pending.threads {
                    try file.defineThread(
                        writerID: thread.writerID, threadID: thread.threadID, name: thread.name,
                        isExecutor: thread.isExecutor)
                }
                var tasks: [(id: UInt64, name: UInt32, parent: UInt64)] = []
                var namedTasks: [(id: UInt64, name: String, parent: UInt64)] = []
                for task in pending.tasks {
                    // A later definition with a name replaces an anonymous one.
                    let named = task.name != 0 || task.inlineName != nil
                    if let definedNamed = output.definedTasks[task.id], definedNamed || !named { continue }
                    output.definedTasks[task.id] = named
                    if let inlineName = task.inlineName {
                        namedTasks.append((task.id, inlineName, task.parentTask))
                    } else {
                        tasks.append((task.id, task.name, task.parentTask))
                    }
                }
                try file.defineTasks(tasks)
                try file.defineNamedTasks(namedTasks)
                try Recorder.write(watchdogPending, to: file)
                for (writerID, count) in pending.dropped.sorted(by: { $0.key < $1.key }) {
                    try file.writeDropped(writerID: writerID, count: count, time: now)
                }
                for record in pending.records {
                    try file.write(chunk: record)
                }
                file.noteTime(now)
                try file.flush()
                if final {
                    try file.finish()
                    output.file = nil
                }
                return nil
            } catch {
                guard error.kind == .sizeLimit else {
                    output.file = nil
                    return "\(path): \(error.reason); recording stopped, the program continues"
                }
                // The footer always fits: the limit reserves room for it.
                do throws(TraceFileError) { try file.finish() } catch {}
                output.file = nil
                return "\(path): reached \(EnvironmentSettings.maximumSize)=\(configuration.maximumFileSize ?? 0) bytes; recording stopped with a complete file, the program continues"
            }
        }
        if let failure { fail(failure) }
    }

    /// Takes a cycle's chunks and definitions into the flight recorder's window.
    private func keep(
        _ pending: (records: [LanesEncodedChunk], threads: [ThreadDefinition], tasks: [TaskDefinition],
                    dropped: [UInt32: UInt64], failed: Bool, jobCapture: JobCapture?),
        newStrings: (firstID: UInt32, strings: [String]), in window: inout FlightWindow, now: Int64
    ) {
        if let capture = pending.jobCapture { window.jobCapture = capture }
        window.define(strings: newStrings.strings, firstID: newStrings.firstID)
        for thread in pending.threads { window.define(thread: thread) }
        for task in pending.tasks { window.define(task: task) }
        for count in pending.dropped.values { window.noteDropped(count) }
        for chunk in pending.records { window.add(chunk, now: now) }
        window.evict(now: now)
    }

    /// Writes one requested dump and tells its requester.
    private func write(_ request: DumpRequest, from window: inout FlightWindow, now: Int64) {
        if request.isAutomatic && !window.allowAutomaticDump(now: now) {
            request.completion(.failure(LanesRecordingError(.unavailable, path: path, reason: "a dump was written less than one window ago")))
            return
        }
        let target = request.path ?? window.nextDumpPath(base: path)
        do throws(TraceFileError) {
            _ = try window.writeDump(to: target, recorder: self, now: now, reason: request.reason)
            request.completion(.success(target))
        } catch {
            printRecorderWarning("\(target): \(error.reason); the dump was not written, recording continues")
            request.completion(.failure(LanesRecordingError(error.kind, path: target, reason: error.reason)))
        }
    }

    /// Stops recording after a write error or the size limit: one line on stderr, later chunks
    /// are discarded.
    private func fail(_ message: String) {
        let first = shared.withLock { state -> Bool in
            defer {
                state.failed = true
                state.records.removeAll()
                state.queuedBytes = 0
            }
            if state.failure == nil { state.failure = message }
            return !state.failed
        }
        if first { printRecorderWarning(message) }
        stopAcceptingSpans()
        wake.signal()
    }
}

extension SharedState {
    /// Removes and returns the waiters whose target `matches`.
    mutating func takeWaiters(where matches: (UInt64?) -> Bool) -> [WriterWaiter] {
        var taken: [WriterWaiter] = []
        waiters.removeAll { entry in
            guard matches(entry.untilCycle) else { return false }
            taken.append(entry.waiter)
            return true
        }
        return taken
    }
}
