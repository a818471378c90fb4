import Foundation
import Synchronization

/// A task executor with a fixed number of threads that records every job it runs: the task,
/// when the job was enqueued (the task became ready), when a thread started it and when it
/// returned (the task suspended or finished), and on which thread.
///
/// From these slices the viewer tells `running` (on a thread), `queued` (ready, waiting for a
/// thread) and `suspended` (between jobs) apart. The fixed width makes starvation reproducible:
/// two threads held by blocking calls stall every other task on the executor, on any machine.
/// Enter it with `Lanes.withTaskStates(threads:_:)`; child tasks inherit it.
public final class TaskStateExecutor: TaskExecutor, Sendable {
    /// How many threads run jobs.
    public let width: Int
    /// The scoped recording current when the executor was made; nil means the process-wide one.
    private let scopedRecorder: Recorder?
    private let state = Locked(State())
    private let available = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    private struct State {
        var queue = FIFOQueue<(job: UnownedJob, enqueued: Int64)>()
        var stopping = false
        var running = 0
        /// Threads waiting on `available` that no one has signalled yet: a job wakes one only
        /// when there is one, so a busy executor makes no wake-up system calls.
        var sleeping = 0
    }

    /// An executor of `threads` threads named `name-1`, `name-2`, …, started now.
    public init(threads: Int, name: String = "lanes-executor") {
        width = max(1, threads)
        scopedRecorder = SpanContext.current.recorder
        state.withLock { $0.running = width }
        for number in 1...width {
            let threadName = "\(name)-\(number)"
            let thread = Thread { [self] in runWorker(named: threadName) }
            thread.name = "\(name)-\(number)"
            thread.start()
        }
    }

    /// Queues a job (a task that became ready), noting the time for its slice.
    public func enqueue(_ job: consuming ExecutorJob) {
        let entry = (job: UnownedJob(job), enqueued: MonotonicClock.now())
        let outcome = state.withLock { state -> (accepted: Bool, wake: Bool) in
            guard !state.stopping || state.running > 0 else { return (false, false) }
            state.queue.append(entry)
            guard state.sleeping > 0 else { return (true, false) }
            state.sleeping -= 1
            return (true, true)
        }
        if outcome.wake {
            available.signal()
        } else if !outcome.accepted {
            // A job that arrives after shutdown still runs, on a thread of its own.
            let executor = asUnownedTaskExecutor()
            Thread { entry.job.runSynchronously(on: executor) }.start()
        }
    }

    /// Lets the threads exit once the queue is empty. Jobs that still arrive are run on
    /// temporary threads and not recorded.
    public func shutdown() {
        let sleeping = state.withLock { state -> Int in
            state.stopping = true
            defer { state.sleeping = 0 }
            return state.sleeping
        }
        for _ in 0..<sleeping { available.signal() }
    }

    /// `shutdown()`, then waits until every thread has recorded its last job and exited. Must
    /// not be called from a job of this executor.
    public func shutdownAndWait() {
        shutdown()
        for _ in 0..<width { exited.wait() }
    }

    private func runWorker(named threadName: String) {
        ThreadLocalBuffers.describeCurrentThread(name: threadName, isExecutor: true)
        let executor = asUnownedTaskExecutor()
        // When jobs run back to back, one's end is the next one's start: one clock read per job
        // instead of two (the clock is most of the executor's own cost).
        var previousEnd: Int64?
        while true {
            let next = state.withLock { state -> (job: UnownedJob, enqueued: Int64)?? in
                guard let entry = state.queue.popFirst() else {
                    if state.stopping {
                        state.running -= 1
                        return .some(nil)
                    }
                    state.sleeping += 1
                    return nil
                }
                return entry
            }
            switch next {
            case .none:
                available.wait()
                previousEnd = nil
            case .some(.none):
                exited.signal()
                return
            case .some(.some(let entry)):
                let task = TaskIdentity.taskID(of: entry.job)
                let started = max(previousEnd ?? MonotonicClock.now(), entry.enqueued)
                entry.job.runSynchronously(on: executor)
                let ended = MonotonicClock.now()
                previousEnd = ended
                record(task: task, enqueued: entry.enqueued, started: started, ended: ended)
            }
        }
    }

    private func record(task: UInt64, enqueued: Int64, started: Int64, ended: Int64) {
        guard Recorder.runningCount.load(ordering: .relaxed) > 0,
            let recorder = Recorder.reference(for: SpanContext(recorder: scopedRecorder, span: 0, task: 0))
        else { return }
        ThreadLocalBuffers.reference(for: recorder)._withUnsafeGuaranteedRef { buffer in
            buffer.append(time: ended) { $0.job(task: task, enqueued: enqueued, started: started, ended: ended) }
        }
    }
}
