import LanesModel

/// When a task's step became ready, as far as the loop's own slices show it.
///
/// asyncio's loop runs in iterations (`BaseEventLoop._run_once`): it waits in `select` for I/O
/// and the next timer, then runs every callback that is ready, one after another. A step that
/// runs in an iteration was ready at the latest when that iteration's `select` returned, so the
/// time from there to the step's start is time it waited for the loop. That is a lower bound: a
/// callback made ready during the previous iteration, or a timer that fell due while the loop was
/// held, waited longer, and the trace does not say when (viztracer does not record the delay
/// passed to `call_later`). Without a visible iteration (another loop, filtered frames) the
/// step's wait is unknown and taken as none.
struct AsyncioLoopTiming {
    private var cachedIteration: Int32 = -1
    private var cachedReadyTime: Int64 = 0

    /// The latest time the step beginning at `stepBegin`, inside loop slice `container`, can
    /// have become ready.
    mutating func readyTime(container: Int32, stepBegin: Int64, _ trace: Trace, _ names: inout AsyncioNameCatalog) -> Int64 {
        var span = Int(container)
        var depth = 0
        while span >= 0, names.entry(trace.spanName[span]).role != .iteration {
            span = Int(trace.spanParent[span])
            depth += 1
            if depth > 64 { return stepBegin }
        }
        guard span >= 0 else { return stepBegin }
        if Int32(span) == cachedIteration { return cachedReadyTime }
        var ready = trace.spanBegin[span]
        for child in trace.children(ofSpan: span) {
            if trace.spanBegin[Int(child)] >= stepBegin { break }
            if names.entry(trace.spanName[Int(child)]).role == .select {
                ready = trace.spanEnd[Int(child)]
                break
            }
        }
        cachedIteration = Int32(span)
        cachedReadyTime = ready
        return ready
    }
}
