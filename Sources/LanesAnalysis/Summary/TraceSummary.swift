import LanesModel

/// The ten-second report on one trace that `lanes summary` prints: totals, the costliest
/// findings with advice, the critical path of the slowest handler, and where self time went.
/// A plain value (no formatting decisions beyond names), so text and JSON say the same thing.
public struct TraceSummary: Sendable {
    /// One finding as the report shows it.
    public struct FindingEntry: Sendable {
        public var rule: FindingRule
        /// The span's index, or -1.
        public var span: Int32
        /// The span's escaped name, or empty when the finding has no span.
        public var spanName: String
        public var costNanoseconds: Int64
        public var message: String
        public var advice: String
    }

    /// One step of a critical path.
    public struct PathStep: Sendable {
        public var span: Int32
        public var name: String
        public var wallNanoseconds: Int64
    }

    /// Self time summed over all spans of one name.
    public struct SelfTimeEntry: Sendable {
        public var name: String
        public var count: Int
        public var selfNanoseconds: Int64
    }

    public var wallNanoseconds: Int64
    public var spanCount: Int
    public var taskCount: Int
    public var threadCount: Int
    public var executorThreadCount: Int
    public var blockedNanoseconds: Int64
    public var queuedNanoseconds: Int64
    public var overlappedNanoseconds: Int64
    public var maxOverlap: Int
    public var hasTaskStates: Bool
    /// Every finding, largest cost first.
    public var findings: [FindingEntry]
    /// How many findings each rule produced, in `FindingRule.allCases` order, zero counts left out.
    public var findingCounts: [(rule: FindingRule, count: Int, costNanoseconds: Int64)]
    /// The slowest handler (or, without handler spans, the slowest root), if any.
    public var slowestHandler: PathStep?
    /// The critical path of `slowestHandler`, in time order.
    public var criticalPath: [PathStep]
    /// Span names with the most self time, largest first.
    public var topSelfTime: [SelfTimeEntry]
    public var skippedRules: [(rule: FindingRule, reason: String)]

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
        findings = analysis.findings.map { finding in
            FindingEntry(
                rule: finding.rule, span: finding.span,
                spanName: finding.span >= 0 ? DisplayText.name(ofSpan: Int(finding.span), in: trace) : "",
                costNanoseconds: finding.costNanoseconds, message: finding.message, advice: finding.advice)
        }
        findingCounts = FindingRule.allCases.compactMap { rule in
            let matching = analysis.findings.filter { $0.rule == rule }
            guard !matching.isEmpty else { return nil }
            return (rule, matching.count, matching.reduce(0) { $0 &+ $1.costNanoseconds })
        }
        skippedRules = analysis.skippedRules

        let handler = Self.slowestHandler(trace)
        if let handler {
            slowestHandler = PathStep(
                span: Int32(handler), name: DisplayText.name(ofSpan: handler, in: trace),
                wallNanoseconds: trace.duration(ofSpan: handler))
            criticalPath = analysis.criticalPath(ofSpan: handler).map { span in
                PathStep(span: span, name: DisplayText.name(ofSpan: Int(span), in: trace),
                         wallNanoseconds: trace.duration(ofSpan: Int(span)))
            }
        } else {
            slowestHandler = nil
            criticalPath = []
        }
        topSelfTime = Self.topSelfTime(analysis, limit: selfTimeLimit)
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
               trace.duration(ofSpan: current) >= trace.duration(ofSpan: root) { continue }
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
            SelfTimeEntry(name: DisplayText.escaped(trace.strings[UInt32(name)]),
                          count: counts[name], selfNanoseconds: totals[name])
        }
    }
}
