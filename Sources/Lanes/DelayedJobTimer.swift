import Dispatch
import Foundation
import HeapModule

/// Holds the global executor's delayed jobs (`swift_task_enqueueGlobalWithDelay` and
/// `…WithDeadline`: sleeps from tasks whose executor cannot schedule them itself) until they are
/// due, then queues them on the pool as ready at their deadline, so their queued time starts
/// there. One thread, started with the first delayed job, sleeps until the earliest deadline.
final class DelayedJobTimer: Sendable {
    private let pool: WorkerPool
    private let state = Locked(State())
    private let wake = DispatchSemaphore(value: 0)

    private struct State {
        var jobs = Heap<DelayedJob>()
        var nextSequence: UInt64 = 0
        var threadStarted = false
        /// The deadline the timer thread sleeps until (Int64.max: none); a job due earlier wakes it.
        var sleepingUntil = Int64.max
    }

    init(pool: WorkerPool) {
        self.pool = pool
    }

    /// Queues `job` on the pool `delay` nanoseconds from now.
    func schedule(_ job: UnownedJob, after delay: UInt64, enqueuer: UInt64) {
        let deadline = MonotonicClock.now() &+ Int64(min(delay, UInt64(Int64.max / 2)))
        let (startThread, wakeThread) = state.withLock { state -> (Bool, Bool) in
            state.jobs.insert(DelayedJob(deadline: deadline, sequence: state.nextSequence, job: job, enqueuer: enqueuer))
            state.nextSequence &+= 1
            let start = !state.threadStarted
            state.threadStarted = true
            return (start, !start && deadline < state.sleepingUntil)
        }
        if startThread {
            let thread = Thread { [self] in run() }
            thread.name = "lanes-timer"
            thread.start()
        } else if wakeThread {
            wake.signal()
        }
    }

    private func run() {
        while true {
            let now = MonotonicClock.now()
            var due: [DelayedJob] = []
            let sleepUntil = state.withLock { state -> Int64 in
                while let first = state.jobs.min, first.deadline <= now {
                    due.append(state.jobs.removeMin())
                }
                state.sleepingUntil = state.jobs.min?.deadline ?? .max
                return state.sleepingUntil
            }
            for entry in due {
                pool.submit(job: entry.job, enqueued: entry.deadline, enqueuer: entry.enqueuer)
            }
            if sleepUntil == .max {
                wake.wait()
            } else {
                _ = wake.wait(timeout: .now() + .nanoseconds(Int(clamping: sleepUntil &- MonotonicClock.now())))
            }
        }
    }
}

/// A job waiting for its deadline; ordered by deadline, then by arrival.
struct DelayedJob: Comparable, Sendable {
    var deadline: Int64
    var sequence: UInt64
    var job: UnownedJob
    var enqueuer: UInt64

    static func < (lhs: DelayedJob, rhs: DelayedJob) -> Bool {
        (lhs.deadline, lhs.sequence) < (rhs.deadline, rhs.sequence)
    }

    static func == (lhs: DelayedJob, rhs: DelayedJob) -> Bool {
        lhs.deadline == rhs.deadline && lhs.sequence == rhs.sequence
    }
}
