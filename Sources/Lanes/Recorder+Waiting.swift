import Dispatch

/// Waiting for the writer without polling and without blocking a cooperative thread: callers
/// register a semaphore (synchronous code) or a continuation (async code) that the writer
/// resumes after the cycle they need.
extension Recorder {
    /// Makes everything recorded before the call readable in the file: wakes the writer and
    /// waits for a cycle that began after this call (it takes the events of every thread not
    /// appending at that moment). Returns at once when the recording has stopped.
    func flushRecordedEvents() {
        let done = DispatchSemaphore(value: 0)
        guard addFlushWaiter(.semaphore(done)) else { return }
        wake.signal()
        done.wait()
    }

    /// `flushRecordedEvents()` for async code: suspends instead of blocking the thread.
    func flushRecordedEventsAsync() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if addFlushWaiter(.continuation(continuation)) {
                wake.signal()
            } else {
                continuation.resume()
            }
        }
    }

    private func addFlushWaiter(_ waiter: WriterWaiter) -> Bool {
        shared.withLock { state in
            guard !state.closed else { return false }
            // The next cycle to begin: it begins after this call, under this lock.
            state.waiters.append((state.cyclesBegun + 1, waiter))
            return true
        }
    }

    /// Asks the writer for a flight-recorder dump; `completion` is told the path written, or
    /// why nothing was (not a flight recorder, stopped, a rule fired less than a window ago).
    func requestDump(
        to path: String?, reason: String, isAutomatic: Bool,
        completion: @escaping @Sendable (Result<String, LanesRecordingError>) -> Void
    ) {
        let accepted = shared.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.dumpRequests.append(DumpRequest(path: path, reason: reason, isAutomatic: isAutomatic, completion: completion))
            return true
        }
        guard accepted else {
            return completion(.failure(LanesRecordingError(.unavailable, path: path ?? self.path, reason: "the recording has stopped")))
        }
        wake.signal()
    }

    /// Writes a dump and returns its path, suspending (never blocking) until it is written.
    func dump(to path: String?, reason: String) async throws(LanesRecordingError) -> String {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<String, LanesRecordingError>, Never>) in
            requestDump(to: path, reason: reason, isAutomatic: false) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }
}
