import LanesAnalysis
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
        case .span(let span): return spanDetails(Int(span), isTaskRow: row.depth == 0 && state.mode == .tasks)
        case .lane(let lane): return laneDetails(lane)
        case .group(let index):
            let group = state.groups[Int(index)]
            let inView = group.memberBegins.partitioningIndex { $0 >= state.windowEnd }
                - group.memberBegins.partitioningIndex { $0 >= state.windowStart }
            return (["\(grouped(group.members.count)) spans named " + safe(trace.strings[group.name]),
                     "\(grouped(inView)) begin in view"],
                    ["digits in the bar count spans merged into one cell (+ for more than 9)"])
        case .thread(let thread):
            let info = trace.threads[Int(thread)]
            let totals = document.threads.totals[Int(thread)]
            let wall = max(1, document.wallNanoseconds)
            let percent = Int((Double(totals.busy) / Double(wall) * 100).rounded())
            return (["thread " + safe(trace.name(ofThread: Int(thread))) + (info.isExecutor ? ", executor" : ""),
                     "\(grouped(totals.jobs)) jobs", "busy \(duration(totals.busy)) (\(percent)%)",
                     "held by blocking work \(duration(totals.blocked))"],
                    ["task names are written into the jobs that held the thread"])
        case .more(let count):
            return (["\(grouped(Int(count))) more not listed"], [])
        case .route(let route): return routeDetails(Int(route))
        case .finding(let index):
            let finding = analysis.findings[Int(index)]
            let site = FindingSite.key(of: finding, in: trace)
            let waited = finding.waitedNanoseconds > 0 ? "ready jobs waited " + duration(finding.waitedNanoseconds) + " meanwhile" : ""
            return ([finding.rule.rawValue + (site.isEmpty ? "" : " at " + safe(site)), "cost " + duration(finding.costNanoseconds),
                     "from " + offset(finding.begin) + " to " + offset(finding.end)],
                    [safe(finding.message), waited, safe(finding.advice)].filter { !$0.isEmpty })
        case .findingGroup(let index):
            let group = state.findingGroups[Int(index)]
            let largest = group.findings.first.map { analysis.findings[$0] }
            // As `lanes summary` says it: where (function and file:line when sampled), how
            // often, how long, in what state, and what the held threads cost the ready jobs.
            var second: [String] = []
            if let state = group.state { second.append(state.rawValue) }
            if group.waitedNanoseconds > 0 { second.append("ready jobs waited " + duration(group.waitedNanoseconds) + " meanwhile") }
            let advice = group.findings.lazy.map { analysis.findings[$0] }.first { $0.state == group.state }?.advice ?? largest?.advice ?? ""
            second += [safe(advice), "Enter lists them"].filter { !$0.isEmpty }
            return ([group.rule.rawValue + (group.site.isEmpty ? "" : " at " + safe(group.site)),
                     (theme.isUTF8 ? "×" : "x") + grouped(group.findings.count), "total " + duration(group.totalCostNanoseconds),
                     "largest " + duration(largest?.costNanoseconds ?? 0)],
                    second)
        }
    }

    /// A task drawn as a whole: its spans, roots, life and jobs; for "other tasks", how many.
    func laneDetails(_ lane: Int32) -> ([String], [String]) {
        var first: [String]
        var second: [String] = []
        if lane < 0 {
            first = ["other tasks: \(grouped(document.taskRows.otherTaskCount)) tasks with no name, span or known parent"]
            second.append("their executor jobs, merged into one row")
        } else {
            let roots = document.roots(ofLane: Int(lane))
            let range = trace.laneRanges[Int(lane)]
            first = ["task " + safe(document.name(ofLane: lane))]
            if !range.isEmpty { first.append("\(grouped(range.count)) spans\(theme.dot)\(grouped(roots.count)) roots") }
            let slices = trace.sliceRanges[Int(lane)].count
            if slices > 0 { second.append("\(grouped(slices)) executor jobs") }
            if let folded = document.taskRows.foldedTaskCount[lane] {
                second.append("with the jobs of \(grouped(folded)) unnamed child task\(folded == 1 ? "" : "s") without spans")
            }
        }
        if let extent = document.extent(ofLane: lane) {
            first.append("from " + offset(extent.lowerBound) + " to " + offset(extent.upperBound))
        }
        return (first, second)
    }

    /// A route: its figures, and how to read the strip.
    func routeDetails(_ route: Int) -> ([String], [String]) {
        let statistics = document.routes.groups.statistics[route]
        let times = theme.isUTF8 ? "×" : "x"
        return ([safe(document.routes.groups.names[route]), times + grouped(statistics.count), rate(statistics.count),
                 "p50 " + duration(statistics.p50), "p90 " + duration(statistics.p90), "p99 " + duration(statistics.p99),
                 "max " + duration(statistics.maximum)],
                ["each cell: p90 latency of the requests that began in it (scale below)",
                 "Enter: the \(min(RouteIndex.slowestLimit, statistics.count)) slowest"])
    }

    /// A time as an offset from the trace start.
    func offset(_ time: Int64) -> String {
        time <= trace.startTime ? "0s" : duration(TimeMath.distance(from: trace.startTime, to: time))
    }

    /// "task NAME": the name of the row that shows the task.
    func taskLabel(_ lane: Int) -> String {
        "task " + safe(document.rowName(ofLane: Int32(lane)))
    }

    func spanDetails(_ span: Int, isTaskRow: Bool) -> ([String], [String]) {
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
        let findings = analysis.findings(forSpan: span)
        if let blocking = findings.lazy.map({ self.analysis.findings[$0] }).first(where: { $0.rule == .blockingCall }) {
            second.append(blockingFact(blocking))
        }
        if !document.hasTaskStates,
           !ViewerDocument.holdsThread(kind, laneOnOneThread: ViewerDocument.isOnOneThread(trace, trace.laneRanges[Int(trace.spanTask[span])])) {
            second.append("running or suspended: not recorded (no task states)")
        }
        let lane = Int(trace.spanTask[span])
        if isTaskRow || document.startsTask(span: span) {
            let extent = document.barExtent(ofSpan: span, isTaskRow: isTaskRow)
            let before = TimeMath.distance(from: extent.lowerBound, to: trace.spanBegin[span])
            if before >= 1_000 {
                let queuedBefore = document.hasTaskStates ? queuedTime(lane, from: extent.lowerBound, to: trace.spanBegin[span]) : 0
                second.append("task waited \(duration(before)) before this span" + (queuedBefore > 0 ? " (\(duration(queuedBefore)) queued for a thread)" : ""))
            }
            if isTaskRow { second.append("task life " + duration(TimeMath.distance(from: extent.lowerBound, to: extent.upperBound))) }
        }
        if let states = analysis.states(ofSpan: span) {
            second.append("running \(duration(states.running))\(theme.dot)queued \(duration(states.queued))\(theme.dot)suspended \(duration(states.suspended))")
        }
        if !trace.children(ofSpan: span).isEmpty {
            second.append("overlap " + (theme.isUTF8 ? "×" : "x") + DisplayText.decimal(analysis.overlapFactor(ofSpan: span), digits: 2))
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
        if !findings.isEmpty { second.append("\(findings.count) finding" + (findings.count == 1 ? "" : "s")) }
        for attribute in trace.attributes(ofSpan: span).prefix(6) {
            second.append(safe(attribute.key) + "=" + SafeText.cut(safe(attribute.value), width: 40, ellipsis: theme.ellipsis))
        }
        return (first, second)
    }

    /// A blocking finding's site and state as the summary names them: "held the thread in
    /// `Report.load()` at Report.swift:42, sleeping or waiting".
    func blockingFact(_ finding: Finding) -> String {
        var text = "held the thread"
        if let site = finding.site, let location = site.location {
            if let function = site.function, !function.isEmpty { text += " in " + safe(function) }
            text += " at " + safe(location)
        }
        if let state = finding.state { text += ", " + state.rawValue }
        return text
    }

    /// How long lane `lane`'s jobs waited for a thread within `[from, to)`.
    func queuedTime(_ lane: Int, from: Int64, to: Int64) -> Int64 {
        var total: Int64 = 0
        for slice in trace.slices(ofTask: lane) where slice.enqueued < to && slice.started > from {
            total &+= min(slice.started, to) &- max(slice.enqueued, from)
        }
        return total
    }
}
