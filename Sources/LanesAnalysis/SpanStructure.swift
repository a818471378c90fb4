import LanesModel

/// What the analysis derives once from the span tree: which spans block an executor thread.
/// Linear in spans. Self times and the parents-first order are computed when asked for, not kept
/// (8 and 4 bytes a span that a viewer of a million spans does not need).
struct SpanStructure: Sendable {
    /// Blocking spans that count towards blocked time: those without a blocking ancestor on the
    /// same thread (a blocking span inside another holds no extra thread). In parents-first order.
    let outermostBlocking: [Int32]

    init(trace: Trace) {
        let count = trace.spanCount
        let topDown = Self.parentsFirstOrder(trace)
        var nearestBlockingAncestor = [Int32](repeating: -1, count: count)
        var outermost: [Int32] = []
        for span32 in topDown {
            let span = Int(span32)
            let parent = Int(trace.spanParent[span])
            if parent >= 0 {
                nearestBlockingAncestor[span] = Self.isBlocking(trace, parent)
                    ? Int32(parent) : nearestBlockingAncestor[parent]
            }
            guard Self.isBlocking(trace, span) else { continue }
            let ancestor = Int(nearestBlockingAncestor[span])
            if ancestor < 0 || trace.spanThread[ancestor] != trace.spanThread[span] {
                outermost.append(span32)
            }
        }
        outermostBlocking = outermost
    }

    /// Whether span `span` began on an executor thread: the recorder saw a Swift task current, or
    /// the thread is known to belong to an executor.
    static func isOnExecutor(_ trace: Trace, _ span: Int) -> Bool {
        if trace.spanFlags[span].contains(.onExecutor) { return true }
        let thread = Int(trace.spanThread[span])
        return thread >= 0 && thread < trace.threads.count && trace.threads[thread].isExecutor
    }

    /// Whether span `span` holds an executor thread while it waits or computes: synchronous work
    /// (a `sync` span, or a `runSync` bridge, which blocks its caller) begun on an executor thread.
    static func isBlocking(_ trace: Trace, _ span: Int) -> Bool {
        let kind = trace.spanKind[span]
        return (kind == .sync || kind == .runSync) && isOnExecutor(trace, span)
    }

    static func parentsFirstOrder(_ trace: Trace) -> [Int32] {
        var order: [Int32] = []
        order.reserveCapacity(trace.spanCount)
        order.append(contentsOf: trace.roots)
        var position = 0
        let childStart = trace.childStart
        let children = trace.children
        while position < order.count {
            let span = Int(order[position])
            for child in Int(childStart[span])..<Int(childStart[span + 1]) { order.append(children[child]) }
            position += 1
        }
        return order
    }

    /// Wall time of span `span` minus the time covered by at least one of its children.
    static func selfTime(_ trace: Trace, _ span: Int) -> Int64 {
        var covered: Int64 = 0
        forEachCoveredInterval(trace, span) { from, to in covered &+= to &- from }
        return max(0, (trace.spanEnd[span] &- trace.spanBegin[span]) &- covered)
    }

    /// Calls `body` with each maximal interval inside span `span` during which at least one of
    /// its children is active, in time order (children are sorted by begin, so this is linear).
    @inline(__always)
    static func forEachCoveredInterval(_ trace: Trace, _ span: Int, _ body: (Int64, Int64) -> Void) {
        let first = Int(trace.childStart[span])
        let last = Int(trace.childStart[span + 1])
        guard first < last else { return }
        let begin = trace.spanBegin[span]
        let end = trace.spanEnd[span]
        var runBegin: Int64 = 0
        var runEnd: Int64 = 0
        var open = false
        for position in first..<last {
            let child = Int(trace.children[position])
            let childBegin = max(begin, trace.spanBegin[child])
            let childEnd = min(end, trace.spanEnd[child])
            guard childEnd > childBegin else { continue }
            if open, childBegin <= runEnd {
                runEnd = max(runEnd, childEnd)
            } else {
                if open { body(runBegin, runEnd) }
                runBegin = childBegin
                runEnd = childEnd
                open = true
            }
        }
        if open { body(runBegin, runEnd) }
    }
}
