import LanesModel

extension RuleContext {
    /// `blocking-call`: a `sync` span that held an executor thread for at least the threshold.
    func blockingCallFindings() -> [Finding] {
        var findings: [Finding] = []
        for span32 in structure.outermostBlocking {
            let span = Int(span32)
            guard trace.spanKind[span] == .sync else { continue }
            let wall = wall(span)
            guard wall >= options.blockingCallThreshold else { continue }
            let share = offCPUShare(span)
            var detail = ""
            let advice: String
            if let share {
                let percent = Int((share * 100).rounded())
                if share >= 0.5 {
                    detail = " (\(percent)% off-CPU: sleeping or waiting)"
                    advice = "use \(words.asyncAPI) or move the call to \(words.offload)"
                } else {
                    detail = " (\(100 - percent)% on-CPU: computing)"
                    advice = "move the work to \(words.offload), or split it and call \(words.yieldCall) between parts"
                }
            } else {
                advice = "move the call to \(words.offload) or replace it with \(words.asyncAPI)"
            }
            findings.append(Finding(
                rule: .blockingCall, span: span32,
                begin: trace.spanBegin[span], end: trace.spanEnd[span], costNanoseconds: wall,
                message: "\(site(span)) held \(words.heldExecutor(threadName: threadName(span))) for \(DisplayText.duration(wall))\(detail)",
                advice: advice))
        }
        return findings
    }
}
