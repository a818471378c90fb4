import CLanesRuntime
import Foundation
import Synchronization

/// Lanes' one thread pool. It runs the global executor's jobs (job capture), a
/// `TaskStateExecutor`'s jobs, `makeAsync`'s blocking functions and `runSync`'s jobs; what differs
/// between them is only its `Configuration`.
///
/// Threads start on demand, one whenever work arrives and no thread is idle, up to
/// `maximumThreads`, and then stay until `shutdown()`. Work waits in a `PriorityQueue`. An idle
/// thread sleeps on a semaphore that is signalled only when there is a sleeper to wake, so a busy
/// pool makes no wake-up system calls. A job a task enqueues for itself from one of the pool's
/// own threads (a `Task.yield()`, a wake-up it scheduled before suspending) wakes no one: the
/// task is about to suspend, so the thread running it is about to be free and takes the job
/// itself (see `submit(job:enqueued:enqueuer:)`).
///
/// For Swift jobs the pool can record a task-state slice per job (enqueued, started, ended, on
/// which thread, and which task enqueued it) and publish the running job in the watchdog's
/// worker-slot table.
final class WorkerPool: @unchecked Sendable {
    /// What a pool is for.
    struct Configuration: Sendable {
        /// Threads are named `name-1`, `name-2`, … (the kernel keeps 15 bytes).
        var name: String
        /// The most threads the pool starts (`Int.max`: as many as work needs).
        var maximumThreads: Int
        /// Whether the threads run Swift task jobs, so that a synchronous span that begins on one
        /// holds an executor thread.
        var runsTaskJobs: Bool
        /// Whether each job is recorded as a task-state slice.
        var recordsJobs: Bool
        /// Whether the watchdog watches the running jobs.
        var isWatched: Bool
    }

    /// One piece of work.
    struct Work: Sendable {
        enum Body: Sendable {
            case job(UnownedJob)
            case function(@Sendable () -> Void)
        }
        var body: Body
        /// When it became ready (span clock).
        var enqueued: Int64
        /// The task that enqueued it (0: none), for jobs.
        var enqueuer: UInt64
    }

    /// How Swift jobs are run.
    enum JobRunner {
        /// On the runtime's generic executor, as the global executor runs them.
        case genericExecutor
        /// On a task executor (jobs that prefer it).
        case taskExecutor(UnownedTaskExecutor)
    }

    let configuration: Configuration
    /// The scoped recording jobs go to; nil means the process-wide one.
    private let scopedRecorder: Recorder?
    /// Set once, before any job can reach the pool (see `init`'s callers).
    private var runner: JobRunner = .genericExecutor
    private let state = Locked(State())
    private let available = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    private struct State {
        var queue = PriorityQueue<Work>()
        var threads = 0
        /// Threads waiting on `available` that no one has signalled yet.
        var idle = 0
        var stopping = false
        /// Threads that have finished their last work and returned.
        var exitedThreads = 0
        /// Tasks suspended in `shutdownAndWait() async` until every thread has exited.
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
    }

    init(_ configuration: Configuration, scopedRecorder: Recorder? = nil) {
        self.configuration = configuration
        self.scopedRecorder = scopedRecorder
    }

    /// Chooses how jobs run. Must be called before the first job is submitted (executors call it
    /// at the end of their initialiser, before anyone can enqueue on them).
    func setJobRunner(_ runner: JobRunner) {
        self.runner = runner
    }

    /// Starts every thread now, up to `maximumThreads` (a fixed-width executor whose width should
    /// hold from its first job on, not grow as jobs arrive).
    func startAllThreads() {
        let numbers = state.withLock { state -> ClosedRange<Int>? in
            guard configuration.maximumThreads != .max, state.threads < configuration.maximumThreads else { return nil }
            defer { state.threads = configuration.maximumThreads }
            return (state.threads + 1)...configuration.maximumThreads
        }
        for number in numbers ?? 1...0 { startThread(number: number) }
    }

    /// Queues a Swift job that became ready at `enqueued`, enqueued by task `enqueuer`.
    ///
    /// When the job is the enqueuing task's own and it is enqueued from one of this pool's
    /// threads while that thread runs the task's own job (not an actor's drain job, which may go
    /// on to run other tasks), that job ends as soon as the task suspends (a task cannot run in
    /// two places, so its new job could not start earlier anyway): waking a sleeper or starting
    /// a thread would only move the task to another thread at the cost of a wake-up.
    @inline(__always)
    func submit(job: UnownedJob, enqueued: Int64, enqueuer: UInt64) {
        let ownJobFromOwnThread = enqueuer != 0 && lanes_current_running_task() == enqueuer
            && lanes_current_thread_pool() == poolIdentity && TaskIdentity.taskID(of: job) == enqueuer
        submit(
            Work(body: .job(job), enqueued: enqueued, enqueuer: enqueuer), priority: job.priority.rawValue,
            wakes: !ownJobFromOwnThread)
    }

