import LanesModel

/// Where a trace's executor jobs came from, so reports say how much they can know: with jobs,
/// blocking and queueing are seen wherever they happened; without, only where spans say.
public enum JobSource: Sendable, Equatable {
    /// Job capture: Lanes ran the process's global executor and recorded every job.
    case globalExecutor(width: Int)
    /// Jobs of the work run inside `Lanes.withTaskStates` (or another producer's executor).
    case taskStateExecutor
    /// Steps of Python asyncio tasks on their event loop (a viztracer `--log_async` trace).
    case asyncioEventLoop
    /// No jobs: the trace has no task states; `note` says why when the recorder knew.
    case none(note: String)

    /// The source of `trace`'s jobs.
    public init(trace: Trace) {
        if trace.metadata.runtime == .asyncio, !trace.slices.isEmpty {
            self = .asyncioEventLoop
        } else if let capture = trace.metadata.jobCapture, capture.isCapturing {
            self = .globalExecutor(width: capture.width)
        } else if !trace.slices.isEmpty {
            self = .taskStateExecutor
        } else {
            self = .none(note: trace.metadata.jobCapture?.note ?? "")
        }
    }

    /// The short form reports print: `global executor`, `withTaskStates`, `no task states`.
    public var name: String {
        switch self {
        case .globalExecutor: return "global executor"
        case .taskStateExecutor: return "withTaskStates"
        case .asyncioEventLoop: return "asyncio event loop"
        case .none: return "no task states"
        }
    }

    /// The line reports print, e.g. `jobs: global executor (2 threads)`.
    public var description: String {
        switch self {
        case .globalExecutor(let width): return "jobs: global executor (\(width) thread\(width == 1 ? "" : "s"))"
        case .taskStateExecutor: return "jobs: withTaskStates"
        case .asyncioEventLoop: return "jobs: asyncio task steps on the event loop"
        case .none(let note): return note.isEmpty ? "jobs: no task states" : "jobs: no task states (\(DisplayText.escaped(note)))"
        }
    }
}
