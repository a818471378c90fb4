import LanesModel

/// A comparison of two runs, A (before) and B (after), judged per occurrence.
///
/// A load test of a server runs as many requests as the server answers, so totals grow with the
/// number of requests and say nothing about whether a request got faster. The diff therefore
/// compares distributions of occurrences: each route's requests (root spans grouped by handler or
/// name), and each span path, by count, rate, p50/p90/p99 and a rank test (Mann–Whitney U), so
/// that noise reads "no significant change" and a real change leads the report. Spans are matched
/// by path and across added or removed wrappers (see `SpanMatching`); findings are compared by
/// rule and site. Linear in spans plus a radix sort per path.
public struct TraceDiff: Sendable {
    /// One span of A paired with its match in B, or a span found in only one run.
    public struct Row: Sendable, Equatable {
        /// The path, an index for `path(_:)` (A's path for a pair).
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

    /// A path's occurrences in both runs (for a path found in both).
    public struct PathComparison: Sendable {
        /// The path in A, an index for `TraceDiff.path(_:)`.
        public var path: Int32
        /// The path in B when the spans moved under a wrapper (or out of one); else `path`.
        public var pathB: Int32
        /// The occurrences and their test.
        public var comparison: OccurrenceComparison
        /// How much the typical occurrence moved, weighted by how many there are: the sort key.
        public var impact: Double {
            abs(Double(comparison.b.p50) - Double(comparison.a.p50)) * Double(comparison.a.count + comparison.b.count) / 2
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

    /// A value in both runs that one run may not have (queued time without task states).
    public struct OptionalChange: Sendable, Equatable {
        /// In run A, nil when A cannot tell.
        public var a: Int64?
        /// In run B, nil when B cannot tell.
        public var b: Int64?
        /// `b − a` when both are known.
        public var delta: Int64? { a.flatMap { a in b.map { $0 &- a } } }
    }

    /// Spans of one path that have no partner in the other run.
    public struct UnmatchedPath: Sendable {
        /// The path, an index for `TraceDiff.path(_:)`.
        public var path: Int32
        /// How many spans without a partner.
        public var count: Int
        /// Σ wall time, in nanoseconds.
        public var total: Int64
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
    /// Routes found in both runs, the most changed (significant first) first.
    public let routes: [RouteComparison]
    /// Routes found in only one run: name, count and total time.
    public let routesOnlyInA: [(route: String, count: Int, total: Int64)]
    /// See `routesOnlyInA`.
    public let routesOnlyInB: [(route: String, count: Int, total: Int64)]
    /// Every root span of A against every root span of B (all requests, whatever their route).
    public let allRoots: OccurrenceComparison
    /// Paths found in both runs (or matched across wrappers), largest per-occurrence impact first.
    public let paths: [PathComparison]
    /// Spans of paths that B lacks (and that did not match across a wrapper), largest total first.
    public let onlyInA: [UnmatchedPath]
    /// Spans of paths that A lacks, largest total first.
    public let onlyInB: [UnmatchedPath]
    /// Spans matched across wrappers: (path in A, path in B, how many), most first.
    public let movedPaths: [(a: Int32, b: Int32, count: Int)]
    /// Spans that ran one after another in one run and overlapped in the other.
    public let overlapChanges: [OverlapChange]
    /// Findings by rule and site in both runs: resolved, new and remaining groups.
    public let findings: [FindingGroupChange]
    /// Rules that could not run on one of the runs (e.g. an imported trace without span kinds):
    /// their findings are neither resolved nor new, only remaining where both runs have them.
    public let incomparableRules: [FindingRule]
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
        let matching = SpanMatching(traceA: traceA, pathsA: pathsA, groupsA: groupsA, traceB: traceB, pathsB: pathsB, groupsB: groupsB, table: table)
        let partnerOfA = matching.partnerOfA
        let partnerOfB = matching.partnerOfB

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
                durationA: traceA.duration(ofSpan: spanA),
                durationB: spanB >= 0 ? traceB.duration(ofSpan: Int(spanB)) : 0))
        }
        for spanB in 0..<traceB.spanCount where partnerOfB[spanB] < 0 {
            rowOfSpanB[spanB] = Int32(rows.count)
            rows.append(Row(path: pathsB[spanB], spanA: -1, spanB: Int32(spanB), durationA: 0, durationB: traceB.duration(ofSpan: spanB)))
        }
        self.rows = rows
        self.rowOfSpanA = rowOfSpanA
        self.rowOfSpanB = rowOfSpanB

