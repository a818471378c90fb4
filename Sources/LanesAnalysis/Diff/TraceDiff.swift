import LanesModel

/// A comparison of two runs, A (before) and B (after): totals, spans matched by path, per-path
/// duration statistics, and findings resolved, new and remaining.
///
/// Spans are matched by their path (`handler › span › child`, each name normalised by removing
/// addresses, UUIDs and long ids): the n-th occurrence of a path in A, in begin order, is paired
/// with the n-th in B. A renamed or added span therefore shows up as only in A / only in B rather
/// than as a wrong pair. Building is linear in spans plus a sort per path for medians.
public struct TraceDiff: Sendable {
    /// One span of A paired with its match in B, or a span found in only one run.
    public struct Row: Sendable, Equatable {
        /// The path, an index for `path(_:)`.
        public var path: Int32
        /// The span in A, or -1 when the span exists only in B.
        public var spanA: Int32
        /// The span in B, or -1 when the span exists only in A.
        public var spanB: Int32
        /// Wall time of `spanA` (0 when absent).
        public var durationA: Int64
        /// Wall time of `spanB` (0 when absent).
        public var durationB: Int64
        /// `durationB − durationA` for a matched row.
        public var delta: Int64 { durationB &- durationA }
        /// Whether the row pairs a span of A with one of B.
        public var isMatched: Bool { spanA >= 0 && spanB >= 0 }
    }

    /// Count, total, median and maximum wall time of a path's spans in one run.
    public struct DurationStatistics: Sendable, Equatable {
        /// How many spans (or, for unmatched paths, how many without a partner).
        public var count: Int
        /// Σ wall time, in nanoseconds.
        public var total: Int64
        /// The median (p50) wall time, in nanoseconds.
        public var median: Int64
        /// The longest wall time, in nanoseconds.
        public var maximum: Int64

        /// No spans.
        public static let none = DurationStatistics(count: 0, total: 0, median: 0, maximum: 0)
    }

    /// A path's statistics in both runs.
    public struct PathStatistics: Sendable {
        /// The path, an index for `TraceDiff.path(_:)`.
        public var path: Int32
        /// In run A.
        public var a: DurationStatistics
        /// In run B.
        public var b: DurationStatistics
        /// How much this path moved the total: |Δ total|, the sort key of `statistics`.
        public var impact: Int64 {
            let difference = b.total &- a.total
            return difference == Int64.min ? Int64.max : abs(difference)
        }
    }

    /// A value in both runs.
    public struct Change: Sendable, Equatable {
        /// In run A.
        public var a: Int64
        /// In run B.
        public var b: Int64
        /// `b − a`.
        public var delta: Int64 { b &- a }
    }

    /// A finding of A, of B, or one in both, matched by rule and span path.
    public struct FindingChange: Sendable {
        /// The rule.
        public var rule: FindingRule
        /// The path of the finding's span, or -1 for a finding without a span.
        public var path: Int32
        /// Index into `analysisA.findings`, or -1.
        public var findingA: Int
        /// Index into `analysisB.findings`, or -1.
        public var findingB: Int
        /// Cost in A (0 when absent).
        public var costA: Int64
        /// Cost in B (0 when absent).
        public var costB: Int64
    }

    /// Spans of one path that have no partner in the other run.
    public struct UnmatchedPath: Sendable {
        /// The path, an index for `TraceDiff.path(_:)`.
        public var path: Int32
        /// How many spans (or, for unmatched paths, how many without a partner).
        public var count: Int
        /// Σ wall time, in nanoseconds.
        public var total: Int64
    }

    /// A parent whose children overlap in B more than in A (e.g. awaits turned into a gather).
    public struct OverlapGain: Sendable {
        /// The path, an index for `TraceDiff.path(_:)`.
        public var path: Int32
        /// The best overlap factor among the path's spans in A (0 when absent from A).
        public var factorA: Double
        /// The best overlap factor among the path's spans in B.
        public var factorB: Double
    }