    /// This pool's address, as its threads record it in `lanes_thread_pool`.
    private var poolIdentity: UnsafeRawPointer {
        UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())
    }

    /// Queues a function.
    func submit(_ function: @escaping @Sendable () -> Void) {
        submit(Work(body: .function(function), enqueued: 0, enqueuer: 0), priority: 0)
    }

    /// Queues work; with `wakes` false, wakes no sleeper and starts no thread (the caller knows a
    /// running thread of the pool will take it). Returns false (and queues nothing) once the
    /// pool is shutting down.
    @discardableResult
    func submit(_ work: Work, priority: UInt8, wakes: Bool = true) -> Bool {
        enum Wake { case none, sleeper, newThread(Int), refused }
        let wake = state.withLock { state -> Wake in
            guard !state.stopping else { return .refused }
            state.queue.append(work, priority: priority)
            guard wakes else { return .none }
            if state.idle > 0 {
                state.idle -= 1
                return .sleeper
            }
            guard state.threads < configuration.maximumThreads else { return .none }
            state.threads += 1
            return .newThread(state.threads)
        }
        switch wake {
        case .none: return true
        case .sleeper: available.signal()
        case .newThread(let number): startThread(number: number)
        case .refused: return false
        }
        return true
    }

    /// Lets the threads exit once the queue is empty; later submissions are refused.
    func shutdown() {
        let sleepers = state.withLock { state -> Int in
            state.stopping = true
            defer { state.idle = 0 }
            return state.idle
        }
        for _ in 0..<sleepers { available.signal() }
    }

    /// `shutdown()`, then waits until every thread has finished its last work and exited. Must
    /// not be called from one of the pool's threads. Blocks the calling thread: for sync code.
    func shutdownAndWait() {
        shutdown()
        let started = state.withLock { $0.threads }
        for _ in 0..<started { exited.wait() }
    }

    /// `shutdown()`, then suspends (holding no thread) until every thread has finished its last
    /// work and exited. Must not be awaited from a job of this pool.
    func shutdownAndWait() async {
        shutdown()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let allExited = state.withLock { state -> Bool in
                guard state.exitedThreads < state.threads else { return true }
                state.exitWaiters.append(continuation)
                return false
            }
            if allExited { continuation.resume() }
        }
    }

    /// Counts a thread out; the last one resumes the tasks waiting for all of them.
    private func threadExited() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.exitedThreads += 1
            guard state.exitedThreads == state.threads else { return [] }
            defer { state.exitWaiters = [] }
            return state.exitWaiters
        }
        for waiter in waiters { waiter.resume() }
        exited.signal()
    }

    // MARK: Threads

    private func startThread(number: Int) {
        let threadName = "\(configuration.name)-\(number)"
        let thread = Thread { [self] in runWorker(named: threadName) }
        thread.name = threadName
        thread.start()
    }

    private enum Next {
        case work(Work)
        case wait
        case exit
    }

    private func next() -> Next {
        state.withLock { state -> Next in
            if let work = state.queue.popFirst() { return .work(work) }
            if state.stopping { return .exit }
            state.idle += 1
            return .wait
        }
    }

    private func runWorker(named threadName: String) {
        ThreadLocalBuffers.describeCurrentThread(name: threadName, isExecutor: configuration.runsTaskJobs)
        lanes_name_current_thread(threadName)
        lanes_set_current_thread_pool(poolIdentity)
        // Like the runtime's own pool threads (libdispatch blocks them too), these threads leave
        // the process's signals to the app's threads: a signal source or handler set up for
        // SIGINT or SIGTERM gets them where it expects.
        lanes_block_process_signals()
        let slot = configuration.isWatched ? lanes_worker_slot_claim(ThreadLocalBuffers.currentThreadNumber()) : -1
        Watchdog.workerStarted(slot: slot, recorder: scopedRecorder)
        defer {
            lanes_worker_slot_release(slot)
            threadExited()
        }
        // When jobs run back to back, one's end is the next one's start: one clock read per job
        // instead of two (the clock is most of the pool's own cost per job).
        var previousEnd: Int64?
        while true {
            switch next() {
            case .exit:
                return
            case .wait:
                available.wait()
                previousEnd = nil
            case .work(let work):
                switch work.body {
                case .function(let function):
                    function()
                    previousEnd = nil
                case .job(let job):
                    previousEnd = run(job, of: work, slot: slot, previousEnd: previousEnd)
                }
            }
        }
    }

    /// Runs one job, publishes it to the watchdog and records it; returns when it ended.
    @inline(__always)
    private func run(_ job: UnownedJob, of work: Work, slot: Int32, previousEnd: Int64?) -> Int64 {
        let task = TaskIdentity.taskID(of: job)
        let pointer = unsafeBitCast(job, to: UnsafeMutableRawPointer.self)
        if configuration.recordsJobs, task != 0, let recorder = jobRecorder {
            // Before it runs: afterwards a finished task may be gone.
            ThreadLocalBuffers.reference(for: recorder)._withUnsafeGuaranteedRef {
                TaskNaming.noteName(ofJob: pointer, task: task, into: $0)
            }
        }
        let started = max(previousEnd ?? MonotonicClock.now(), work.enqueued)
        lanes_worker_slot_begin_job(slot, task, started)
        lanes_set_current_running_task(task)
        switch runner {
        case .genericExecutor:
            lanes_run_job_on_generic_executor(pointer)
        case .taskExecutor(let executor):
            job.runSynchronously(on: executor)
        }
        lanes_set_current_running_task(0)
        let ended = MonotonicClock.now()
        lanes_worker_slot_end_job(slot)
        if configuration.recordsJobs {
            record(task: task, enqueuer: work.enqueuer, enqueued: work.enqueued, started: started, ended: ended)
        }
        return ended
    }

    /// The recording jobs go to, unretained, or nil when nothing records.
    @inline(__always)
    private var jobRecorder: Unmanaged<Recorder>? {
        guard Recorder.runningCount.load(ordering: .relaxed) > 0 else { return nil }
        return Recorder.reference(for: SpanContext(recorder: scopedRecorder, span: 0, task: 0))
    }

    @inline(__always)
    private func record(task: UInt64, enqueuer: UInt64, enqueued: Int64, started: Int64, ended: Int64) {
        guard let recorder = jobRecorder else { return }
        ThreadLocalBuffers.reference(for: recorder)._withUnsafeGuaranteedRef { buffer in
            buffer.append(time: ended) {
                $0.job(task: task, enqueuer: enqueuer, enqueued: enqueued, started: started, ended: ended)
            }
        }
    }
}
