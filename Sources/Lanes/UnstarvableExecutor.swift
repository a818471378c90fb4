import Foundation
import Synchronization

/// A task executor that starts another thread whenever every one of its threads is busy, so
/// work sent to it always finds a thread. `runSync` drives its async work here: the caller may
/// be blocking the only threads some other executor has, and the work must still finish.
final class UnstarvableExecutor: TaskExecutor, Sendable {
    static let shared = UnstarvableExecutor()

    private let state = Locked(State())
    private let available = DispatchSemaphore(value: 0)

    private struct State {
        var queue = FIFOQueue<UnownedJob>()
        var threads = 0
        var idle = 0
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        let startThread = state.withLock { state -> Int? in
            state.queue.append(unownedJob)
            let waiting = state.queue.count
            if state.idle < waiting {
                state.threads += 1
                return state.threads
            }
            return nil
        }
        if let number = startThread {
            let thread = Thread { [self] in
                // These threads run runSync's jobs so they cannot be starved; they are not the
                // app's executor, so they do not count towards "all executor threads held".
                ThreadLocalBuffers.describeCurrentThread(name: "lanes-run-sync-\(number)", isExecutor: false)
                runWorker()
            }
            thread.name = "lanes-run-sync-\(number)"
            thread.start()
        } else {
            available.signal()
        }
    }

    private func runWorker() {
        while true {
            let job = state.withLock { state -> UnownedJob? in
                guard let job = state.queue.popFirst() else {
                    state.idle += 1
                    return nil
                }
                return job
            }
            if let job {
                job.runSynchronously(on: asUnownedTaskExecutor())
            } else {
                available.wait()
                state.withLock { $0.idle -= 1 }
            }
        }
    }
}
