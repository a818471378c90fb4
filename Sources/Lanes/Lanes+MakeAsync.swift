import LanesModel

extension Lanes {
    /// Turns a blocking synchronous function into an async one that runs on a `BlockingPool`
    /// thread (never on an executor thread), like Chainlit's `make_async`.
    ///
    /// Each call records a `poolWait` span (from the call until a pool thread picked the work
    /// up) and a `makeAsync` span named `name` (the run), both children of the caller's span;
    /// spans inside `function` are children of the run. The calling task is suspended, not
    /// blocked, while the function runs. The function is not interrupted by task cancellation.
    public static func makeAsync<each Argument: Sendable, Value: Sendable>(
        _ name: String = "makeAsync", on pool: BlockingPool = .shared,
        _ function: @escaping @Sendable (repeat each Argument) throws -> Value
    ) -> @Sendable (repeat each Argument) async throws -> Value {
        { (argument: repeat each Argument) async throws -> Value in
            let arguments = (repeat each argument)
            return try await runOnPool(name, pool) { () throws -> Value in
                try function(repeat each arguments)
            }
        }
    }

    /// `makeAsync` for a function that cannot throw: the async function cannot throw either.
    /// (Two overloads rather than typed throws: Swift 6.3 crashes lowering typed throws through
    /// parameter packs.)
    public static func makeAsync<each Argument: Sendable, Value: Sendable>(
        _ name: String = "makeAsync", on pool: BlockingPool = .shared,
        _ function: @escaping @Sendable (repeat each Argument) -> Value
    ) -> @Sendable (repeat each Argument) async -> Value {
        { (argument: repeat each Argument) async -> Value in
            let arguments = (repeat each argument)
            return await runOnPool(name, pool) { () -> Value in
                function(repeat each arguments)
            }
        }
    }

    /// Runs `work` on `pool` and suspends until it returns, recording the wait and the run.
    static func runOnPool<Value: Sendable, Failure: Error>(
        _ name: String, _ pool: BlockingPool, _ work: @escaping @Sendable () throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        var caller = SpanContext.innermost
        let wait = SpanRecorder.begin("poolWait", kind: .poolWait)
        if let wait {
            // The run is drawn in the lane of the task that waits for it.
            caller.task = wait.context.task
            caller.recorder = wait.recorder
        }
        let parent = caller
        let outcome: Result<Value, Failure> = await withCheckedContinuation { continuation in
            pool.submit {
                if let wait { SpanRecorder.end(wait) }
                let run = isRecordingAnywhere
                    ? SpanRecorder.beginRecording(
                        name, kind: .makeAsync, attributes: [:], parent: parent, isRoot: false,
                        marksExecutor: false, measuresCPU: true)
                    : nil
                let outcome: Result<Value, Failure> = SpanContext.local.withValue(run?.context ?? parent) {
                    do throws(Failure) { return .success(try work()) } catch { return .failure(error) }
                }
                if let run {
                    if case .failure(let error) = outcome {
                        SpanRecorder.end(run, error: error)
                    } else {
                        SpanRecorder.end(run)
                    }
                }
                continuation.resume(returning: outcome)
            }
        }
        return try outcome.get()
    }
}
