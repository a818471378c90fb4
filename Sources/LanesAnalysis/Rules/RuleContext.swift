import LanesModel

/// What the finding rules share: the trace, the options and what the analysis derived first.
struct RuleContext {
    let trace: Trace
    let options: AnalysisOptions
    let structure: SpanStructure
    let sliceTotals: SliceTotals
    let executorThreadsHeld: StepSeries
    let tasksQueued: QueuedJobs
    let executorThreadCount: Int
    let blockingOccurrences: [BlockingOccurrence]

    /// Runs every rule the trace has data for; returns the findings, largest cost first, and the
    /// rules that could not run with the reason.
    func runAllRules() -> ([Finding], [(rule: FindingRule, reason: String)]) {
        var findings: [Finding] = []
        var skipped: [(rule: FindingRule, reason: String)] = []
        let kindsKnown = trace.spanCount == 0 || trace.spanKind.contains { $0 != .unknown }
        let hasStates = !trace.slices.isEmpty || trace.spanCount == 0
        let noKinds = "the spans carry no kinds and the trace has no jobs (an imported trace): sync and async work cannot be told apart"
        let noStates = "the trace has no task states: record it with job capture (lanes record, or Lanes.record(to:)) to see executor jobs"

        if kindsKnown || hasStates {
            findings += blockingCallFindings()
        } else {
            skipped.append((.blockingCall, noKinds))
        }
        if kindsKnown {
            findings += runSyncInAsyncFindings()
            findings += sequentialAwaitFindings()
        } else {
            skipped.append((.runSyncInAsync, noKinds))
            skipped.append((.sequentialAwaits, noKinds))
        }
        if hasStates || (kindsKnown && executorThreadCount > 0) {
            findings += executorStallFindings()
        } else {
            skipped.append((.executorStall, kindsKnown
                ? "the trace has no task states and names no executor threads"
                : noStates))
        }
        findings.sort {
            ($0.costNanoseconds, -$0.begin, $0.span) > ($1.costNanoseconds, -$1.begin, $1.span)
        }
        return (findings, skipped)
    }

    func wall(_ span: Int) -> Int64 { trace.spanEnd[span] &- trace.spanBegin[span] }

    func name(_ span: Int) -> String { DisplayText.name(ofSpan: span, in: trace) }

    /// The runtime's words for executors and remedies.
    var words: RuntimeWords { RuntimeWords(runtime: trace.metadata.runtime) }

    /// Span `span`'s name with its code location when the trace has one (`wait_for at app.py:6`).
    func site(_ span: Int) -> String { RuntimeWords.site(ofSpan: span, in: trace) }

    func threadName(_ span: Int) -> String {
        let thread = Int(trace.spanThread[span])
        return DisplayText.escaped(trace.name(ofThread: thread))
    }

    func offCPUShare(_ span: Int) -> Double? {
        let wall = wall(span)
        guard wall > 0, let cpu = trace.cpuNanoseconds(ofSpan: span) else { return nil }
        return max(0, min(1, 1 - Double(cpu) / Double(wall)))
    }
}
