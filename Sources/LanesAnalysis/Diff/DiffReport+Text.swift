/// The diff as the lines `lanes diff` prints: the verdict first, then what it rests on.
extension DiffReport {
    /// The report, one string per line, with at most `rowLimit` lines per section.
    public func lines(rowLimit: Int = 15) -> [String] {
        let duration = { (seconds: Seconds) in DisplayText.duration(seconds.nanoseconds) }
        func optional(_ seconds: Seconds?) -> String { seconds.map(duration) ?? "n/a" }
        func change(_ totals: Totals) -> String { "\(optional(totals.a)) → \(optional(totals.b))" }
        var lines: [String] = [verdict.headline]
        var totals = "wall \(change(wall))"
        if let a = wall.a, let b = wall.b { totals += " (\(DisplayText.percentChange(from: a.nanoseconds, to: b.nanoseconds)))" }
        totals += "   blocked \(change(blocked))   queued \(change(queued))   overlap max \(maxOverlap.a) → \(maxOverlap.b)"
        lines.append(totals)
        lines.append("A: \(a.source?.file ?? "A")   B: \(b.source?.file ?? "B")")

        func occurrences(_ comparison: Comparison, name: String) -> String {
            let a = comparison.a.statistics
            let b = comparison.b.statistics
            var line = "  \(name)   ×\(DisplayText.count(a.count)) → ×\(DisplayText.count(b.count))"
            line += "   \(comparison.a.rateText) → \(comparison.b.rateText)"
            line += "   p50 \(DisplayText.duration(a.p50)) → \(DisplayText.duration(b.p50)) (\(DisplayText.percentChange(from: a.p50, to: b.p50)))"
            line += "   p99 \(DisplayText.duration(a.p99)) → \(DisplayText.duration(b.p99))"
            if let test = comparison.test {
                line += "   \(comparison.change.rawValue) (\(DiffVerdict.pValueText(test.pValue)))"
            } else {
                line += "   too few to test"
            }
            return line
        }
        if !routes.isEmpty || !routesOnlyInA.isEmpty || !routesOnlyInB.isEmpty {
            lines.append("")
            lines.append("requests per route (count, rate, p50, p99: A → B, then the rank test)")
            for route in routes.prefix(max(0, rowLimit)) { lines.append(occurrences(route, name: route.name)) }
            if routes.count > rowLimit { lines.append("  … and \(routes.count - rowLimit) more routes (--json lists all)") }
            if routes.isEmpty || verdict.basis == .allRequests { lines.append(occurrences(allRequests, name: "all requests")) }
            for (title, entries) in [("only in A", routesOnlyInA), ("only in B", routesOnlyInB)] where !entries.isEmpty {
                let names = entries.prefix(max(0, rowLimit)).map { "\($0.name) ×\(DisplayText.count($0.count))" }
                lines.append("  routes \(title): " + names.joined(separator: ", ") + (entries.count > rowLimit ? ", …" : ""))
            }
        }

        if !overlapChanges.isEmpty {
            lines.append("")
            lines.append("awaits that changed how they overlap")
            for change in overlapChanges.prefix(max(0, rowLimit)) {
                let times = change.count > 1 ? " (×\(change.count), median)" : ""
                lines.append("  \(change.spans.joined(separator: ", ")): \(change.modeA) \(duration(change.a)) → \(change.modeB) \(duration(change.b))\(times)")
            }
        }

        let changed = spans
        if !changed.isEmpty {
            lines.append("")
            lines.append("spans by change of a typical occurrence (count, p50, p99: A → B)")
            for entry in changed.prefix(max(0, rowLimit)) {
                let a = entry.a.statistics
                let b = entry.b.statistics
                var line = "  \(entry.name)"
                if let moved = entry.nameInB { line += " → \(moved)" }
                line += "   ×\(DisplayText.count(a.count))" + (a.count == b.count ? "" : " → ×\(DisplayText.count(b.count))")
                line += "   p50 \(DisplayText.duration(a.p50)) → \(DisplayText.duration(b.p50)) (\(DisplayText.percentChange(from: a.p50, to: b.p50)))"
                line += "   p99 \(DisplayText.duration(a.p99)) → \(DisplayText.duration(b.p99))"
                if let test = entry.test { line += "   \(entry.change.rawValue) (\(DiffVerdict.pValueText(test.pValue)))" }
                lines.append(line)
            }
            if changed.count > rowLimit { lines.append("  … and \(changed.count - rowLimit) more (--json lists all)") }
        }

        if !moved.isEmpty {
            lines.append("")
            lines.append("matched across wrappers (\(DisplayText.count(moved.reduce(0) { $0 + $1.count })) spans)")
            for entry in moved.prefix(max(0, rowLimit)) {
                lines.append("  \(entry.pathA) → \(entry.pathB)" + (entry.count > 1 ? "   ×\(DisplayText.count(entry.count))" : ""))
            }
            if moved.count > rowLimit { lines.append("  … and \(moved.count - rowLimit) more") }
        }

        if !resolved.isEmpty || !new.isEmpty || !remaining.isEmpty {
            lines.append("")
            lines.append("findings by rule and site (\(resolved.count) resolved, \(new.count) new, \(remaining.count) remaining)")
            func site(_ change: FindingChange) -> String { change.site.isEmpty ? "" : " at \(change.site)" }
            for change in resolved.prefix(max(0, rowLimit)) {
                lines.append("  resolved: \(change.rule.rawValue)\(site(change)) ×\(DisplayText.count(change.countA)), \(duration(change.costA))")
            }
            for change in new.prefix(max(0, rowLimit)) {
                lines.append("  new: \(change.rule.rawValue)\(site(change)) ×\(DisplayText.count(change.countB)), \(duration(change.costB))")
            }
            for change in remaining.prefix(max(0, rowLimit)) {
                lines.append("  remaining: \(change.rule.rawValue)\(site(change)) ×\(DisplayText.count(change.countA)) → ×\(DisplayText.count(change.countB)), \(duration(change.costA)) → \(duration(change.costB))")
            }
            let hidden = max(0, resolved.count - rowLimit) + max(0, new.count - rowLimit) + max(0, remaining.count - rowLimit)
            if hidden > 0 { lines.append("  … and \(hidden) more groups (--json lists all)") }
        }
        if !notComparedRules.isEmpty {
            lines.append("")
            lines.append("not compared (a run lacks the data): " + notComparedRules.map(\.rawValue).joined(separator: ", "))
        }

        for (title, entries) in [("only in A", onlyInA), ("only in B", onlyInB)] where !entries.isEmpty {
            lines.append("")
            lines.append("\(title) (\(DisplayText.count(entries.reduce(0) { $0 + $1.count })) spans)")
            for entry in entries.prefix(max(0, rowLimit)) {
                lines.append("  \(entry.name)   ×\(DisplayText.count(entry.count))   \(duration(entry.total))")
            }
            if entries.count > rowLimit { lines.append("  … and \(entries.count - rowLimit) more paths") }
        }

        if let gate {
            lines.append("")
            let subject = gate.span.map { " of \($0)" } ?? ""
            lines.append("--fail-if-slower \(DisplayText.decimal(gate.thresholdPercent, digits: gate.thresholdPercent == gate.thresholdPercent.rounded() ? 0 : 1))% on \(gate.metric.rawValue)\(subject): \(gate.failed ? "FAILED" : "passed")")
            for check in gate.checks.prefix(max(0, rowLimit)) {
                let test = check.pValue.map { DiffVerdict.pValueText($0) } ?? "not tested"
                lines.append("  \(check.subject)   \(duration(check.a)) → \(duration(check.b)) (\(DisplayText.decimal(check.changePercent, digits: 1))%, \(test))\(check.failed ? "   slower than allowed" : "")")
            }
        }
        return lines
    }
}