        // Paths in both runs: every occurrence on each side (not only the paired ones).
        var paths: [PathComparison] = []
        var onlyInA: [UnmatchedPath] = []
        var onlyInB: [UnmatchedPath] = []
        var sortedA: [UInt64] = []
        var sortedB: [UInt64] = []
        for path in 0..<pathCount {
            let spansA = groupsA.spans(ofPath: path)
            let spansB = groupsB.spans(ofPath: path)
            if !spansA.isEmpty, !spansB.isEmpty {
                paths.append(PathComparison(path: Int32(path), pathB: Int32(path),
                                            comparison: Self.compare(spansA, traceA, spansB, traceB, &sortedA, &sortedB)))
            }
            // A path in both runs is compared above (its counts may differ); "only in" lists
            // paths the other run lacks, less what was matched across wrappers.
            let leftA = spansB.isEmpty ? spansA.filter { partnerOfA[Int($0)] < 0 } : []
            let leftB = spansA.isEmpty ? spansB.filter { partnerOfB[Int($0)] < 0 } : []
            if !leftA.isEmpty {
                onlyInA.append(UnmatchedPath(path: Int32(path), count: leftA.count, total: leftA.reduce(0) { $0 &+ traceA.duration(ofSpan: Int($1)) }))
            }
            if !leftB.isEmpty {
                onlyInB.append(UnmatchedPath(path: Int32(path), count: leftB.count, total: leftB.reduce(0) { $0 &+ traceB.duration(ofSpan: Int($1)) }))
            }
        }
        // Spans matched across wrappers, grouped by their two paths.
        var movedIndex: [UInt64: Int] = [:]
        var moved: [(a: Int32, b: Int32, spansA: [Int32], spansB: [Int32])] = []
        for pair in matching.acrossWrappers {
            let key = UInt64(UInt32(bitPattern: pathsA[Int(pair.a)])) << 32 | UInt64(UInt32(bitPattern: pathsB[Int(pair.b)]))
            if let index = movedIndex[key] {
                moved[index].spansA.append(pair.a)
                moved[index].spansB.append(pair.b)
            } else {
                movedIndex[key] = moved.count
                moved.append((pathsA[Int(pair.a)], pathsB[Int(pair.b)], [pair.a], [pair.b]))
            }
        }
        for entry in moved {
            paths.append(PathComparison(path: entry.a, pathB: entry.b,
                                        comparison: Self.compare(entry.spansA[...], traceA, entry.spansB[...], traceB, &sortedA, &sortedB)))
        }
        paths.sort { ($0.impact, -$0.path) > ($1.impact, -$1.path) }
        onlyInA.sort { ($0.total, -$0.path) > ($1.total, -$1.path) }
        onlyInB.sort { ($0.total, -$0.path) > ($1.total, -$1.path) }
        self.paths = paths
        self.onlyInA = onlyInA
        self.onlyInB = onlyInB
        movedPaths = moved.map { ($0.a, $0.b, $0.spansA.count) }.sorted { ($0.count, -$0.a) > ($1.count, -$1.a) }

        // Routes and all requests.
        let routesA = RouteGroups(trace: traceA)
        let routesB = RouteGroups(trace: traceB)
        var routes: [RouteComparison] = []
        var onlyRoutesA: [(route: String, count: Int, total: Int64)] = []
        for route in 0..<routesA.count {
            guard let other = routesB.names.firstIndex(of: routesA.names[route]) else {
                onlyRoutesA.append((routesA.names[route], routesA.statistics[route].count, routesA.statistics[route].total))
                continue
            }
            routes.append(RouteComparison(route: routesA.names[route], comparison: Self.compare(
                routesA.roots(ofRoute: route), traceA, routesB.roots(ofRoute: other), traceB, &sortedA, &sortedB)))
        }
        routes.sort { Self.routeOrder($0.comparison, $1.comparison) }
        self.routes = routes
        routesOnlyInA = onlyRoutesA
        routesOnlyInB = routesB.names.indices.filter { !routesA.names.contains(routesB.names[$0]) }
            .map { (routesB.names[$0], routesB.statistics[$0].count, routesB.statistics[$0].total) }
        allRoots = Self.compare(traceA.roots[...], traceA, traceB.roots[...], traceB, &sortedA, &sortedB)

        overlapChanges = Self.overlapChanges(analysisA, partnerOfA, analysisB, partnerOfB)

        let incomparable = FindingRule.allCases.filter { rule in
            analysisA.skippedRules.contains { $0.rule == rule } || analysisB.skippedRules.contains { $0.rule == rule }
        }
        incomparableRules = incomparable
        findings = Self.findingChanges(analysisA, analysisB).filter { $0.status == .remaining || !incomparable.contains($0.rule) }

