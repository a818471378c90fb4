import LanesModel

/// The ten-second report on one trace that `lanes summary` prints: totals, the costliest
/// findings with advice, routes, the critical path of the slowest handler, and where self time
/// went. A plain `Encodable` value (no formatting decisions beyond names): the text (`lines`) and
/// the JSON (its encoding, snake_case keys) are the same value, so they say the same thing.
public struct TraceSummary: Sendable, Encodable {
    /// One finding as the report shows it.
    public struct FindingEntry: Sendable {
        /// The rule.
        public var rule: FindingRule
        /// The span's index, or -1.
        public var span: Int32
        /// The span's escaped name, or empty when the finding has no span.
        public var spanName: String
        /// The measured cost, in nanoseconds.
        public var costNanoseconds: Int64
        /// What happened, in one line.
        public var message: String
        /// What to do about it, in one line.
        public var advice: String
        /// For `blocking-call`: where (see `Finding.site`).
        public var site: BlockingSite?
        /// For `blocking-call`: what the held thread was doing, when known.
        public var state: BlockingState?
        /// For `blocking-call`: job-nanoseconds ready jobs waited meanwhile.
        public var waitedNanoseconds: Int64 = 0

        /// The entry of `finding`, a finding of `trace`.
        init(_ finding: Finding, in trace: Trace) {
            rule = finding.rule
            span = finding.span
            spanName = finding.span >= 0 && Int(finding.span) < trace.spanCount ? DisplayText.name(ofSpan: Int(finding.span), in: trace) : ""
            costNanoseconds = finding.costNanoseconds
            message = finding.message
            advice = finding.advice
            site = finding.site
            state = finding.state
            waitedNanoseconds = finding.waitedNanoseconds
        }
    }

    /// One step of a critical path.
    public struct PathStep: Sendable {
        /// The span's index.
        public var span: Int32
        /// The escaped name.
        public var name: String
        /// Wall time, in nanoseconds.
        public var wallNanoseconds: Int64
    }

    /// Findings of one rule at one site (e.g. the three `wait_for(7)` blocking calls, or every
    /// request whose `legacy_db` call blocked), so the report names each problem once.
    public struct FindingGroup: Sendable, Encodable {
        /// The rule.
        public var rule: FindingRule
        /// The escaped span name shared by the group, or empty for findings without a span.
        public var spanName: String
        /// The site shared by the group (`blocking-call`), else nil.
        public var site: BlockingSite?
        /// How many.
        public var count: Int
        /// Σ cost of the group's findings, in nanoseconds.
        public var totalCostNanoseconds: Int64
        /// The median cost of one finding, in nanoseconds.
        public var medianCostNanoseconds: Int64
        /// The costliest finding of the group.
        public var largest: FindingEntry
        /// Σ job-nanoseconds ready jobs waited while the group's findings held threads.
        public var waitedNanoseconds: Int64
        /// The state that held the most of the group's time, when known.
        public var state: BlockingState?
        /// What to do, for the group's state.
        public var advice: String
        /// What the group's findings held: "an executor thread", "the event loop".
        public var heldWhat: String

        enum CodingKeys: String, CodingKey {
            case rule, span
            case spanIndex = "span_index"
            case occurrences, seconds
            case p50 = "p50_seconds"
            case maximum = "max_seconds"
            case waited = "waited_seconds"
            case state, message, advice, site
        }

        enum SiteKeys: String, CodingKey { case name, function, file, line }

        /// The one encoding of findings in reports: `lanes summary --json` lists these, and
        /// `lanes diff --json` shows each run's side of a group with it.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rule.rawValue, forKey: .rule)
            try container.encode(largest.span >= 0 ? largest.spanName : nil, forKey: .span)
            try container.encode(Int(largest.span), forKey: .spanIndex)
            try container.encode(count, forKey: .occurrences)
            try container.encode(Seconds(totalCostNanoseconds), forKey: .seconds)
            try container.encode(Seconds(medianCostNanoseconds), forKey: .p50)
            try container.encode(Seconds(largest.costNanoseconds), forKey: .maximum)
            try container.encode(Seconds(waitedNanoseconds), forKey: .waited)
            try container.encode(state?.rawValue, forKey: .state)
            try container.encode(message, forKey: .message)
            try container.encode(advice, forKey: .advice)
            if let site {
                var nested = container.nestedContainer(keyedBy: SiteKeys.self, forKey: .site)
                try nested.encode(site.name, forKey: .name)
                try nested.encode(site.function, forKey: .function)
                try nested.encode(site.file, forKey: .file)
                try nested.encode(site.line > 0 ? site.line : nil, forKey: .line)
            } else {
                try container.encodeNil(forKey: .site)
            }
        }

