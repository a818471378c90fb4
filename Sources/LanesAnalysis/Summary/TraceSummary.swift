import LanesModel

/// The ten-second report on one trace that `lanes summary` prints: totals, the costliest
/// findings with advice, the critical path of the slowest handler, and where self time went.
/// A plain value (no formatting decisions beyond names), so text and JSON say the same thing.
public struct TraceSummary: Sendable {
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
    public struct FindingGroup: Sendable {
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

        /// The group in one line: the finding itself when alone, else the site with count,
        /// total, median, largest, state and effect.
        public var message: String {
            guard count > 1 else { return largest.message }
            guard rule == .blockingCall, let site else { return "×\(count), largest: \(largest.message)" }
            let duration = DisplayText.duration
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
        wallNanoseconds = trace.endTime &- trace.startTime
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
        findings = analysis.findings.map { finding in
            FindingEntry(
                rule: finding.rule, span: finding.span,
                spanName: finding.span >= 0 ? DisplayText.name(ofSpan: Int(finding.span), in: trace) : "",
                costNanoseconds: finding.costNanoseconds, message: finding.message, advice: finding.advice,
                site: finding.site, state: finding.state, waitedNanoseconds: finding.waitedNanoseconds)
        }
        findingGroups = Self.groups(findings, heldWhat: RuntimeWords(runtime: trace.metadata.runtime).anExecutor)
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

    static func groups(_ findings: [FindingEntry], heldWhat: String) -> [FindingGroup] {
        var members: [[FindingEntry]] = []
        var indexByKey: [String: Int] = [:]
        for finding in findings {  // largest cost first, so each group's first is its largest
            let key = finding.rule.rawValue + "\u{0}" + (finding.site?.description ?? finding.spanName)
            if let index = indexByKey[key] {
                members[index].append(finding)
            } else {
                indexByKey[key] = members.count
                members.append([finding])
            }
        }
        let groups = members.map { group -> FindingGroup in
            let largest = group[0]
            let costs = group.map(\.costNanoseconds).sorted()
            var timeByState: [BlockingState: Int64] = [:]
            for member in group { if let state = member.state { timeByState[state, default: 0] &+= member.costNanoseconds } }
            let state = timeByState.max { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) }?.key
            return FindingGroup(
                rule: largest.rule, spanName: largest.spanName, site: largest.site, count: group.count,
                totalCostNanoseconds: costs.reduce(0, &+), medianCostNanoseconds: costs[(costs.count - 1) / 2],
                largest: largest, waitedNanoseconds: group.reduce(0) { $0 &+ $1.waitedNanoseconds },
                state: state, advice: group.first { $0.state == state }?.advice ?? largest.advice, heldWhat: heldWhat)
        }
        return groups.enumerated().sorted {
            ($0.element.totalCostNanoseconds, -$0.offset) > ($1.element.totalCostNanoseconds, -$1.offset)
        }.map(\.element)
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
