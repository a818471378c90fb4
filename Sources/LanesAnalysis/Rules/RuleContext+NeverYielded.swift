import LanesModel

extension RuleContext {
    /// `never-yielded`: an executor job that ran at least the threshold without suspending. Time
    /// the job spent inside blocking spans is already reported as `blocking-call`, so only the
    /// rest counts here.
    func neverYieldedFindings() -> [Finding] {
        var findings: [Finding] = []
        for slice in trace.slices where slice.ended &- slice.started >= options.neverYieldedThreshold {
            let task = Int(slice.task)
            guard task >= 0, task < trace.laneRanges.count else { continue }
            let length = slice.ended &- slice.started
            var explained: Int64 = 0
            var innermost: Int32 = -1
            let lane = trace.laneRanges[task]
            let spans = lane.isEmpty ? [] : trace.spans(inLane: task, overlapping: slice.started, slice.ended)
            for span32 in spans {
                let span = Int(span32)
                let begin = trace.spanBegin[span]
                let end = trace.spanEnd[span]
                if begin <= slice.started, end >= slice.ended {
                    innermost = span32  // spans come in begin order: the last container is innermost
                }
                if structure.isOutermostBlocking[span] {
                    explained &+= max(0, min(end, slice.ended) &- max(begin, slice.started))
                }
            }
            let unexplained = length &- explained
            guard unexplained >= options.neverYieldedThreshold else { continue }
            let taskName = DisplayText.escaped(trace.name(ofTask: task))
            let where_ = innermost >= 0 ? " in \(name(Int(innermost)))" : ""
            findings.append(Finding(
                rule: .neverYielded, span: innermost, begin: slice.started, end: slice.ended,
                costNanoseconds: unexplained,
                message: "\(taskName) ran \(DisplayText.duration(length)) on \(DisplayText.escaped(trace.name(ofThread: Int(slice.thread)))) without suspending\(where_)",
                advice: "call \(words.yieldCall) inside long loops, or move the work to \(words.offload)"))
        }
        return findings
    }
}