        /// The group in one line: the finding itself when alone, else the site with count,
        /// total, median, largest, state and effect.
        public var message: String {
            guard count > 1 else { return largest.message }
            guard rule == .blockingCall, let site else { return "×\(count), largest: \(largest.message)" }
            let duration = { (nanoseconds: Int64) in DisplayText.duration(nanoseconds) }
            var text = "\(site.description) held \(heldWhat) \(count)× for \(duration(totalCostNanoseconds))"
            text += " (p50 \(duration(medianCostNanoseconds)), max \(duration(largest.costNanoseconds)))"
            if let state { text += ", \(state.rawValue)" }
            if waitedNanoseconds > 0 { text += "; ready jobs waited \(duration(waitedNanoseconds)) meanwhile" }
            return text
        }
    }

    /// Self time summed over all spans of one name.
    public struct SelfTimeEntry: Sendable {
        /// The escaped name.
        public var name: String
        /// How many.
        public var count: Int
        /// Σ self time, in nanoseconds.
        public var selfNanoseconds: Int64
    }

    /// Where the trace came from (set by the command that loaded it).
    public var source: ReportSource?
    /// Wall time, in nanoseconds.
    public var wallNanoseconds: Int64
    /// Spans in the trace.
    public var spanCount: Int
    /// Tasks (lanes) in the trace.
    public var taskCount: Int
    /// Threads in the trace.
    public var threadCount: Int
    /// Executor threads (see `TraceAnalysis.executorThreadCount`).
    public var executorThreadCount: Int
    /// See `TraceAnalysis.blockedNanoseconds`.
    public var blockedNanoseconds: Int64
    /// See `TraceAnalysis.queuedNanoseconds`.
    public var queuedNanoseconds: Int64
    /// See `TraceAnalysis.overlappedNanoseconds`.
    public var overlappedNanoseconds: Int64
    /// See `TraceAnalysis.maxOverlap`.
    public var maxOverlap: Int
    /// Whether the trace has task-state slices (else queued time is unknown, not zero).
    public var hasTaskStates: Bool
    /// Where the executor jobs came from.
    public var jobSource: JobSource
    /// Every finding, largest cost first.
    public var findings: [FindingEntry]
    /// Findings grouped by rule and span name, largest total cost first.
    public var findingGroups: [FindingGroup]
    /// How many findings each rule produced, in `FindingRule.allCases` order, zero counts left out.
    public var findingCounts: [(rule: FindingRule, count: Int, costNanoseconds: Int64)]
    /// Routes (kinds of root span: handlers, HTTP routes), most requests first.
    public var routes: [RouteReport]
    /// The slowest handler (or, without handler spans, the slowest root), if any.
    public var slowestHandler: PathStep?
    /// The critical path of `slowestHandler`, in time order.
    public var criticalPath: [PathStep]
    /// Span names with the most self time, largest first.
    public var topSelfTime: [SelfTimeEntry]
    /// Rules that could not run, with the reason.
    public var skippedRules: [(rule: FindingRule, reason: String)]
    /// Spans left out of `topSelfTime` because they began before the producer's earliest kept
    /// event (`TraceMetadata.eventsMissingBefore`): children they had may be missing, so their
    /// self time is not known.
    public var selfTimeLeftOut: Int
    /// When that is, from the trace's start (nil when the producer lost nothing).
    public var eventsMissingBeforeOffset: Int64?
    /// Totals the producer reported (clang's `Total …`), largest first, names escaped.
    public var producerTotals: [ProducerTotal]

    /// Summarises `analysis`, keeping the `selfTimeLimit` names with the most self time.
    public init(analysis: TraceAnalysis, selfTimeLimit: Int = 5) {
        let trace = analysis.trace
        wallNanoseconds = trace.wallNanoseconds
        spanCount = trace.spanCount
        taskCount = trace.tasks.count
        threadCount = trace.threads.count
        executorThreadCount = analysis.executorThreadCount
        blockedNanoseconds = analysis.blockedNanoseconds
        queuedNanoseconds = analysis.queuedNanoseconds
        overlappedNanoseconds = analysis.overlappedNanoseconds
        maxOverlap = analysis.maxOverlap
        hasTaskStates = !trace.slices.isEmpty
        jobSource = JobSource(trace: trace)
        findings = analysis.findings.map { FindingEntry($0, in: trace) }
        findingGroups = Self.groups(findings, analysis: analysis, heldWhat: RuntimeWords(runtime: trace.metadata.runtime).anExecutor)
        findingCounts = FindingRule.allCases.compactMap { rule in
            let matching = analysis.findings.filter { $0.rule == rule }
            guard !matching.isEmpty else { return nil }
            return (rule, matching.count, matching.reduce(0) { $0 &+ $1.costNanoseconds })
        }
        skippedRules = analysis.skippedRules
        let routeGroups = RouteGroups(trace: trace)
        routes = routeGroups.names.indices.map {
            RouteReport(route: routeGroups.names[$0], requests: OccurrenceReport(routeGroups.statistics[$0], wallNanoseconds: trace.wallNanoseconds))
        }

        let handler = Self.slowestHandler(trace)
        if let handler {
            slowestHandler = PathStep(
                span: Int32(handler), name: DisplayText.name(ofSpan: handler, in: trace),
                wallNanoseconds: trace.spanEnd[handler] &- trace.spanBegin[handler])
            criticalPath = analysis.criticalPath(ofSpan: handler).map { span in
                PathStep(span: span, name: DisplayText.name(ofSpan: Int(span), in: trace),
                         wallNanoseconds: trace.spanEnd[Int(span)] &- trace.spanBegin[Int(span)])
            }
        } else {
            slowestHandler = nil
            criticalPath = []
        }
        (topSelfTime, selfTimeLeftOut) = Self.topSelfTime(analysis, limit: selfTimeLimit)
        eventsMissingBeforeOffset = trace.metadata.eventsMissingBefore.map { $0 &- trace.startTime }
        producerTotals = trace.totals.enumerated()
            .sorted { ($0.element.nanoseconds, -$0.offset) > ($1.element.nanoseconds, -$1.offset) }
            .map { ProducerTotal(name: DisplayText.escaped($0.element.name), nanoseconds: $0.element.nanoseconds, count: $0.element.count) }
    }

    /// The findings of `analysis` grouped by rule and site, as the summary lists them (the diff
    /// compares these between runs).
    public static func findingGroups(of analysis: TraceAnalysis) -> [FindingGroup] {
        let trace = analysis.trace
        return groups(analysis.findings.map { FindingEntry($0, in: trace) }, analysis: analysis,
                      heldWhat: RuntimeWords(runtime: trace.metadata.runtime).anExecutor)
    }

    enum CodingKeys: String, CodingKey {
        case file, format, warnings
        case wall = "wall_seconds"
        case spanCount = "span_count"
        case taskCount = "task_count"
        case threadCount = "thread_count"
        case executorThreadCount = "executor_thread_count"
        case blocked = "blocked_seconds"
        case queued = "queued_seconds"
        case overlapped = "overlapped_seconds"
        case maxOverlap = "max_overlap"
        case hasTaskStates = "has_task_states"
        case jobSource = "job_source"
        case findings
        case findingCounts = "finding_counts"
        case routes
        case criticalPath = "critical_path"
        case topSelfTime = "top_self_time"
        case skippedRules = "skipped_rules"
        case selfTimeLeftOut = "self_time_left_out"
        case eventsMissingBefore = "events_missing_before_seconds"
        case producerTotals = "producer_totals"
    }

    enum PathKeys: String, CodingKey { case handler, seconds, spans, name }
    enum CountKeys: String, CodingKey { case name, count, seconds, rule, reason }

    /// The summary's JSON: `null` where the trace cannot tell (blocked time without span kinds,
    /// queued time without task states), never 0.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source?.file, forKey: .file)
        try container.encode(source?.format, forKey: .format)
        try container.encode(source?.warnings ?? [], forKey: .warnings)
        try container.encode(Seconds(wallNanoseconds), forKey: .wall)
        try container.encode(spanCount, forKey: .spanCount)
        try container.encode(taskCount, forKey: .taskCount)
        try container.encode(threadCount, forKey: .threadCount)
        try container.encode(executorThreadCount, forKey: .executorThreadCount)
        let kindsUnknown = skippedRules.contains { $0.rule == .blockingCall }
        try container.encode(kindsUnknown ? nil : Seconds(blockedNanoseconds), forKey: .blocked)
        try container.encode(hasTaskStates ? Seconds(queuedNanoseconds) : nil, forKey: .queued)
        try container.encode(Seconds(overlappedNanoseconds), forKey: .overlapped)
        try container.encode(maxOverlap, forKey: .maxOverlap)
        try container.encode(hasTaskStates, forKey: .hasTaskStates)
        try container.encode(jobSource.name, forKey: .jobSource)
        // One entry per rule and site, largest total first: a site that blocked on every request
        // is one entry with its occurrences, not thousands.
        try container.encode(findingGroups, forKey: .findings)
        var counts: [String: Int] = [:]
        for rule in FindingRule.allCases { counts[rule.rawValue] = 0 }
        for entry in findingCounts { counts[entry.rule.rawValue] = entry.count }
        try container.encode(counts, forKey: .findingCounts)
        try container.encode(routes, forKey: .routes)
        if let handler = slowestHandler {
            var path = container.nestedContainer(keyedBy: PathKeys.self, forKey: .criticalPath)
            try path.encode(handler.name, forKey: .handler)
            try path.encode(Seconds(handler.wallNanoseconds), forKey: .seconds)
            var spans = path.nestedUnkeyedContainer(forKey: .spans)
            for step in criticalPath {
                var entry = spans.nestedContainer(keyedBy: PathKeys.self)
                try entry.encode(step.name, forKey: .name)
                try entry.encode(Seconds(step.wallNanoseconds), forKey: .seconds)
            }
        } else {
            try container.encodeNil(forKey: .criticalPath)
        }
        try Self.encodeCounted(topSelfTime.map { ($0.name, $0.count, $0.selfNanoseconds) }, in: &container, forKey: .topSelfTime)
        var skipped = container.nestedUnkeyedContainer(forKey: .skippedRules)
        for entry in skippedRules {
            var item = skipped.nestedContainer(keyedBy: CountKeys.self)
            try item.encode(entry.rule.rawValue, forKey: .rule)
            try item.encode(entry.reason, forKey: .reason)
        }
        try container.encode(selfTimeLeftOut, forKey: .selfTimeLeftOut)
        try container.encode(eventsMissingBeforeOffset.map { Seconds($0) }, forKey: .eventsMissingBefore)
        try Self.encodeCounted(producerTotals.map { ($0.name, $0.count, $0.nanoseconds) }, in: &container, forKey: .producerTotals)
    }

    /// Named, counted times as `[{name, count, seconds}]` (self time by name, producer totals).
    static func encodeCounted(
        _ entries: [(name: String, count: Int, nanoseconds: Int64)],
        in container: inout KeyedEncodingContainer<CodingKeys>, forKey key: CodingKeys
    ) throws {
        var list = container.nestedUnkeyedContainer(forKey: key)
        for entry in entries {
            var item = list.nestedContainer(keyedBy: CountKeys.self)
            try item.encode(entry.name, forKey: .name)
            try item.encode(entry.count, forKey: .count)
            try item.encode(Seconds(entry.nanoseconds), forKey: .seconds)
        }
    }

    /// The findings grouped by rule and site (`FindingSite.groups`), each with its count, total,
    /// median, largest, state and effect; largest total first.
    static func groups(_ findings: [FindingEntry], analysis: TraceAnalysis, heldWhat: String) -> [FindingGroup] {
        FindingSite.groups(analysis.findings, in: analysis.trace).map { site -> FindingGroup in
            let group = site.findings.map { findings[$0] }
            let largest = group[0]
            let costs = group.map(\.costNanoseconds).sorted()
            return FindingGroup(
                rule: largest.rule, spanName: largest.spanName, site: largest.site, count: group.count,
                totalCostNanoseconds: site.totalCostNanoseconds, medianCostNanoseconds: costs[(costs.count - 1) / 2],
                largest: largest, waitedNanoseconds: site.waitedNanoseconds,
                state: site.state, advice: group.first { $0.state == site.state }?.advice ?? largest.advice, heldWhat: heldWhat)
        }
    }

    /// The root `handler` span with the longest wall time, else the longest root.
    static func slowestHandler(_ trace: Trace) -> Int? {
        var best: Int?
        var bestIsHandler = false
        for root32 in trace.roots {
            let root = Int(root32)
            let isHandler = trace.spanKind[root] == .handler
            if bestIsHandler, !isHandler { continue }
            if let current = best, isHandler == bestIsHandler,
               trace.spanEnd[current] &- trace.spanBegin[current] >= trace.spanEnd[root] &- trace.spanBegin[root] { continue }
            best = root
            bestIsHandler = isHandler
        }
        return best
    }

    /// The names with most self time, and how many spans were left out as not known.
    static func topSelfTime(_ analysis: TraceAnalysis, limit: Int) -> ([SelfTimeEntry], leftOut: Int) {
        let trace = analysis.trace
        var totals = [Int64](repeating: 0, count: trace.strings.count)
        var counts = [Int](repeating: 0, count: trace.strings.count)
        let wholeFrom = trace.metadata.eventsMissingBefore ?? .min
        var leftOut = 0
        for span in 0..<trace.spanCount {
            let name = Int(trace.spanName[span])
            guard name < totals.count else { continue }
            // Begun before the producer's earliest kept event: its children may be missing.
            if trace.spanBegin[span] < wholeFrom, trace.spanEnd[span] > trace.spanBegin[span] {
                leftOut += 1
                continue
            }
            totals[name] &+= analysis.selfTime(ofSpan: span)
            counts[name] += 1
        }
        let names = totals.indices.filter { counts[$0] > 0 }
            .sorted { (totals[$0], -$0) > (totals[$1], -$1) }
            .prefix(max(0, limit))
        let entries = names.map { name in
            SelfTimeEntry(name: DisplayText.escaped(trace.strings[UInt32(name)]),
                          count: counts[name], selfNanoseconds: totals[name])
        }
        return (entries, leftOut)
    }
}
