extension Lanes {
    /// Runs `body` on a new `TaskStateExecutor` `threads` wide, recording the state of every
    /// task that runs on it; child tasks (`async let`, task groups, `gather`) inherit it.
    /// The executor's threads exit when `body` returns.
    ///
    /// Call it from nonisolated code: actor-isolated work (the main actor, your actors) keeps
    /// running on its actor and is not seen by the executor.
    public static func withTaskStates<Value, Failure: Error>(
        threads: Int = 2,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        let executor = TaskStateExecutor(threads: threads)
        let outcome: Result<Value, Failure> = await withTaskExecutorPreference(executor, isolation: isolation) {
            // The preference applies from the next enqueue on; yield so that `body` starts on
            // the executor rather than on the caller's thread.
            await Task.yield()
            do throws(Failure) { return .success(try await body()) } catch { return .failure(error) }
        }
        // Leave the executor, so that the job that ran the end of `body` returns and is recorded,
        // then wait, suspended, for the threads to record their last jobs and exit.
        await Task.yield()
        await executor.shutdownAndWait()
        return try outcome.get()
    }
}
