/// What `lanes diff` reports, as one `Encodable` value: the CLI prints its `lines` or its JSON
/// (snake_case keys, times in seconds), so text and JSON say the same thing.
public struct DiffReport: Sendable, Encodable {
    /// One run.
    public struct Side: Sendable, Encodable {
        /// Where it came from (set by the command that loaded it).
        public var source: ReportSource?
        /// Wall time.
        public var wall: Seconds
        /// How many spans.
        public var spanCount: Int
        /// How many root spans (requests, messages).
        public var rootCount: Int
        /// Whether it has task states (queued time is known).
        public var hasTaskStates: Bool
        /// Whether its spans carry kinds (blocking can be told).
        public var hasSpanKinds: Bool

        enum CodingKeys: String, CodingKey {
            case file, format, warnings
            case wall = "wall_seconds"
            case spanCount = "span_count"
            case rootCount = "root_count"
            case hasTaskStates = "has_task_states"
            case hasSpanKinds = "has_span_kinds"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(source?.file, forKey: .file)
            try container.encode(source?.format, forKey: .format)
            try container.encode(source?.warnings ?? [], forKey: .warnings)
            try container.encode(wall, forKey: .wall)
            try container.encode(spanCount, forKey: .spanCount)
            try container.encode(rootCount, forKey: .rootCount)
            try container.encode(hasTaskStates, forKey: .hasTaskStates)
            try container.encode(hasSpanKinds, forKey: .hasSpanKinds)
        }
    }

    /// A measure in both runs; nil where a run cannot tell (n/a).
    public struct Totals: Sendable, Encodable {
        public var a: Seconds?
        public var b: Seconds?

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(a, forKey: .a)
            try container.encode(b, forKey: .b)
            try container.encode(a.flatMap { a in b.map { Seconds($0.nanoseconds &- a.nanoseconds) } }, forKey: .delta)
        }

