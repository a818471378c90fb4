import LanesModel

/// The ten-second report on one trace that `lanes summary` prints: totals, the costliest
/// findings with advice, routes, the critical path of the slowest handler, and where self time
/// went. A plain `Encodable` value: the text (`lines`) and the JSON (its encoding, keys in
/// snake_case) say the same thing because they are the same value.
public struct TraceSummary: Sendable, Encodable {
    /// One step of a critical path.
    public struct PathStep: Sendable, Encodable {
        /// The span's index.
        public var span: Int32
        /// The escaped name.
        public var name: String
        /// Wall time.
        public var wall: Seconds

        enum CodingKeys: String, CodingKey {
            case name
            case wall = "seconds"
        }
    }

    /// The critical path of the slowest handler.
    public struct CriticalPath: Sendable, Encodable {
        /// The handler (or, without handler spans, the slowest root).
        public var handler: PathStep
        /// The chain of children that decided when it ended, in time order.
        public var spans: [PathStep]

        enum CodingKeys: String, CodingKey { case handler, seconds, spans }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(handler.name, forKey: .handler)
            try container.encode(handler.wall, forKey: .seconds)
            try container.encode(spans, forKey: .spans)
        }
    }

    /// Self time summed over all spans of one name.
    public struct SelfTimeEntry: Sendable, Encodable {
        /// The escaped name.
        public var name: String
        /// How many.
        public var count: Int
        /// Σ self time.
        public var selfTime: Seconds

        enum CodingKeys: String, CodingKey {
            case name, count
            case selfTime = "seconds"
        }
    }

    /// How many findings one rule produced, and their cost.
    public struct RuleCount: Sendable {
        /// The rule.
        public var rule: FindingRule
        /// How many findings.
        public var count: Int
        /// Σ cost, in nanoseconds.
        public var costNanoseconds: Int64
    }

    /// A rule that could not run, and why.
    public struct SkippedRule: Sendable, Encodable {
        /// The rule.
        public var rule: FindingRule
        /// Why.
        public var reason: String

        enum CodingKeys: String, CodingKey { case rule, reason }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rule.rawValue, forKey: .rule)
            try container.encode(reason, forKey: .reason)
        }
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
    /// See `TraceAnalysis.blockedNanoseconds`; nil when the spans carry no kinds (an imported
    /// trace), where nothing can be called blocking.
    public var blockedNanoseconds: Int64?
    /// See `TraceAnalysis.queuedNanoseconds`; nil without task states (unknown, not zero).
    public var queuedNanoseconds: Int64?
    /// See `TraceAnalysis.overlappedNanoseconds`.
    public var overlappedNanoseconds: Int64
    /// See `TraceAnalysis.maxOverlap`.
    public var maxOverlap: Int
    /// Whether the trace has task-state slices (else queued time is unknown, not zero).
    public var hasTaskStates: Bool
    /// Every finding, largest cost first.
    public var findings: [FindingReport]
    /// Findings grouped by rule and site, largest total cost first.
    public var findingGroups: [FindingGroupReport]
    /// How many findings each rule produced, in `FindingRule.allCases` order, zero counts left out.
    public var findingCounts: [RuleCount]
    /// Routes (kinds of root span), most requests first.
    public var routes: [RouteReport]
    /// The critical path of the slowest handler, if the trace has roots.
    public var criticalPath: CriticalPath?
    /// Span names with the most self time, largest first.
    public var topSelfTime: [SelfTimeEntry]
    /// Rules that could not run, with the reason.
    public var skippedRules: [SkippedRule]

    /// Summarises `analysis`, keeping the `selfTimeLimit` names with the most self time.
    public init(analysis: TraceAnalysis, selfTimeLimit: Int = 5) {
        let trace = analysis.trace
        wallNanoseconds = trace.wallNanoseconds
        spanCount = trace.spanCount
        taskCount = trace.tasks.count
        threadCount = trace.threads.count
        executorThreadCount = analysis.executorThreadCount
        hasTaskStates = !trace.slices.isEmpty
        let kindsUnknown = analysis.skippedRules.contains { $0.rule == .blockingCall }
        blockedNanoseconds = kindsUnknown ? nil : analysis.blockedNanoseconds
        queuedNanoseconds = hasTaskStates ? analysis.queuedNanoseconds : nil
        overlappedNanoseconds = analysis.overlappedNanoseconds
        maxOverlap = analysis.maxOverlap
        findings = analysis.findings.map { FindingReport($0, in: trace) }
        findingGroups = FindingSite.groups(analysis.findings, in: trace).map {
            FindingGroupReport($0, findings: analysis.findings, in: trace)
        }
        findingCounts = FindingRule.allCases.compactMap { rule in
            let matching = analysis.findings.filter { $0.rule == rule }
            guard !matching.isEmpty else { return nil }
            return RuleCount(rule: rule, count: matching.count, costNanoseconds: matching.reduce(0) { $0 &+ $1.costNanoseconds })
        }
        skippedRules = analysis.skippedRules.map { SkippedRule(rule: $0.rule, reason: $0.reason) }
        let groups = RouteGroups(trace: trace)
        routes = groups.names.indices.map {
            RouteReport(route: groups.names[$0], requests: OccurrenceReport(groups.statistics[$0], wallNanoseconds: trace.wallNanoseconds))
        }

        if let handler = Self.slowestHandler(trace) {
            let step = { (span: Int) in
                PathStep(span: Int32(span), name: DisplayText.name(ofSpan: span, in: trace), wall: Seconds(trace.duration(ofSpan: span)))
            }
            criticalPath = CriticalPath(handler: step(handler), spans: analysis.criticalPath(ofSpan: handler).map { step(Int($0)) })
        } else {
            criticalPath = nil
        }
        topSelfTime = Self.topSelfTime(analysis, limit: selfTimeLimit)
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
        case findings
        case findingGroups = "finding_groups"
        case findingCounts = "finding_counts"
        case routes
        case criticalPath = "critical_path"
        case topSelfTime = "top_self_time"
        case skippedRules = "skipped_rules"
    }

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
        try container.encode(blockedNanoseconds.map(Seconds.init), forKey: .blocked)
        try container.encode(queuedNanoseconds.map(Seconds.init), forKey: .queued)
        try container.encode(Seconds(overlappedNanoseconds), forKey: .overlapped)
        try container.encode(maxOverlap, forKey: .maxOverlap)
        try container.encode(hasTaskStates, forKey: .hasTaskStates)
        try container.encode(findings, forKey: .findings)
        try container.encode(findingGroups, forKey: .findingGroups)
        var counts: [String: Int] = [:]
        for rule in FindingRule.allCases { counts[rule.rawValue] = 0 }
        for entry in findingCounts { counts[entry.rule.rawValue] = entry.count }
        try container.encode(counts, forKey: .findingCounts)
        try container.encode(routes, forKey: .routes)
        try container.encode(criticalPath, forKey: .criticalPath)
        try container.encode(topSelfTime, forKey: .topSelfTime)
        try container.encode(skippedRules, forKey: .skippedRules)
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

    static func topSelfTime(_ analysis: TraceAnalysis, limit: Int) -> [SelfTimeEntry] {
        let trace = analysis.trace
        var totals = [Int64](repeating: 0, count: trace.strings.count)
        var counts = [Int](repeating: 0, count: trace.strings.count)
        for span in 0..<trace.spanCount {
            let name = Int(trace.spanName[span])
            guard name < totals.count else { continue }
            totals[name] &+= analysis.selfTime(ofSpan: span)
            counts[name] += 1
        }
        let names = totals.indices.filter { counts[$0] > 0 }
            .sorted { (totals[$0], -$0) > (totals[$1], -$1) }
            .prefix(max(0, limit))
        return names.map { name in
            SelfTimeEntry(name: DisplayText.escaped(trace.strings[UInt32(name)]), count: counts[name], selfTime: Seconds(totals[name]))
        }
    }
}