    /// The analysis of run A.
    public let analysisA: TraceAnalysis
    /// The analysis of run B.
    public let analysisB: TraceAnalysis
    /// Every span of A in index order (matched or not), then the spans only in B in index order.
    public let rows: [Row]
    /// `rowOfSpanA[span]` is the row of A's span `span`.
    public let rowOfSpanA: [Int32]
    /// `rowOfSpanB[span]` is the row of B's span `span`.
    public let rowOfSpanB: [Int32]
    /// Per-path statistics for paths present in both runs, largest |Δ total| first.
    public let statistics: [PathStatistics]
    /// Spans only in A, by path, largest total first.
    public let onlyInA: [UnmatchedPath]
    /// Spans only in B, by path, largest total first.
    public let onlyInB: [UnmatchedPath]
    /// Findings of A with no counterpart in B.
    public let resolvedFindings: [FindingChange]
    /// Findings of B with no counterpart in A.
    public let newFindings: [FindingChange]
    /// Findings present in both.
    public let remainingFindings: [FindingChange]
    /// Rules that could not run on one of the runs (e.g. an imported trace without span kinds):
    /// their findings are neither resolved nor new, only remaining where both runs have them.
    public let incomparableRules: [FindingRule]
    /// Parents whose children overlap clearly more in B than in A.
    public let overlapGains: [OverlapGain]
    /// B's first root begin minus A's: add it to an A time to align it with B (the diff view
    /// aligns the runs at the start of their first root span).
    public let alignmentOffset: Int64

    let pathTable: SpanPathTable

    /// Compares the two analysed runs.
    public init(a analysisA: TraceAnalysis, b analysisB: TraceAnalysis) {
        self.analysisA = analysisA
        self.analysisB = analysisB
        let traceA = analysisA.trace
        let traceB = analysisB.trace
        var table = SpanPathTable()
        let pathsA = table.paths(of: traceA, order: SpanStructure.parentsFirstOrder(traceA))
        let pathsB = table.paths(of: traceB, order: SpanStructure.parentsFirstOrder(traceB))
        pathTable = table
        let pathCount = table.count

        let groupsA = OccurrenceGroups(paths: pathsA, pathCount: pathCount, begins: traceA.spanBegin, origin: traceA.startTime)
        let groupsB = OccurrenceGroups(paths: pathsB, pathCount: pathCount, begins: traceB.spanBegin, origin: traceB.startTime)

        // Pair the n-th occurrence with the n-th.
        var partnerOfA = [Int32](repeating: -1, count: traceA.spanCount)
        var partnerOfB = [Int32](repeating: -1, count: traceB.spanCount)
        for path in 0..<pathCount {
            let spansA = groupsA.spans(ofPath: path)
            let spansB = groupsB.spans(ofPath: path)
            for (spanA, spanB) in zip(spansA, spansB) {
                partnerOfA[Int(spanA)] = spanB
                partnerOfB[Int(spanB)] = spanA
            }
        }

        var rows: [Row] = []
        rows.reserveCapacity(traceA.spanCount + traceB.spanCount / 8)
        var rowOfSpanA = [Int32](repeating: -1, count: traceA.spanCount)
        var rowOfSpanB = [Int32](repeating: -1, count: traceB.spanCount)
        for spanA in 0..<traceA.spanCount {
            let spanB = partnerOfA[spanA]
            rowOfSpanA[spanA] = Int32(rows.count)
            if spanB >= 0 { rowOfSpanB[Int(spanB)] = Int32(rows.count) }
            rows.append(Row(
                path: pathsA[spanA], spanA: Int32(spanA), spanB: spanB,
                durationA: traceA.spanEnd[spanA] &- traceA.spanBegin[spanA],
                durationB: spanB >= 0 ? traceB.spanEnd[Int(spanB)] &- traceB.spanBegin[Int(spanB)] : 0))
        }
        for spanB in 0..<traceB.spanCount where partnerOfB[spanB] < 0 {
            rowOfSpanB[spanB] = Int32(rows.count)
            rows.append(Row(
                path: pathsB[spanB], spanA: -1, spanB: Int32(spanB), durationA: 0,
                durationB: traceB.spanEnd[spanB] &- traceB.spanBegin[spanB]))
        }
        self.rows = rows
        self.rowOfSpanA = rowOfSpanA
        self.rowOfSpanB = rowOfSpanB

        var statistics: [PathStatistics] = []
        var onlyInA: [UnmatchedPath] = []
        var onlyInB: [UnmatchedPath] = []
        var gains: [OverlapGain] = []
        var scratch: [UInt64] = []
        for path in 0..<pathCount {
            let spansA = groupsA.spans(ofPath: path)
            let spansB = groupsB.spans(ofPath: path)
            let statsA = Self.statistics(spansA, traceA, &scratch)
            let statsB = Self.statistics(spansB, traceB, &scratch)
            if !spansA.isEmpty, !spansB.isEmpty {
                statistics.append(PathStatistics(path: Int32(path), a: statsA, b: statsB))
            }
            if spansA.count > spansB.count {
                let extra = spansA.dropFirst(spansB.count)
                onlyInA.append(UnmatchedPath(path: Int32(path), count: extra.count,
                                             total: extra.reduce(0) { $0 &+ (traceA.spanEnd[Int($1)] &- traceA.spanBegin[Int($1)]) }))
            } else if spansB.count > spansA.count {
                let extra = spansB.dropFirst(spansA.count)
                onlyInB.append(UnmatchedPath(path: Int32(path), count: extra.count,
                                             total: extra.reduce(0) { $0 &+ (traceB.spanEnd[Int($1)] &- traceB.spanBegin[Int($1)]) }))
            }
            if !spansB.isEmpty {
                let factorB = spansB.reduce(0.0) { max($0, analysisB.overlapFactor(ofSpan: Int($1))) }
                if factorB >= 1.2 {
                    let factorA = spansA.reduce(0.0) { max($0, analysisA.overlapFactor(ofSpan: Int($1))) }
                    if factorB >= factorA + 0.2 {
                        gains.append(OverlapGain(path: Int32(path), factorA: factorA, factorB: factorB))
                    }
                }
            }
        }
        statistics.sort { ($0.impact, -$0.path) > ($1.impact, -$1.path) }
        onlyInA.sort { ($0.total, -$0.path) > ($1.total, -$1.path) }
        onlyInB.sort { ($0.total, -$0.path) > ($1.total, -$1.path) }
        gains.sort { ($0.factorB - $0.factorA, -Int($0.path)) > ($1.factorB - $1.factorA, -Int($1.path)) }
        self.statistics = statistics
        self.onlyInA = onlyInA
        self.onlyInB = onlyInB
        overlapGains = gains

        let incomparable = FindingRule.allCases.filter { rule in
            analysisA.skippedRules.contains { $0.rule == rule } || analysisB.skippedRules.contains { $0.rule == rule }
        }
        incomparableRules = incomparable
        let findingMatch = Self.matchFindings(analysisA, pathsA, analysisB, pathsB)
        resolvedFindings = findingMatch.resolved.filter { !incomparable.contains($0.rule) }
        newFindings = findingMatch.new.filter { !incomparable.contains($0.rule) }
        remainingFindings = findingMatch.remaining

        let firstRootA = traceA.roots.first.map { traceA.spanBegin[Int($0)] } ?? traceA.startTime
        let firstRootB = traceB.roots.first.map { traceB.spanBegin[Int($0)] } ?? traceB.startTime
        alignmentOffset = firstRootB &- firstRootA
    }