        enum CodingKeys: String, CodingKey { case a, b, delta }
    }

    /// Occurrences measured in both runs (a route, a path, all requests), with the verdict on them.
    public struct Comparison: Sendable, Encodable {
        /// What was compared: a route name or a path.
        public var name: String
        /// Its path in B when it moved under (or out of) a wrapper.
        public var nameInB: String?
        /// In A.
        public var a: OccurrenceReport
        /// In B.
        public var b: OccurrenceReport
        /// The rank test, when both sides had enough occurrences.
        public var test: RankTest?
        /// Faster, slower or no significant change.
        public var change: ChangeDirection

        init(name: String, nameInB: String? = nil, _ comparison: OccurrenceComparison, wallA: Int64, wallB: Int64) {
            self.name = name
            self.nameInB = nameInB
            a = OccurrenceReport(comparison.a, wallNanoseconds: wallA)
            b = OccurrenceReport(comparison.b, wallNanoseconds: wallB)
            test = comparison.test
            change = comparison.direction
        }

        enum CodingKeys: String, CodingKey {
            case name
            case nameInB = "name_in_b"
            case a, b
            case p50Change = "p50_change_percent"
            case p99Change = "p99_change_percent"
            case test, change
        }

        enum TestKeys: String, CodingKey {
            case name, u, z
            case pValue = "p_value"
            case probabilityBLonger = "probability_b_longer"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(nameInB, forKey: .nameInB)
            try container.encode(a, forKey: .a)
            try container.encode(b, forKey: .b)
            try container.encode(OccurrenceComparison.relativeChange(a.statistics.p50, b.statistics.p50) * 100, forKey: .p50Change)
            try container.encode(OccurrenceComparison.relativeChange(a.statistics.p99, b.statistics.p99) * 100, forKey: .p99Change)
            if let test {
                var nested = container.nestedContainer(keyedBy: TestKeys.self, forKey: .test)
                try nested.encode("mann-whitney-u", forKey: .name)
                try nested.encode(test.u, forKey: .u)
                try nested.encode(test.z, forKey: .z)
                try nested.encode(test.pValue, forKey: .pValue)
                try nested.encode(test.probabilityBLonger, forKey: .probabilityBLonger)
            } else {
                try container.encodeNil(forKey: .test)
            }
            try container.encode(change, forKey: .change)
        }
    }

    /// A name found in only one run, with how many.
    public struct Unmatched: Sendable, Encodable {
        public var name: String
        public var count: Int
        public var total: Seconds

        enum CodingKeys: String, CodingKey {
            case name, count
            case total = "total_seconds"
        }
    }

    /// Spans matched across a wrapper added or removed.
    public struct Moved: Sendable, Encodable {
        public var pathA: String
        public var pathB: String
        public var count: Int

        enum CodingKeys: String, CodingKey {
            case pathA = "path_a"
            case pathB = "path_b"
            case count
        }
    }

    /// Spans that went from one after another to overlapped (or back).
    public struct Overlap: Sendable, Encodable {
        /// Their names.
        public var spans: [String]
        /// How many times.
        public var count: Int
        /// "one after another" or "overlapped".
        public var modeA: String
        /// See `modeA`.
        public var modeB: String
        /// From the first begin to the last end, the median over the times, in A.
        public var a: Seconds
        /// The same in B.
        public var b: Seconds

        enum CodingKeys: String, CodingKey {
            case spans, count
            case modeA = "mode_a"
            case modeB = "mode_b"
            case a = "a_seconds"
            case b = "b_seconds"
        }
    }

    /// Findings of one rule at one site in both runs: each run's group as the summary shows it.
    public struct FindingChange: Sendable, Encodable {
        public var rule: FindingRule
        public var site: String
        public var status: FindingGroupChange.Status
        /// A's group, or nil when A has no finding there.
        public var a: TraceSummary.FindingGroup?
        /// B's group, or nil.
        public var b: TraceSummary.FindingGroup?

        init(_ change: FindingGroupChange) {
            rule = change.rule
            site = change.site
            status = change.status
            a = change.a
            b = change.b
        }

        /// How many in A and B, and their total costs.
        var countA: Int { a?.count ?? 0 }
        var countB: Int { b?.count ?? 0 }
        var costA: Seconds { Seconds(a?.totalCostNanoseconds ?? 0) }
        var costB: Seconds { Seconds(b?.totalCostNanoseconds ?? 0) }

        enum CodingKeys: String, CodingKey { case rule, site, status, a, b }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rule.rawValue, forKey: .rule)
            try container.encode(site, forKey: .site)
            try container.encode(status, forKey: .status)
            try container.encode(a, forKey: .a)  // null when the run has no finding there
            try container.encode(b, forKey: .b)
        }
    }

    /// The verdict's JSON form.
    struct VerdictReport: Encodable {
        var outcome: DiffVerdict.Outcome
        var basis: DiffVerdict.Basis
        var headline: String
    }

    /// Run A.
    public var a: Side
    /// Run B.
    public var b: Side
    /// The answer.
    public var verdict: DiffVerdict
    /// Whether the runs match span for span.
    public var unchanged: Bool
    /// Wall, blocked, queued and overlapped time and the largest overlap in both runs.
    public var wall: Totals
    public var blocked: Totals
    public var queued: Totals
    public var overlapped: Totals
    public var maxOverlap: (a: Int, b: Int)
    /// Routes in both runs, most changed first.
    public var routes: [Comparison]
    /// Routes in one run only.
    public var routesOnlyInA: [Unmatched]
    public var routesOnlyInB: [Unmatched]
    /// All root spans of A against all of B.
    public var allRequests: Comparison
    /// Paths in both runs (or matched across wrappers) that changed, largest per-occurrence impact first.
    public var spans: [Comparison]
    /// Spans matched across wrappers.
    public var moved: [Moved]
    /// One after another ↔ overlapped.
    public var overlapChanges: [Overlap]
    /// Finding groups: resolved, new, remaining.
    public var resolved: [FindingChange]
    public var new: [FindingChange]
    public var remaining: [FindingChange]
    /// Spans in one run only, by path.
    public var onlyInA: [Unmatched]
    public var onlyInB: [Unmatched]
    /// Rules one of the runs could not run.
    public var notComparedRules: [FindingRule]
    /// The `--fail-if-slower` gate, when asked for.
    public var gate: DiffGate?

    /// The report of `diff`; `sourceA` and `sourceB` say where the runs came from.
    public init(_ diff: TraceDiff, sourceA: ReportSource? = nil, sourceB: ReportSource? = nil, gate: DiffGate? = nil) {
        let traceA = diff.analysisA.trace
        let traceB = diff.analysisB.trace
        func side(_ analysis: TraceAnalysis, _ source: ReportSource?) -> Side {
            Side(source: source, wall: Seconds(analysis.trace.wallNanoseconds), spanCount: analysis.trace.spanCount,
                 rootCount: analysis.trace.roots.count, hasTaskStates: !analysis.trace.slices.isEmpty,
                 hasSpanKinds: !analysis.skippedRules.contains { $0.rule == .blockingCall })
        }
        a = side(diff.analysisA, sourceA)
        b = side(diff.analysisB, sourceB)
        verdict = DiffVerdict(diff)
        unchanged = diff.isUnchanged
        let wallA = traceA.wallNanoseconds
        let wallB = traceB.wallNanoseconds
        wall = Totals(a: Seconds(wallA), b: Seconds(wallB))
        blocked = Totals(a: diff.blocked.a.map(Seconds.init), b: diff.blocked.b.map(Seconds.init))
        queued = Totals(a: diff.queued.a.map(Seconds.init), b: diff.queued.b.map(Seconds.init))
        overlapped = Totals(a: Seconds(diff.overlapped.a), b: Seconds(diff.overlapped.b))
        maxOverlap = (Int(diff.maxOverlap.a), Int(diff.maxOverlap.b))
        routes = diff.routes.map { Comparison(name: $0.route, $0.comparison, wallA: wallA, wallB: wallB) }
        routesOnlyInA = diff.routesOnlyInA.map { Unmatched(name: $0.route, count: $0.count, total: Seconds($0.total)) }
        routesOnlyInB = diff.routesOnlyInB.map { Unmatched(name: $0.route, count: $0.count, total: Seconds($0.total)) }
        allRequests = Comparison(name: "all requests", diff.allRoots, wallA: wallA, wallB: wallB)
        // Paths that changed: significantly when tested, by at least the wall threshold when not.
        spans = diff.paths.filter { path in
            let comparison = path.comparison
            return comparison.isTested ? comparison.direction != .unchanged : abs(comparison.p50Change) >= DiffVerdict.wallThreshold
        }.map {
            Comparison(name: diff.path($0.path), nameInB: $0.pathB == $0.path ? nil : diff.path($0.pathB), $0.comparison, wallA: wallA, wallB: wallB)
        }
        moved = diff.movedPaths.map { Moved(pathA: diff.path($0.a), pathB: diff.path($0.b), count: $0.count) }
        overlapChanges = diff.overlapChanges.map { change in
            let sequential = "one after another"
            let overlapped = "overlapped"
            return Overlap(spans: change.names, count: change.count,
                           modeA: change.overlappedInB ? sequential : overlapped, modeB: change.overlappedInB ? overlapped : sequential,
                           a: Seconds(change.extentA), b: Seconds(change.extentB))
        }
        resolved = diff.resolvedFindings.map(FindingChange.init)
        new = diff.newFindings.map(FindingChange.init)
        remaining = diff.remainingFindings.map(FindingChange.init)
        onlyInA = diff.onlyInA.map { Unmatched(name: diff.path($0.path), count: $0.count, total: Seconds($0.total)) }
        onlyInB = diff.onlyInB.map { Unmatched(name: diff.path($0.path), count: $0.count, total: Seconds($0.total)) }
        notComparedRules = diff.incomparableRules
        self.gate = gate
    }

    enum CodingKeys: String, CodingKey {
        case a, b, verdict, unchanged
        case wall = "wall_seconds"
        case blocked = "blocked_seconds"
        case queued = "queued_seconds"
        case overlapped = "overlapped_seconds"
        case maxOverlap = "max_overlap"
        case routes
        case routesOnlyInA = "routes_only_in_a"
        case routesOnlyInB = "routes_only_in_b"
        case allRequests = "all_requests"
        case spans, moved
        case overlapChanges = "overlap_changes"
        case findings
        case onlyInA = "only_in_a"
        case onlyInB = "only_in_b"
        case notComparedRules = "not_compared_rules"
        case gate
    }

    enum FindingKeys: String, CodingKey { case resolved, new, remaining }
    enum OverlapKeys: String, CodingKey { case a, b, delta }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(a, forKey: .a)
        try container.encode(b, forKey: .b)
        try container.encode(VerdictReport(outcome: verdict.outcome, basis: verdict.basis, headline: verdict.headline), forKey: .verdict)
        try container.encode(unchanged, forKey: .unchanged)
        try container.encode(wall, forKey: .wall)
        try container.encode(blocked, forKey: .blocked)
        try container.encode(queued, forKey: .queued)
        try container.encode(overlapped, forKey: .overlapped)
        var overlap = container.nestedContainer(keyedBy: OverlapKeys.self, forKey: .maxOverlap)
        try overlap.encode(maxOverlap.a, forKey: .a)
        try overlap.encode(maxOverlap.b, forKey: .b)
        try overlap.encode(maxOverlap.b - maxOverlap.a, forKey: .delta)
        try container.encode(routes, forKey: .routes)
        try container.encode(routesOnlyInA, forKey: .routesOnlyInA)
        try container.encode(routesOnlyInB, forKey: .routesOnlyInB)
        try container.encode(allRequests, forKey: .allRequests)
        try container.encode(spans, forKey: .spans)
        try container.encode(moved, forKey: .moved)
        try container.encode(overlapChanges, forKey: .overlapChanges)
        var findings = container.nestedContainer(keyedBy: FindingKeys.self, forKey: .findings)
        try findings.encode(resolved, forKey: .resolved)
        try findings.encode(new, forKey: .new)
        try findings.encode(remaining, forKey: .remaining)
        try container.encode(onlyInA, forKey: .onlyInA)
        try container.encode(onlyInB, forKey: .onlyInB)
        try container.encode(notComparedRules.map(\.rawValue), forKey: .notComparedRules)
        try container.encode(gate, forKey: .gate)
    }
}
