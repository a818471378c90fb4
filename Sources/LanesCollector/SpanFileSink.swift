import Foundation
import LanesFormat
import LanesWriter
import NIOConcurrencyHelpers

/// The collector's writer thread: takes converted batches from the server's threads, writes
/// them into the `.lanes` file and flushes, so a span reaches the file within about 100 ms
/// of its request being answered.
///
/// The queue is bounded by spans: when the disk falls behind, `submit` refuses (the server
/// answers 503, which exporters retry) instead of growing without limit.
final class SpanFileSink: Sendable {
    /// What the server's threads and the writer thread share.
    private struct Shared {
        var queue: [OTLPConvertedRequest] = []
        var queuedSpans = 0
        var stopping = false
        var failure: TraceFileError?
        var writtenSpans = 0
        var writtenBatches = 0
    }

    private static let hasWork = 1
    private static let idle = 0
    /// Longest the writer waits before looking again (it flushes after every batch it writes).
    static let flushIntervalSeconds = 0.1

    private let lock = ConditionLock(value: SpanFileSink.idle)
    private nonisolated(unsafe) var shared = Shared()  // guarded by `lock`
    private let maximumQueuedSpans: Int
    private let finished = ConditionLock(value: 0)
    // The writer is touched only by the writer thread once started (and by `init` before).
    private nonisolated(unsafe) let writer: OTLPStreamWriter

    /// Opens (truncates) `path` and starts the writer thread.
    init(path: String, maximumQueuedSpans: Int = 1 << 20) throws(TraceFileError) {
        writer = try OTLPStreamWriter(path: path)
        self.maximumQueuedSpans = maximumQueuedSpans
        let thread = Thread { [self] in run() }
        thread.name = "lanes-collect-writer"
        thread.start()
    }

    /// Why the sink refused a batch.
    enum Refusal: Error {
        /// The queue is full: the client should retry later.
        case busy
        /// Writing failed (disk full, file removed): nothing more will be written.
        case failed(TraceFileError)
        /// The collector is shutting down.
        case stopping
    }

    /// Queues a converted request for the writer thread.
    func submit(_ batch: OTLPConvertedRequest) throws(Refusal) {
        let count = batch.acceptedSpans
        lock.lock()
        if let failure = shared.failure {
            lock.unlock()
            throw .failed(failure)
        }
        if shared.stopping {
            lock.unlock()
            throw .stopping
        }
        if shared.queuedSpans > 0 && shared.queuedSpans + count > maximumQueuedSpans {
            lock.unlock()
            throw .busy
        }
        shared.queue.append(batch)
        shared.queuedSpans += count
        lock.unlock(withValue: Self.hasWork)
    }

    /// Spans and requests written to the file so far.
    var written: (spans: Int, batches: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (shared.writtenSpans, shared.writtenBatches)
    }

    /// Writes what is queued, then the footer, and closes the file. Returns the first write
    /// error, if writing failed at any point.
    func finish() -> TraceFileError? {
        lock.lock()
        shared.stopping = true
        lock.unlock(withValue: Self.hasWork)
        finished.lock(whenValue: 1)
        finished.unlock()
        lock.lock()
        defer { lock.unlock() }
        return shared.failure
    }

    private func run() {
        while true {
            if !lock.lock(whenValue: Self.hasWork, timeoutSeconds: Self.flushIntervalSeconds) { lock.lock() }
            let batches = shared.queue
            let stopping = shared.stopping
            shared.queue.removeAll()
            let spans = shared.queuedSpans
            shared.queuedSpans = 0
            lock.unlock(withValue: Self.idle)

            var failure: TraceFileError?
            do throws(TraceFileError) {
                for batch in batches { try writer.append(batch) }
                if !batches.isEmpty { try writer.flush() }
                if stopping { try writer.finish() }
            } catch {
                failure = error
            }
            lock.lock()
            if failure != nil && shared.failure == nil { shared.failure = failure }
            if failure == nil {
                shared.writtenSpans += spans
                shared.writtenBatches += batches.count
            }
            lock.unlock(withValue: shared.queue.isEmpty && !shared.stopping ? Self.idle : Self.hasWork)
            // After a failure the thread stays, so `submit` keeps refusing with the reason.
            if stopping { break }
        }
        finished.lock()
        finished.unlock(withValue: 1)
    }
}