    /// Analyses and compares two traces with the same options.
    public init(a: Trace, b: Trace, options: AnalysisOptions = .init()) {
        self.init(a: TraceAnalysis(trace: a, options: options), b: TraceAnalysis(trace: b, options: options))
    }

    /// The path `path` as text: normalised names joined by ` › `, escaped for display.
    public func path(_ path: Int32) -> String { DisplayText.escaped(pathTable.text(ofPath: path)) }

    /// The last name of path `path`, escaped for display.
    public func lastName(ofPath path: Int32) -> String { DisplayText.escaped(pathTable.lastName(ofPath: path)) }

    /// The span of B matched with span `spanA` of A, or -1.
    public func matchInB(spanA: Int) -> Int32 {
        guard spanA >= 0, spanA < rowOfSpanA.count else { return -1 }
        return rows[Int(rowOfSpanA[spanA])].spanB
    }

    /// The span of A matched with span `spanB` of B, or -1.
    public func matchInA(spanB: Int) -> Int32 {
        guard spanB >= 0, spanB < rowOfSpanB.count else { return -1 }
        return rows[Int(rowOfSpanB[spanB])].spanA
    }

    /// Wall time of each run.
    public var wall: Change { Change(a: analysisA.trace.endTime &- analysisA.trace.startTime, b: analysisB.trace.endTime &- analysisB.trace.startTime) }
    /// Blocked time of each run.
    public var blocked: Change { Change(a: analysisA.blockedNanoseconds, b: analysisB.blockedNanoseconds) }
    /// Queued time of each run.
    public var queued: Change { Change(a: analysisA.queuedNanoseconds, b: analysisB.queuedNanoseconds) }
    /// Overlapped time of each run.
    public var overlapped: Change { Change(a: analysisA.overlappedNanoseconds, b: analysisB.overlappedNanoseconds) }
    /// Largest overlap of each run.
    public var maxOverlap: Change { Change(a: Int64(analysisA.maxOverlap), b: Int64(analysisB.maxOverlap)) }

