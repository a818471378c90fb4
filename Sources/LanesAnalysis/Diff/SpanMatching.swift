import LanesModel

/// Which span of A is which span of B.
///
/// First by path (`handler › span › child`, names normalised): the n-th occurrence of a path in A,
/// in begin order, pairs with the n-th in B. Then, for what is left, across wrappers: a refactor
/// that puts spans under a new `gather`, `makeAsync`, `async let` child or `withSpan` layer changes
/// their paths but not their place, so a span left over in B pairs with a left-over span of A
/// of the same name whose nearest matched ancestor is the partner of its own (`await_for(4)` under
/// a handler in A, `gather › await_for(4)` under the same handler in B). Repeated until nothing
/// more pairs, so spans under a wrapped span follow it.
struct SpanMatching {
    /// The partner in B of each span of A, or -1.
    var partnerOfA: [Int32]
    /// The partner in A of each span of B, or -1.
    var partnerOfB: [Int32]
    /// Pairs found across wrappers (their paths differ), as (span of A, span of B).
    var acrossWrappers: [(a: Int32, b: Int32)] = []

    init(traceA: Trace, pathsA: [Int32], groupsA: OccurrenceGroups,
         traceB: Trace, pathsB: [Int32], groupsB: OccurrenceGroups, table: SpanPathTable) {
        partnerOfA = [Int32](repeating: -1, count: traceA.spanCount)
        partnerOfB = [Int32](repeating: -1, count: traceB.spanCount)
        for path in 0..<table.count {
            for (spanA, spanB) in zip(groupsA.spans(ofPath: path), groupsB.spans(ofPath: path)) {
                partnerOfA[Int(spanA)] = spanB
                partnerOfB[Int(spanB)] = spanA
            }
        }
        matchAcrossWrappers(traceA: traceA, pathsA: pathsA, traceB: traceB, pathsB: pathsB, table: table)
    }

    /// The second phase: left-over spans pair by name under partnered ancestors.
    private mutating func matchAcrossWrappers(traceA: Trace, pathsA: [Int32], traceB: Trace, pathsB: [Int32], table: SpanPathTable) {
        var leftA = (0..<traceA.spanCount).filter { partnerOfA[$0] < 0 }.map { Int32($0) }
        var leftB = (0..<traceB.spanCount).filter { partnerOfB[$0] < 0 }.map { Int32($0) }
        guard !leftA.isEmpty, !leftB.isEmpty else { return }
        var pass = 0
        while pass < 64 {
            pass += 1
            // Key: the B span that anchors it (A's anchor's partner, or B's own anchor) and the name.
            var candidatesA: [UInt64: [Int32]] = [:]
            for span in leftA {
                guard let anchor = Self.nearestPartneredAncestor(of: Int(span), in: traceA, partners: partnerOfA) else { continue }
                let key = UInt64(UInt32(bitPattern: partnerOfA[anchor])) << 32 | UInt64(UInt32(bitPattern: table.nameIndexes[Int(pathsA[Int(span)])]))
                candidatesA[key, default: []].append(span)
            }
            guard !candidatesA.isEmpty else { break }
            var candidatesB: [UInt64: [Int32]] = [:]
            for span in leftB {
                guard let anchor = Self.nearestPartneredAncestor(of: Int(span), in: traceB, partners: partnerOfB) else { continue }
                let key = UInt64(UInt32(anchor)) << 32 | UInt64(UInt32(bitPattern: table.nameIndexes[Int(pathsB[Int(span)])]))
                if candidatesA[key] != nil { candidatesB[key, default: []].append(span) }
            }
            var added = 0
            for (key, spansB) in candidatesB {
                guard let spansA = candidatesA[key] else { continue }
                let orderedA = spansA.sorted { (traceA.spanBegin[Int($0)], $0) < (traceA.spanBegin[Int($1)], $1) }
                let orderedB = spansB.sorted { (traceB.spanBegin[Int($0)], $0) < (traceB.spanBegin[Int($1)], $1) }
                for (spanA, spanB) in zip(orderedA, orderedB) {
                    partnerOfA[Int(spanA)] = spanB
                    partnerOfB[Int(spanB)] = spanA
                    acrossWrappers.append((spanA, spanB))
                    added += 1
                }
            }
            guard added > 0 else { break }
            leftA.removeAll { partnerOfA[Int($0)] >= 0 }
            leftB.removeAll { partnerOfB[Int($0)] >= 0 }
        }
    }

    /// The nearest ancestor of `span` that has a partner, if any.
    static func nearestPartneredAncestor(of span: Int, in trace: Trace, partners: [Int32]) -> Int? {
        var ancestor = Int(trace.spanParent[span])
        var steps = 0
        while ancestor >= 0, steps < 10_000 {
            if partners[ancestor] >= 0 { return ancestor }
            ancestor = Int(trace.spanParent[ancestor])
            steps += 1
        }
        return nil
    }
}
