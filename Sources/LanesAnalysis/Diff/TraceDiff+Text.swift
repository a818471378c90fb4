/// The diff as the lines `lanes diff` prints; the verdict is in the first three lines.
extension TraceDiff {
    /// The report, one string per line, with at most `rowLimit` lines per section.
    public func lines(titleA: String, titleB: String, rowLimit: Int = 15) -> [String] {
        let duration = DisplayText.duration
        var lines: [String] = []
        let wall = wall
        var first = "wall \(duration(wall.a)) → \(duration(wall.b)) (\(DisplayText.percentChange(from: wall.a, to: wall.b)))"
        first += "   blocked \(duration(blocked.a)) → \(duration(blocked.b))"
        first += "   \(resolvedFindings.count) finding\(resolvedFindings.count == 1 ? "" : "s") resolved, \(newFindings.count) new"
        if !remainingFindings.isEmpty { first += ", \(remainingFindings.count) remaining" }
        lines.append(first)
        lines.append("queued \(duration(queued.a)) → \(duration(queued.b))   overlapped \(duration(overlapped.a)) → \(duration(overlapped.b))   overlap max \(maxOverlap.a) → \(maxOverlap.b)")
        lines.append(verdict)
        lines.append("A: \(titleA)   B: \(titleB)")

        let changed = statistics.filter { $0.a != $0.b }
        if !changed.isEmpty {
            lines.append("")
            lines.append("spans by impact (count, total, p50, max: A → B)")
            for entry in changed.prefix(max(0, rowLimit)) {
                let a = entry.a
                let b = entry.b
                var line = "  \(path(entry.path))"
                line += "   ×\(a.count)" + (a.count == b.count ? "" : " → ×\(b.count)")
                line += "   total \(duration(a.total)) → \(duration(b.total)) (\(DisplayText.percentChange(from: a.total, to: b.total)))"
                line += "   p50 \(duration(a.median)) → \(duration(b.median))   max \(duration(a.maximum)) → \(duration(b.maximum))"
                lines.append(line)
            }
            if changed.count > rowLimit { lines.append("  … and \(changed.count - rowLimit) more (--json lists all)") }
        }

        func findingSection(_ title: String, _ changes: [FindingChange], cost: (FindingChange) -> String) {
            guard !changes.isEmpty else { return }
            lines.append("")
            lines.append("\(title) (\(changes.count))")
            for change in changes.prefix(max(0, rowLimit)) {
                let location = change.path >= 0 ? path(change.path) : "(no span)"
                lines.append("  \(change.rule.rawValue)  \(cost(change))  \(location)")
            }
            if changes.count > rowLimit { lines.append("  … and \(changes.count - rowLimit) more") }
        }
        if !incomparableRules.isEmpty {
            lines.append("")
            lines.append("not compared (a run lacks the data): " + incomparableRules.map(\.rawValue).joined(separator: ", "))
        }
        findingSection("findings resolved", resolvedFindings) { duration($0.costA) }
        findingSection("findings new", newFindings) { duration($0.costB) }
        findingSection("findings remaining", remainingFindings) { "\(duration($0.costA)) → \(duration($0.costB))" }

        if !overlapGains.isEmpty {
            lines.append("")
            lines.append("overlapping in B (overlap factor A → B)")
            for gain in overlapGains.prefix(max(0, rowLimit)) {
                let before = gain.factorA > 0 ? Self.factor(gain.factorA) : "absent"
                lines.append("  \(path(gain.path))   \(before) → \(Self.factor(gain.factorB))")
            }
        }

        func unmatchedSection(_ title: String, _ entries: [UnmatchedPath]) {
            guard !entries.isEmpty else { return }
            lines.append("")
            lines.append("\(title) (\(entries.reduce(0) { $0 + $1.count }) spans)")
            for entry in entries.prefix(max(0, rowLimit)) {
                lines.append("  \(path(entry.path))   ×\(entry.count)   \(duration(entry.total))")
            }
            if entries.count > rowLimit { lines.append("  … and \(entries.count - rowLimit) more paths") }
        }
        unmatchedSection("only in A", onlyInA)
        unmatchedSection("only in B", onlyInB)
        return lines
    }

    /// One line that says which run is better.
    public var verdict: String {
        if isUnchanged { return "no change: the runs match span for span" }
        let wall = wall
        if wall.delta < 0 {
            return "B is faster by \(DisplayText.duration(-wall.delta)) (\(DisplayText.percentChange(from: wall.a, to: wall.b)) wall)"
        }
        if wall.delta > 0 {
            return "B is slower by \(DisplayText.duration(wall.delta)) (\(DisplayText.percentChange(from: wall.a, to: wall.b)) wall)"
        }
        return "same wall time; see the spans below for what moved"
    }

    static func factor(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "×\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
