@_spi(ExperimentalCustomExecutors) import _Concurrency
import CLanesRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Decides, once per process, whether Lanes becomes the global executor (job capture), and does
/// it. Called when a process-wide recording starts.
///
/// Refuses, with one line on stderr and the program running on the runtime's own executor:
/// - when `LANES_CAPTURE_JOBS=0` (or `off`, `no`, `false`) or the recording asked for no capture;
/// - on a compiler Lanes was not tested with (the hooks' signatures are the runtime's private
///   ABI; the list is raised only after testing a release, as SwiftNIO does for its takeover);
/// - when the runtime does not export the hooks;
/// - when someone else already installed a global-executor hook (SwiftNIO's
///   `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`,
///   another tool). Spans are still recorded in every case.
enum GlobalExecutorTakeover {
    /// What happened, for the trace's `capture` record and for tests.
    enum Outcome: Equatable, Sendable {
        /// Lanes runs every global-executor job on this many threads.
        case capturing(width: Int)
        /// Job capture is off, with the reason written to stderr and into the trace.
        case refused(String)
    }

    /// The environment variable that turns job capture off: `LANES_CAPTURE_JOBS=0`.
    static let captureVariable = "LANES_CAPTURE_JOBS"
    /// The environment variable that sets the pool's width: `LANES_EXECUTOR_THREADS=4`.
    static let widthVariable = "LANES_EXECUTOR_THREADS"

    private static let decision = Locked<Outcome?>(nil)

    /// Takes over the global executor unless that is refused; later calls return the first
    /// outcome (a takeover is for the life of the process). `requested` false refuses without
    /// deciding for later calls.
    static func start(requested: Bool = true) -> Outcome {
        guard requested else { return .refused("job capture is off for this recording") }
        return decision.withLock { decided in
            if let decided { return decided }
            let outcome = decide()
            decided = outcome
            if case .refused(let reason) = outcome {
                printRecorderWarning("\(reason); spans are still recorded")
            }
            return outcome
        }
    }

    /// The outcome, if a takeover was decided.
    static var current: Outcome? { decision.withLock { $0 } }

    private static func decide() -> Outcome {
        if let value = environment(captureVariable), ["0", "off", "no", "false"].contains(value.lowercased()) {
            return .refused("job capture is off (\(captureVariable)=\(value))")
        }
        #if compiler(>=6.3) && !compiler(>=6.4)
        let width = poolWidth()
        let executor = Unmanaged.passRetained(GlobalExecutor(width: width))
        GlobalExecutor.installed.store(executor, ordering: .releasing)
        let result = lanes_install_global_executor_hooks(globalJobSink)
        if result == LANES_HOOKS_INSTALLED {
            becomeDefaultExecutor()
            return .capturing(width: width)
        }
        GlobalExecutor.installed.store(nil, ordering: .releasing)
        executor.release()
        if result == LANES_HOOKS_TAKEN {
            return .refused("jobs are not captured: another global executor is installed (SwiftNIO's takeover?)")
        }
        return .refused("jobs are not captured: this Swift runtime has no global-executor hooks")
        #else
        return .refused("jobs are not captured: Lanes' job capture is tested with Swift 6.3 only")
        #endif
    }

    /// Makes the installed executor `Task.defaultExecutor` as well (see `GlobalExecutor+Default`).
    /// The runtime's previous default executor is kept alive, so a task that read it just before
    /// still finds it.
    private static func becomeDefaultExecutor() {
        previousDefaultExecutor = Task.defaultExecutor
        _createExecutors(factory: LanesExecutorFactory.self)
    }

    /// The runtime's default executor before the takeover, never released.
    nonisolated(unsafe) private static var previousDefaultExecutor: (any TaskExecutor)?

    /// The default pool's width (one thread per processor this process may run on), or
    /// `LANES_EXECUTOR_THREADS`.
    static func poolWidth() -> Int {
        if let value = environment(widthVariable) {
            if let width = Int(value), (1...1024).contains(width) { return width }
            printRecorderWarning("\(widthVariable)=\(value) is not a number of threads from 1 to 1024; using the default")
        }
        return Int(lanes_available_processor_count())
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }
}

/// The hook's target: hands the job to the installed executor. The hook is installed only after
/// `GlobalExecutor.installed` is set, and that is never cleared once the hook is in.
private let globalJobSink: lanes_global_job_sink = { job, delay in
    GlobalExecutor.installed.load(ordering: .acquiring).unsafelyUnwrapped._withUnsafeGuaranteedRef {
        $0.enqueue(job: job.unsafelyUnwrapped, delay: delay)
    }
}
