import Dispatch
import LanesModel
import Synchronization

extension Lanes {
    /// Runs async `operation` to completion from synchronous code and returns its result,
    /// blocking the calling thread meanwhile, like Chainlit's `run_sync`.
    ///
    /// The operation runs on threads of its own that are added whenever all are busy, so it
    /// cannot deadlock even when the caller holds the last executor thread. Called from inside
    /// a task, it still blocks that executor thread for the whole run: the `runSync` span records
    /// this with the on-executor flag, and `lanes summary` reports it.
    public static func runSync<Value: Sendable, Failure: Error>(
        _ name: String = "runSync",
        _ operation: @escaping @Sendable () async throws(Failure) -> Value
    ) throws(Failure) -> Value {
        let span = SpanRecorder.begin(name, kind: .runSync, marksExecutor: true, measuresCPU: true)
        let context = span?.context ?? SpanContext.current
        let result = Locked<Result<Value, Failure>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task(executorPreference: UnstarvableExecutor.shared) {
            let outcome: Result<Value, Failure> = await SpanContext.local.withValue(context) {
                do throws(Failure) { return .success(try await operation()) } catch { return .failure(error) }
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        let outcome = result.withLock { $0.take()! }
        if let span {
            if case .failure(let error) = outcome {
                SpanRecorder.end(span, error: error)
            } else {
                SpanRecorder.end(span)
            }
        }
        return try outcome.get()
    }
}