        let firstRootA = traceA.roots.first.map { traceA.spanBegin[Int($0)] } ?? traceA.startTime
        let firstRootB = traceB.roots.first.map { traceB.spanBegin[Int($0)] } ?? traceB.startTime
        alignmentOffset = firstRootB &- firstRootA
    }

    /// Analyses and compares two traces with the same options; the two analyses run at once (B's
    /// on another thread), since neither reads the other.
    public init(a: Trace, b: Trace, options: AnalysisOptions = .init()) {
        let (analysisB, analysisA) = concurrently({ TraceAnalysis(trace: b, options: options) }, { TraceAnalysis(trace: a, options: options) })
        self.init(a: analysisA, b: analysisB)
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
    public var wall: Change { Change(a: analysisA.trace.wallNanoseconds, b: analysisB.trace.wallNanoseconds) }
    /// Blocked time of each run; nil for a run without span kinds (nothing can be called blocking).
    public var blocked: OptionalChange {
        func value(_ analysis: TraceAnalysis) -> Int64? {
            analysis.skippedRules.contains { $0.rule == .blockingCall } ? nil : analysis.blockedNanoseconds
        }
        return OptionalChange(a: value(analysisA), b: value(analysisB))
    }
    /// Queued time of each run; nil for a run without task states (it cannot tell, it is not 0).
    public var queued: OptionalChange {
        OptionalChange(a: analysisA.trace.slices.isEmpty ? nil : analysisA.queuedNanoseconds,
                       b: analysisB.trace.slices.isEmpty ? nil : analysisB.queuedNanoseconds)
    }
    /// Overlapped time of each run.
    public var overlapped: Change { Change(a: analysisA.overlappedNanoseconds, b: analysisB.overlappedNanoseconds) }
    /// Largest overlap of each run.
    public var maxOverlap: Change { Change(a: Int64(analysisA.maxOverlap), b: Int64(analysisB.maxOverlap)) }

    /// The answer: faster, slower, mixed or no significant change, and what it rests on.
    public var verdict: DiffVerdict { DiffVerdict(self) }

    /// Resolved finding groups (in A, not in B), costliest first.
    public var resolvedFindings: [FindingGroupChange] { findings.filter { $0.status == .resolved } }
    /// New finding groups (in B, not in A), costliest first.
    public var newFindings: [FindingGroupChange] { findings.filter { $0.status == .new } }
    /// Finding groups in both runs, costliest first.
    public var remainingFindings: [FindingGroupChange] { findings.filter { $0.status == .remaining } }

    /// Whether the runs match span for span with equal durations, equal totals and the same
    /// findings (diffing a trace with itself).
    public var isUnchanged: Bool {
        wall.delta == 0 && blocked.a == blocked.b && queued.a == queued.b && overlapped.delta == 0 && onlyInA.isEmpty && onlyInB.isEmpty
            && findings.allSatisfy { $0.countA == $0.countB && $0.costA == $0.costB }
            && rows.allSatisfy { $0.isMatched && $0.delta == 0 }
    }

    // MARK: Building blocks

    /// Statistics and the rank test of two sets of spans; the scratch arrays are reused.
    static func compare(_ spansA: ArraySlice<Int32>, _ traceA: Trace, _ spansB: ArraySlice<Int32>, _ traceB: Trace,
                        _ sortedA: inout [UInt64], _ sortedB: inout [UInt64]) -> OccurrenceComparison {
        LatencyStatistics.sortedDurations(spansA, in: traceA, into: &sortedA)
        LatencyStatistics.sortedDurations(spansB, in: traceB, into: &sortedB)
        return OccurrenceComparison(a: LatencyStatistics(sortedDurations: sortedA), b: LatencyStatistics(sortedDurations: sortedB),
                                    test: RankTest.compare(sortedA, sortedB))
    }

    /// Significant changes first, then tested ones, then the rest; within each, the larger
    /// relative change of the median first, then more requests.
    static func routeOrder(_ left: OccurrenceComparison, _ right: OccurrenceComparison) -> Bool {
        func rank(_ comparison: OccurrenceComparison) -> Int {
            comparison.direction != .unchanged ? 0 : (comparison.isTested ? 1 : 2)
        }
        if rank(left) != rank(right) { return rank(left) < rank(right) }
        if abs(left.p50Change) != abs(right.p50Change) { return abs(left.p50Change) > abs(right.p50Change) }
        return left.a.count + left.b.count > right.a.count + right.b.count
    }

    /// Findings grouped by rule and site in each run (as the summary groups them), matched group
    /// to group by rule and the site's name (`FindingSite.matchName`): a site's line moves when
    /// code above it changes, its name does not. Groups of one key are paired costliest with
    /// costliest. The costliest changes first.
    static func findingChanges(_ analysisA: TraceAnalysis, _ analysisB: TraceAnalysis) -> [FindingGroupChange] {
        func key(_ group: TraceSummary.FindingGroup) -> String { group.rule.rawValue + "\u{0}" + FindingSite.matchName(of: group) }
        func site(_ group: TraceSummary.FindingGroup) -> String { group.site?.description ?? group.spanName }
        let groupsA = TraceSummary.findingGroups(of: analysisA)
        let groupsB = TraceSummary.findingGroups(of: analysisB)
        var pendingB: [String: [Int]] = [:]  // largest first, as the groups come
        for (index, group) in groupsB.enumerated() { pendingB[key(group), default: []].append(index) }
        var changes: [FindingGroupChange] = []
        for group in groupsA {
            let other = pendingB[key(group)]?.first
            if other != nil { pendingB[key(group)]!.removeFirst() }
            let partner = other.map { groupsB[$0] }
            changes.append(FindingGroupChange(rule: group.rule, site: partner.map(site) ?? site(group), a: group, b: partner))
        }
        for indexes in pendingB.values {
            for index in indexes {
                changes.append(FindingGroupChange(rule: groupsB[index].rule, site: site(groupsB[index]), a: nil, b: groupsB[index]))
            }
        }
        return changes.sorted { (max($0.costA, $0.costB), $0.rule.rawValue, $0.site) > (max($1.costA, $1.costB), $1.rule.rawValue, $1.site) }
    }

    /// Awaits that ran one after another in one run (its sequential-awaits findings) and whose
    /// partners overlapped in the other, grouped by their names.
    static func overlapChanges(_ analysisA: TraceAnalysis, _ partnerOfA: [Int32], _ analysisB: TraceAnalysis, _ partnerOfB: [Int32]) -> [OverlapChange] {
        var changes: [OverlapChange] = []
        var indexByKey: [String: Int] = [:]
        func collect(_ from: TraceAnalysis, _ partners: [Int32], _ to: TraceAnalysis, overlappedInB: Bool) {
            for finding in from.findings where finding.rule == .sequentialAwaits && finding.relatedSpans.count >= 2 {
                let spans = finding.relatedSpans
                let others = spans.map { partners[Int($0)] }
                guard others.allSatisfy({ $0 >= 0 }) else { continue }
                func extent(_ trace: Trace, _ spans: [Int32]) -> (Int64, Int64) {
                    (spans.map { trace.spanBegin[Int($0)] }.min() ?? 0, spans.map { trace.spanEnd[Int($0)] }.max() ?? 0)
                }
                let (firstOther, lastOther) = extent(to.trace, others)
                let sumOther = others.reduce(Int64(0)) { $0 &+ to.trace.duration(ofSpan: Int($1)) }
                // The partners overlapped: together they took clearly less than one after another.
                guard lastOther &- firstOther < sumOther * 9 / 10 else { continue }
                let (first, last) = extent(from.trace, spans)
                let names = (overlappedInB ? spans : others).map { DisplayText.escaped(overlappedInB ? from.trace.name(ofSpan: Int($0)) : to.trace.name(ofSpan: Int($0))) }
                let key = (overlappedInB ? "b" : "a") + names.joined(separator: "\u{0}")
                let extentSequential = last &- first
                let extentOverlapped = lastOther &- firstOther
                let (extentA, extentB) = overlappedInB ? (extentSequential, extentOverlapped) : (extentOverlapped, extentSequential)
                if let index = indexByKey[key] {
                    changes[index].count += 1
                    changes[index].extentsA.append(extentA)
                    changes[index].extentsB.append(extentB)
                } else {
                    indexByKey[key] = changes.count
                    changes.append(OverlapChange(names: names, count: 1, overlappedInB: overlappedInB, extentsA: [extentA], extentsB: [extentB]))
                }
            }
        }
        collect(analysisA, partnerOfA, analysisB, overlappedInB: true)
        collect(analysisB, partnerOfB, analysisA, overlappedInB: false)
        return changes.sorted {
            (abs($0.extentA &- $0.extentB), $0.names.joined(separator: ",")) > (abs($1.extentA &- $1.extentB), $1.names.joined(separator: ","))
        }
    }
}
