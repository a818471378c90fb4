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

    /// An async span with a duration (whether it was mostly suspended is checked in `report`,
    /// only for runs worth reporting).
    private func isAwaitable(_ span: Int) -> Bool {
        let kind = trace.spanKind[span]
        guard kind == .async || kind == .makeAsync else { return false }
        return trace.spanEnd[span] > trace.spanBegin[span]
    }

    /// Whether span `span` spent at most half its wall time running: the rest it was suspended,
    /// or ready again and queued behind busy threads, which is waiting too. True when the trace
    /// has no task states for its task to tell.
    private func isMostlySuspended(_ span: Int) -> Bool {
        guard let states = sliceTotals.states(ofSpan: span, in: trace) else { return true }
        return states.running * 2 <= wall(span)
    }

    private func saving(_ run: ArraySlice<Int32>) -> (total: Int64, longest: Int64) {
        var total: Int64 = 0
        var longest: Int64 = 0
        for span in run {
            total &+= wall(Int(span))
            longest = max(longest, wall(Int(span)))
        }
        return (total, longest)
    }

    private func report(_ run: [Int32], parent: Int, into findings: inout [Finding]) {
        guard run.count >= 2 else { return }
        let whole = saving(run[...])
        guard whole.total &- whole.longest >= max(1, options.minimumSequentialSaving) else { return }
        // Members that mostly ran (rather than awaited) split the run.
        var start = 0
        for index in 0...run.count {
            if index < run.count, isMostlySuspended(Int(run[index])) { continue }
            reportChecked(run[start..<index], parent: parent, into: &findings)
            start = index + 1
        }
    }

    private func reportChecked(_ run: ArraySlice<Int32>, parent: Int, into findings: inout [Finding]) {
        guard run.count >= 2 else { return }
        let (total, longest) = saving(run)
        let saving = total &- longest
        guard saving > 0, saving >= options.minimumSequentialSaving else { return }
        let first = Int(run[run.startIndex])
        findings.append(Finding(
            rule: .sequentialAwaits, span: Int32(first),
            begin: trace.spanBegin[first], end: trace.spanEnd[Int(run[run.endIndex - 1])],
            costNanoseconds: saving,
            message: "\(run.count) awaits in \(name(parent)) ran one after another for \(DisplayText.duration(total)); overlapped ≈ \(DisplayText.duration(longest))",
            advice: "if they are independent, start them together with \(words.overlap) (saves ≈ \(DisplayText.duration(saving)))",
            relatedSpans: Array(run)))
    }
}
