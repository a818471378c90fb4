/// The summary as the lines `lanes summary` prints.
extension TraceSummary {
    /// The report, one string per line, with at most `findingLimit` finding groups and
    /// `routeLimit` routes spelled out.
    public func lines(title: String, findingLimit: Int = 10, routeLimit: Int = 10) -> [String] {
        let duration = { (nanoseconds: Int64) in DisplayText.duration(nanoseconds) }
        var lines: [String] = []
        let threads = executorThreadCount > 0
            ? "\(threadCount) threads (\(executorThreadCount) executor)" : "\(threadCount) threads"
        lines.append("\(title)   wall \(duration(wallNanoseconds))   \(spanCount) spans · \(taskCount) tasks · \(threads)")
        let kindsUnknown = skippedRules.contains { $0.rule == .blockingCall }
        var totals = kindsUnknown ? "blocked n/a (no span kinds)" : "blocked \(duration(blockedNanoseconds))"
        totals += hasTaskStates ? "   queued \(duration(queuedNanoseconds))" : "   queued n/a (no task states)"
        totals += "   overlapped \(duration(overlappedNanoseconds))   overlap max \(maxOverlap)"
        lines.append(totals)
        lines.append(jobSource.description)
        if findings.isEmpty {
            lines.append("no findings")
        } else {
            let counts = findingCounts.map { "\($0.rule.rawValue) ×\($0.count) \(duration($0.costNanoseconds))" }
            lines.append("\(findings.count) finding\(findings.count == 1 ? "" : "s"): " + counts.joined(separator: " · "))
        }

        if !findings.isEmpty {
            lines.append("")
            lines.append("top findings by cost")
            for (index, group) in findingGroups.prefix(max(0, findingLimit)).enumerated() {
                lines.append("  \(index + 1). \(group.rule.rawValue)  \(duration(group.totalCostNanoseconds))  \(group.message)")
                lines.append("     → \(group.advice)")
            }
            if findingGroups.count > findingLimit {
                let rest = findingGroups.dropFirst(findingLimit).reduce(0) { $0 + $1.count }
                lines.append("  … and \(rest) more (--json lists all)")
            }
        }

        // Routes matter when requests repeat; a handful of one-off roots is not a server.
        if routes.contains(where: { $0.requests.statistics.count > 1 }) {
            lines.append("")
            lines.append("routes (count, rate, p50, p90, p99, max)")
            let width = min(40, routes.prefix(routeLimit).map { $0.route.count }.max() ?? 0)
            for route in routes.prefix(max(0, routeLimit)) {
                let statistics = route.requests.statistics
                let name = route.route.count >= width ? route.route : route.route + String(repeating: " ", count: width - route.route.count)
                lines.append("  \(name)  ×\(DisplayText.count(statistics.count))  \(route.requests.rateText)  p50 \(duration(statistics.p50))  p90 \(duration(statistics.p90))  p99 \(duration(statistics.p99))  max \(duration(statistics.maximum))")
            }
            if routes.count > routeLimit { lines.append("  … and \(routes.count - routeLimit) more routes (--json lists all)") }
        }

        if let handler = slowestHandler {
            lines.append("")
            lines.append("critical path of the slowest handler, \(handler.name) (\(duration(handler.wallNanoseconds)))")
            if criticalPath.isEmpty {
                lines.append("  (no child spans)")
            } else {
                lines.append("  " + criticalPath.map { "\($0.name) \(duration($0.wallNanoseconds))" }.joined(separator: " → "))
            }
        }

        if !topSelfTime.isEmpty {
            lines.append("")
            lines.append("most self time")
            lines += Self.countedTable(topSelfTime.map { ($0.name, $0.count, $0.selfNanoseconds) })
        }
        if selfTimeLeftOut > 0, let missing = eventsMissingBeforeOffset {
            if topSelfTime.isEmpty { lines.append("") }
            lines.append("  (\(selfTimeLeftOut) span\(selfTimeLeftOut == 1 ? "" : "s") begun before \(duration(missing)) left out: "
                + "the producer lost events before then, so their self time is not known)")
        }

        if !producerTotals.isEmpty {
            lines.append("")
            lines.append("totals reported by the producer (not drawn as lanes)")
            lines += Self.countedTable(producerTotals.map { ($0.name, $0.count, $0.nanoseconds) })
        }

        if !skippedRules.isEmpty {
            lines.append("")
            lines.append("rules not run")
            for skipped in skippedRules {
                lines.append("  \(skipped.rule.rawValue): \(skipped.reason)")
            }
        }
        return lines
    }

    /// `  NAME  ×COUNT  DURATION` rows, names padded to the longest (up to 40 characters).
    static func countedTable(_ rows: [(name: String, count: Int, nanoseconds: Int64)]) -> [String] {
        let width = min(40, rows.map(\.name.count).max() ?? 0)
        return rows.map { row in
            let padded = row.name.count >= width ? row.name : row.name + String(repeating: " ", count: width - row.name.count)
            return "  \(padded)  ×\(row.count)  \(DisplayText.duration(row.nanoseconds))"
        }
    }
}
