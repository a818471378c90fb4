import LanesModel

extension RuleContext {
    /// `run-sync-in-async`: a `runSync` bridge used from inside a task, which blocks an executor
    /// thread until the async work it drives finishes.
    func runSyncInAsyncFindings() -> [Finding] {
        var findings: [Finding] = []
        for span in 0..<trace.spanCount where trace.spanKind[span] == .runSync {
            let parent = Int(trace.spanParent[span])
            let insideAsync = parent >= 0 && trace.spanTask[parent] == trace.spanTask[span]
                && [.async, .handler, .gather].contains(trace.spanKind[parent])
            guard SpanStructure.isOnExecutor(trace, span) || insideAsync else { continue }
            let wall = wall(span)
            findings.append(Finding(
                rule: .runSyncInAsync, span: Int32(span),
                begin: trace.spanBegin[span], end: trace.spanEnd[span], costNanoseconds: wall,
                message: "\(name(span)) drove async work from inside a task, blocking executor thread \(threadName(span)) for \(DisplayText.duration(wall))",
                advice: "in async code await the function directly; keep runSync for synchronous callers"))
        }
        return findings
    }
}