    /// Whether the runs match span for span with equal durations, equal totals and the same
    /// findings (diffing a trace with itself).
    public var isUnchanged: Bool {
        wall.delta == 0 && blocked.delta == 0 && queued.delta == 0 && overlapped.delta == 0
            && onlyInA.isEmpty && onlyInB.isEmpty && resolvedFindings.isEmpty && newFindings.isEmpty
            && statistics.allSatisfy { $0.a == $0.b }
    }

    /// Total wall time of the spans whose path, or last path component, equals `name` after
    /// normalisation, in A and in B; nil when no span of either run has that name.
    public func totalDuration(ofSpansNamed name: String) -> Change? {
        let wanted = SpanPathNormalizer.normalize(name)
        var change = Change(a: 0, b: 0)
        var found = false
        for row in rows where pathTable.lastName(ofPath: row.path) == wanted || pathTable.text(ofPath: row.path) == wanted {
            found = true
            change.a &+= row.durationA
            change.b &+= row.durationB
        }
        return found ? change : nil
    }

    static func statistics(_ spans: ArraySlice<Int32>, _ trace: Trace, _ scratch: inout [UInt64]) -> DurationStatistics {
        guard !spans.isEmpty else { return .none }
        scratch.removeAll(keepingCapacity: true)
        var total: Int64 = 0
        for span in spans {
            let duration = max(0, trace.spanEnd[Int(span)] &- trace.spanBegin[Int(span)])
            scratch.append(UInt64(duration))
            total &+= duration
        }
        RadixSort.sort(&scratch)
        return DurationStatistics(
            count: spans.count, total: total,
            median: Int64(scratch[(scratch.count - 1) / 2]), maximum: Int64(scratch[scratch.count - 1]))
    }

    static func matchFindings(
        _ analysisA: TraceAnalysis, _ pathsA: [Int32], _ analysisB: TraceAnalysis, _ pathsB: [Int32]
    ) -> (resolved: [FindingChange], new: [FindingChange], remaining: [FindingChange]) {
        func grouped(_ analysis: TraceAnalysis, _ paths: [Int32]) -> [String: [Int]] {
            var groups: [String: [Int]] = [:]
            for (index, finding) in analysis.findings.enumerated() {
                let path = finding.span >= 0 ? paths[Int(finding.span)] : -1
                groups["\(finding.rule.rawValue) \(path)", default: []].append(index)
            }
            for key in groups.keys {
                groups[key]!.sort { (analysis.findings[$0].begin, $0) < (analysis.findings[$1].begin, $1) }
            }
            return groups
        }
        let groupsA = grouped(analysisA, pathsA)
        let groupsB = grouped(analysisB, pathsB)
        var resolved: [FindingChange] = []
        var new: [FindingChange] = []
        var remaining: [FindingChange] = []
        func change(_ a: Int, _ b: Int) -> FindingChange {
            let finding = a >= 0 ? analysisA.findings[a] : analysisB.findings[b]
            let path: Int32 = a >= 0
                ? (finding.span >= 0 ? pathsA[Int(finding.span)] : -1)
                : (finding.span >= 0 ? pathsB[Int(finding.span)] : -1)
            return FindingChange(
                rule: finding.rule, path: path, findingA: a, findingB: b,
                costA: a >= 0 ? analysisA.findings[a].costNanoseconds : 0,
                costB: b >= 0 ? analysisB.findings[b].costNanoseconds : 0)
        }
        for (key, listA) in groupsA {
            let listB = groupsB[key] ?? []
            for (offset, a) in listA.enumerated() {
                if offset < listB.count { remaining.append(change(a, listB[offset])) } else { resolved.append(change(a, -1)) }
            }
        }
        for (key, listB) in groupsB {
            let countA = groupsA[key]?.count ?? 0
            for b in listB.dropFirst(countA) { new.append(change(-1, b)) }
        }
        resolved.sort { ($0.costA, -$0.findingA) > ($1.costA, -$1.findingA) }
        new.sort { ($0.costB, -$0.findingB) > ($1.costB, -$1.findingB) }
        remaining.sort { (max($0.costA, $0.costB), -$0.findingA) > (max($1.costA, $1.costB), -$1.findingA) }
        return (resolved, new, remaining)
    }
}
