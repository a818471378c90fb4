import LanesModel

extension RenderContext {
    /// Details of the selected row on one or two lines: what it is, where it ran, how long,
    /// its states, parent, attributes and findings.
    mutating func drawDetails() {
        let lines = layout.detailYs
        guard !lines.isEmpty, let row = state.selection else { return }
        let (first, second) = detailLines(row)
        if lines.count == 1 {
            _ = writeFacts(first, x: 1, y: lines[0], limit: grid.width - 1, style: .plain)
        } else {
            _ = writeFacts(first, x: 1, y: lines[0], limit: grid.width - 1, style: .plain)
            _ = writeFacts(second, x: 1, y: lines[1], limit: grid.width - 1, style: .dim)
        }
    }

    func detailLines(_ row: ViewRow) -> ([String], [String]) {
        switch row.content {
        case .span(let span): return spanDetails(Int(span))
        case .lane(let lane):
            let roots = document.roots(ofLane: Int(lane))
            let range = trace.laneRanges[Int(lane)]
            var first = [taskLabel(Int(lane)),
                         "\(grouped(range.count)) spans\(theme.dot)\(grouped(roots.count)) roots"]
            if let extent = document.laneExtent[Int(lane)] {
                first.append("from " + offset(extent.lowerBound) + " to " + offset(extent.upperBound))
            }
            let slices = trace.sliceRanges[Int(lane)].count
            return (first, slices > 0 ? ["\(grouped(slices)) executor jobs"] : [])
        case .group(let index):
            let group = state.groups[index]
            let inView = group.memberBegins.partitioningIndex { $0 >= state.windowEnd }
                - group.memberBegins.partitioningIndex { $0 >= state.windowStart }
            return (["\(grouped(group.members.count)) spans named " + safe(trace.strings[group.name]),
                     "\(grouped(inView)) begin in view"],
                    ["digits in the bar count spans merged into one cell (+ for more than 9)"])
        case .thread(let thread):
            let info = trace.threads[Int(thread)]
            let totals = document.threadTotals[Int(thread)]
            let wall = max(1, document.wallNanoseconds)
            let percent = Int((Double(totals.busy) / Double(wall) * 100).rounded())
            return (["thread " + safe(trace.name(ofThread: Int(thread))) + (info.isExecutor ? ", executor" : ""),
                     "\(grouped(totals.jobs)) jobs", "busy \(duration(totals.busy)) (\(percent)%)",
                     "held by blocking work \(duration(totals.blocked))"],
                    ["task names are written into the jobs that held the thread"])
        case .more(let count):
            return (["\(grouped(count)) more children not listed"], [])
        }
    }

    /// A time as an offset from the trace start.
    func offset(_ time: Int64) -> String {
        time <= trace.startTime ? "0s" : duration(TimeMath.distance(from: trace.startTime, to: time))
    }

    /// "task NAME" (or the generated "task 12").
    func taskLabel(_ lane: Int) -> String {
        trace.tasks[lane].name.isEmpty && document.roots(ofLane: lane).isEmpty
            ? safe(trace.name(ofTask: lane)) : "task " + safe(document.name(ofLane: lane))
    }

    func spanDetails(_ span: Int) -> ([String], [String]) {
        let kind = trace.spanKind[span]
        let thread = Int(trace.spanThread[span])
        let telemetry = trace.telemetry(ofSpan: span)
        // Imported spans have no Lanes kind: their OpenTelemetry kind says more.
        var place = kind == .unknown && (telemetry?.kind ?? .unspecified) != .unspecified
            ? telemetry!.kind.name : kind.description
        if document.analysis.isBlocking(span: span) { place += " (blocking)" }
        if thread >= 0, thread < trace.threads.count {
            let name = safe(trace.name(ofThread: thread))
            place += " on " + name
            if trace.threads[thread].isExecutor, !name.lowercased().contains("executor") { place += " (executor)" }
        }
        var timing = duration(trace.duration(ofSpan: span)) + " wall"
        if let cpu = trace.cpuNanoseconds(ofSpan: span) { timing += ", " + duration(cpu) + " CPU" }
        var first = [safe(trace.displayName(ofSpan: span)), place, timing]
        if let parent = trace.parent(ofSpan: span) {
            first.append("parent " + safe(trace.displayName(ofSpan: parent)))
        } else if !trace.tasks[Int(trace.spanTask[span])].name.isEmpty {
            first.append(taskLabel(Int(trace.spanTask[span])))
        }
        var second: [String] = []
        if let states = analysis.states(ofSpan: span) {
            second.append("running \(duration(states.running))\(theme.dot)queued \(duration(states.queued))\(theme.dot)suspended \(duration(states.suspended))")
        }
        if !trace.children(ofSpan: span).isEmpty {
            second.append("overlap " + (theme.isUTF8 ? "×" : "x") + TimeFormat.fixed(analysis.overlapFactor(ofSpan: span), decimals: 2))
        }
        if trace.spanStatus[span] != .ok {
            var status = "status " + trace.spanStatus[span].description
            if let message = trace.errorMessage(ofSpan: span), trace.telemetry(ofSpan: span)?.statusMessage ?? 0 != 0 {
                status += ": " + SafeText.cut(safe(message), width: 40, ellipsis: theme.ellipsis)
            }
            second.append(status)
        }
        let events = trace.events(ofSpan: span)
        if let first = events.first {
            let name = SafeText.cut(safe(trace.strings[first.name]), width: 24, ellipsis: theme.ellipsis)
            second.append(events.count == 1 ? "event " + name : "\(events.count) events (" + name + ", " + String(theme.ellipsis) + ")")
        }
        let findings = analysis.findings(forSpan: span)
        if !findings.isEmpty { second.append("\(findings.count) finding" + (findings.count == 1 ? "" : "s")) }
        for attribute in trace.attributes(ofSpan: span).prefix(6) {
            second.append(safe(attribute.key) + "=" + SafeText.cut(safe(attribute.value), width: 40, ellipsis: theme.ellipsis))
        }
        return (first, second)
    }
}
