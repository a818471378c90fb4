import Dispatch
import Foundation
import LanesWriter

/// The background writer: one thread per recording that turns queued chunks into file records.
extension Recorder {
    func startWriterThread() {
        let thread = Thread { [self] in
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
            writeCycle(final: finishing)
            if finishing { break }
        }
        markStopped()
        shared.withLock { state in
            state.buffers.removeAll()
            state.records.removeAll()
            state.closed = true
        }
        writerDone.signal()
    }

    /// One pass: borrow idle buffers, then define what the chunks need, then write them.
    private func writeCycle(final: Bool) {
        let buffers = shared.withLock { $0.buffers }
        let now = MonotonicClock.now()
        for buffer in buffers {
            buffer.handOverForWriter(now: now, force: final)
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
        guard !pending.failed else { return }
        let failure = output.withLock { (output: inout OutputState) -> String? in
            guard let file = output.file else { return nil }
            do throws(LanesWriteError) {
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
                for task in pending.tasks {
                    // A later definition with a name replaces an anonymous one.
                    let named = task.name != 0
                    if let definedNamed = output.definedTasks[task.id], definedNamed || !named { continue }
                    output.definedTasks[task.id] = named
                    try file.defineTask(id: task.id, name: task.name, parentTask: task.parentTask)
                }
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
                output.file = nil
                return "\(path): \(error.reason); recording stopped, the program continues"
            }
        }
        if let failure { fail(failure) }
    }

    /// Stops recording after a write error: one warning, later chunks are discarded.
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
    }
}
