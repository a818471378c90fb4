import Dispatch
import Testing
@testable import Lanes

/// `WorkerPool`'s async `shutdownAndWait()`: the end of `withTaskStates` waits for the executor's
/// threads suspended, not by blocking a cooperative thread.
@Suite struct WorkerPoolShutdownTests {
    private static func pool(threads: Int) -> WorkerPool {
        WorkerPool(
            WorkerPool.Configuration(
                name: "shutdown-test", maximumThreads: threads, runsTaskJobs: false, recordsJobs: false,
                isWatched: false))
    }

    @Test("waits until the last thread has finished its work, then returns")
    func waitsForRunningWork() async throws {
        let pool = Self.pool(threads: 2)
        let release = DispatchSemaphore(value: 0)
        let finishedWork = Locked(0)
        for _ in 0..<2 {
            pool.submit {
                release.wait()
                finishedWork.withLock { $0 += 1 }
            }
        }
        let waited = Locked(false)
        let waiter = Task {
            await pool.shutdownAndWait()
            waited.withLock { $0 = true }
        }
        // The two functions hold both threads, so the waiter cannot have been resumed yet.
        try await Task.sleep(for: .milliseconds(50))
        #expect(!waited.withLock { $0 })
        release.signal()
        release.signal()
        await waiter.value
        #expect(waited.withLock { $0 })
        #expect(finishedWork.withLock { $0 } == 2)
    }

    @Test("returns at once for a pool that never started a thread, and for one already shut down")
    func returnsWhenNothingRuns() async {
        let idle = Self.pool(threads: 4)
        await idle.shutdownAndWait()
        let used = Self.pool(threads: 1)
        let ran = Locked(false)
        used.submit { ran.withLock { $0 = true } }
        await used.shutdownAndWait()
        #expect(ran.withLock { $0 })
        await used.shutdownAndWait()
    }

    @Test("several tasks waiting at once are all resumed")
    func resumesEveryWaiter() async {
        let pool = Self.pool(threads: 2)
        let release = DispatchSemaphore(value: 0)
        pool.submit { release.wait() }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { await pool.shutdownAndWait() } }
            group.addTask { release.signal() }
        }
    }
}
