import LanesModel

/// `lanes diff --fail-if-slower PCT`: does B break a latency budget?
///
/// By default it judges the per-occurrence p50 of root spans: each route found in both runs with
/// enough requests to test, or, when the runs share none, all requests together. It fails only on
/// a slowdown beyond PCT that the rank test calls significant, so a noisy rerun passes and a
/// real regression fails. `--metric p90|p99` judges those percentiles (the test is the same:
/// whether B's requests tend to take longer), `--metric wall` the run's wall time, `--span NAME`
/// the occurrences of one route or span name. With too few occurrences to test (fewer than
/// `RankTest.minimumSampleSize` a side) the values are compared directly, and the result says so.
public struct DiffGate: Sendable, Encodable {
    /// What is compared.
    public enum Metric: String, Sendable, CaseIterable, Encodable {
        case p50, p90, p99, wall
    }

    /// One comparison the gate made.
    public struct Check: Sendable, Encodable {
        /// What was compared: a route, a span name, "all requests", or "wall".
        public var subject: String
        /// The metric's value in A.
        public var a: Seconds
        /// The metric's value in B.
        public var b: Seconds
        /// B relative to A, in percent.
        public var changePercent: Double
        /// The rank test's p-value; nil when it could not be tested (wall time, too few occurrences).
        public var pValue: Double?
        /// Whether this check fails the gate.
        public var failed: Bool

        enum CodingKeys: String, CodingKey {
            case subject
            case a = "a_seconds"
            case b = "b_seconds"
            case changePercent = "change_percent"
            case pValue = "p_value"
            case failed
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(subject, forKey: .subject)
            try container.encode(a, forKey: .a)
            try container.encode(b, forKey: .b)
            try container.encode(changePercent, forKey: .changePercent)
            try container.encode(pValue, forKey: .pValue)
            try container.encode(failed, forKey: .failed)
        }
    }

    /// What a `--span` name did not match.
    public struct UnknownSpan: Error, Sendable {
        /// The name, escaped.
        public var name: String
    }

    /// The metric.
    public var metric: Metric
    /// The span or route judged, if one was named.
    public var span: String?
    /// The budget: how much slower B may be, in percent.
    public var thresholdPercent: Double
    /// The comparisons made.
    public var checks: [Check]

    /// Whether any check failed.
    public var failed: Bool { checks.contains(where: \.failed) }

    /// The gate over `diff`. Throws `UnknownSpan` when `span` names nothing in either run.
    public init(_ diff: TraceDiff, metric: Metric, span: String?, thresholdPercent: Double) throws {
        self.metric = metric
        self.span = span.map { DisplayText.escaped($0) }
        self.thresholdPercent = thresholdPercent
        if metric == .wall {
            let wall = diff.wall
            checks = [Self.check("wall", wall.a, wall.b, pValue: nil, significantSlowdown: true, threshold: thresholdPercent)]
            return
        }
        let comparisons: [(String, OccurrenceComparison)]
        if let span {
            guard let comparison = Self.occurrences(named: span, in: diff) else { throw UnknownSpan(name: DisplayText.escaped(span)) }
            comparisons = [(DisplayText.escaped(span), comparison)]
        } else {
            let tested = diff.routes.filter(\.comparison.isTested)
            if !tested.isEmpty {
                comparisons = tested.map { ($0.route, $0.comparison) }
            } else if diff.routes.isEmpty || diff.allRoots.isTested {
                comparisons = [("all requests", diff.allRoots)]
            } else {
                comparisons = diff.routes.map { ($0.route, $0.comparison) }
            }
        }
        checks = comparisons.map { subject, comparison in
            let (a, b) = Self.values(comparison, metric)
            // Tested: B's occurrences must tend to take longer, beyond chance.
            let significant = comparison.test.map { $0.pValue < OccurrenceComparison.significanceLevel && $0.probabilityBLonger > 0.5 } ?? true
            return Self.check(subject, a, b, pValue: comparison.test?.pValue, significantSlowdown: significant, threshold: thresholdPercent)
        }
    }

    static func check(_ subject: String, _ a: Int64, _ b: Int64, pValue: Double?, significantSlowdown: Bool, threshold: Double) -> Check {
        let change = a == 0 ? (b == 0 ? 0 : 100) : (Double(b) - Double(a)) / Double(a) * 100
        let failed = significantSlowdown && Double(b) > Double(a) * (1 + threshold / 100)
        return Check(subject: subject, a: Seconds(a), b: Seconds(b), changePercent: change, pValue: pValue, failed: failed)
    }

    static func values(_ comparison: OccurrenceComparison, _ metric: Metric) -> (Int64, Int64) {
        switch metric {
        case .p50: (comparison.a.p50, comparison.b.p50)
        case .p90: (comparison.a.p90, comparison.b.p90)
        case .p99: (comparison.a.p99, comparison.b.p99)
        case .wall: (comparison.a.total, comparison.b.total)  // not reached: wall is the runs' wall time
        }
    }

    /// The occurrences of a route, a span name or a path in both runs.
    static func occurrences(named name: String, in diff: TraceDiff) -> OccurrenceComparison? {
        let escaped = DisplayText.escaped(name)
        if let route = diff.routes.first(where: { $0.route == escaped || $0.route == DisplayText.escaped(SpanPathNormalizer.normalize(name)) }) {
            return route.comparison
        }
        let wanted = SpanPathNormalizer.normalize(name)
        func spans(_ trace: Trace) -> [Int32] {
            var matchingNames = [Bool](repeating: false, count: trace.strings.count)
            for (index, string) in trace.strings.strings.enumerated() where SpanPathNormalizer.normalize(string) == wanted {
                matchingNames[index] = true
            }
            return (0..<trace.spanCount).filter { matchingNames[Int(trace.spanName[$0])] }.map { Int32($0) }
        }
        var spansA = spans(diff.analysisA.trace)
        var spansB = spans(diff.analysisB.trace)
        if spansA.isEmpty, spansB.isEmpty {
            // A path: `handler › span`.
            for row in diff.rows where diff.path(row.path) == escaped {
                if row.spanA >= 0 { spansA.append(row.spanA) }
                if row.spanB >= 0 { spansB.append(row.spanB) }
            }
        }
        guard !spansA.isEmpty || !spansB.isEmpty else { return nil }
        var sortedA: [UInt64] = []
        var sortedB: [UInt64] = []
        return TraceDiff.compare(spansA[...], diff.analysisA.trace, spansB[...], diff.analysisB.trace, &sortedA, &sortedB)
    }

    enum CodingKeys: String, CodingKey {
        case metric, span
        case thresholdPercent = "threshold_percent"
        case checks, failed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metric, forKey: .metric)
        try container.encode(span, forKey: .span)
        try container.encode(thresholdPercent, forKey: .thresholdPercent)
        try container.encode(checks, forKey: .checks)
        try container.encode(failed, forKey: .failed)
    }
}
