import LanesModel

extension RuleContext {
    /// `sequential-awaits`: two or more sibling async spans that ran back to back while mostly
    /// suspended. Overlapped, they would take about as long as the longest: the saving is Σ − max.
    func sequentialAwaitFindings() -> [Finding] {
        var findings: [Finding] = []
        var run: [Int32] = []
        for parent in 0..<trace.spanCount {
            let children = trace.children(ofSpan: parent)
            guard children.count >= 2 else { continue }
            run.removeAll(keepingCapacity: true)
            for child in children {
                let span = Int(child)
                guard isAwaitable(span) else {
                    report(run, parent: parent, into: &findings)
                    run.removeAll(keepingCapacity: true)
                    continue
                }
                if let last = run.last, trace.spanBegin[span] < trace.spanEnd[Int(last)] {
                    // Already overlapping its predecessor: a new run starts here.
                    report(run, parent: parent, into: &findings)
                    run.removeAll(keepingCapacity: true)
                }
                run.append(child)
            }
            report(run, parent: parent, into: &findings)
        }
        return findings
    }

    /// An async span with a duration that spent at least half of it suspended (when the trace
    /// has task states to tell).
    private func isAwaitable(_ span: Int) -> Bool {
        let kind = trace.spanKind[span]
        guard kind == .async || kind == .makeAsync else { return false }
        let wall = wall(span)
        guard wall > 0 else { return false }
        if let states = sliceTotals.states(ofSpan: span, in: trace) {
            return states.suspended * 2 >= wall
        }
        return true
    }

    private func report(_ run: [Int32], parent: Int, into findings: inout [Finding]) {
        guard run.count >= 2 else { return }
        var total: Int64 = 0
        var longest: Int64 = 0
        for span in run {
            total &+= wall(Int(span))
            longest = max(longest, wall(Int(span)))
        }
        let saving = total - longest
        guard saving > 0, saving >= options.minimumSequentialSaving else { return }
        let first = Int(run[0])
        findings.append(Finding(
            rule: .sequentialAwaits, span: run[0],
            begin: trace.spanBegin[first], end: trace.spanEnd[Int(run[run.count - 1])],
            costNanoseconds: saving,
            message: "\(run.count) awaits in \(name(parent)) ran one after another for \(DisplayText.duration(total)); overlapped ≈ \(DisplayText.duration(longest))",
            advice: "if they are independent, start them together with async let or withTaskGroup (saves ≈ \(DisplayText.duration(saving)))",
            relatedSpans: run))
    }
}
