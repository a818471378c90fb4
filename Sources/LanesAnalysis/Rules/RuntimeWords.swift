import LanesModel

/// The words findings use for the runtime that produced the trace (`TraceMetadata.runtime`), so
/// that every rule says "the event loop" and `asyncio.to_thread` for a Python trace and "executor
/// thread 2" and `makeAsync` for a Swift one without a case of its own.
struct RuntimeWords: Sendable {
    /// The runtime.
    let runtime: ConcurrencyRuntime

    /// What a blocking span on thread `threadName` held: "the event loop", "executor thread 2".
    func heldExecutor(threadName: String) -> String {
        switch runtime {
        case .swift: "executor thread \(threadName)"
        case .asyncio: "the event loop"
        }
    }

    /// What a blocking call held, without naming the thread: "an executor thread", "the event loop".
    var anExecutor: String {
        switch runtime {
        case .swift: "an executor thread"
        case .asyncio: "the event loop"
        }
    }

    /// The executor as the subject of a sentence: "the event loop", "executor".
    var executor: String {
        switch runtime {
        case .swift: "executor"
        case .asyncio: "the event loop"
        }
    }

    /// The executor as an object: "the executor", "the event loop".
    var executorObject: String {
        switch runtime {
        case .swift: "the executor"
        case .asyncio: "the event loop"
        }
    }

    /// "all 2 executor threads held by blocking work", or for a loop "held by blocking work".
    func allThreadsHeld(count: Int) -> String {
        switch runtime {
        case .swift: "all \(count) executor threads held by blocking work"
        case .asyncio: "held by blocking work"
        }
    }

    /// Where blocking work should go instead.
    var offload: String {
        switch runtime {
        case .swift: "makeAsync"
        case .asyncio: "asyncio.to_thread"
        }
    }

    /// The suspending replacement for a blocking sleep or wait.
    var asyncAPI: String {
        switch runtime {
        case .swift: "an async API (Task.sleep, async I/O)"
        case .asyncio: "an awaitable API (asyncio.sleep, asyncio streams, an async client)"
        }
    }

    /// How to run independent awaits together.
    var overlap: String {
        switch runtime {
        case .swift: "async let or withTaskGroup"
        case .asyncio: "asyncio.gather (or an asyncio.TaskGroup)"
        }
    }

    /// How long-running code lets others run.
    var yieldCall: String {
        switch runtime {
        case .swift: "await Task.yield()"
        case .asyncio: "await asyncio.sleep(0)"
        }
    }

    /// What to do about a blocking call in `state` (nil: unknown).
    func advice(for state: BlockingState?) -> String {
        switch state {
        case .sleepingOrWaiting?:
            return "use \(asyncAPI) or move the call to \(offload)"
        case .computing?:
            return "move the computation to \(offload) (off \(executorObject)), or split it and call \(yieldCall) between parts"
        case .preempted?:
            return "the job was ready but had no processor (the machine was busy): no change at this site helps; the load does"
        case nil:
            return "move the call to \(offload) or replace it with \(asyncAPI)"
        }
    }

    /// A span's name with its code location when the trace has one: `wait_for at app.py:6`.
    static func site(ofSpan span: Int, in trace: Trace) -> String {
        let name = DisplayText.name(ofSpan: span, in: trace)
        guard let location = trace.codeLocation(ofSpan: span) else { return name }
        return "\(name) at \(DisplayText.escaped(location.shortSite))"
    }
}
