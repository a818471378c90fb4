import LanesModel
import Testing
@testable import LanesAnalysis

/// Metrics on random nested traces agree with a brute-force walk over every millisecond.
@Suite("Random traces")
struct RandomTraceTests {
    struct Interval { var begin: Int64; var end: Int64; var parent: Int; var blocking: Bool; var thread: Int32 }

    /// Random trees: each lane a root with nested children inside their parent.
    func randomTrace(seed: UInt64) -> (Trace, [Interval]) {
        var random = SplitMix64(seed: seed)
        var fixture = TraceFixture()
        let threads = [fixture.thread(1), fixture.thread(2)]
        var intervals: [Interval] = []
        var builderIndex: [Int32] = []
        for lane in 0..<4 {
            let task = fixture.task(UInt64(lane + 1))
            let begin = Int64.random(in: 0...40, using: &random)
            let end = begin + Int64.random(in: 0...80, using: &random)
            var pending: [(Int, Int)] = [(-1, 0)]  // (parent interval, depth)
            var rootMade = false
            while let (parent, depth) = pending.popLast() {
                let childCount = rootMade ? Int.random(in: 0...3, using: &random) : 1
                for _ in 0..<childCount {
                    let (low, high) = parent < 0 ? (begin, end) : (intervals[parent].begin, intervals[parent].end)
                    let childBegin = Int64.random(in: low...high, using: &random)
                    let childEnd = Int64.random(in: childBegin...high, using: &random)
                    let blocking = Bool.random(using: &random)
                    let thread = threads[Int.random(in: 0...1, using: &random)]
                    let index = fixture.span(
                        "s\(intervals.count)", blocking ? .sync : .async, from: childBegin, to: childEnd,
                        parent: parent < 0 ? -1 : builderIndex[parent], task: task, thread: thread, onExecutor: blocking)
                    builderIndex.append(index)
                    intervals.append(Interval(begin: childBegin, end: childEnd, parent: parent, blocking: blocking, thread: thread))
                    if depth < 3 { pending.append((intervals.count - 1, depth + 1)) }
                }
                rootMade = true
            }
        }
        return (fixture.build(), intervals)
    }

    @Test("concurrency, self time and threads held match a millisecond walk", arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func agreesWithWalk(seed: UInt64) {
        let (trace, intervals) = randomTrace(seed: seed)
        let analysis = TraceAnalysis(trace: trace)
        let ms = TraceFixture.ms
        func active(_ index: Int, _ t: Int64) -> Bool { intervals[index].begin <= t && t < intervals[index].end }
        for t in Int64(0)...125 {
            var frontier = 0
            var heldThreads = Set<Int32>()  // a thread counts once however many blocking spans it has
            for index in intervals.indices where active(index, t) {
                let childActive = intervals.indices.contains { intervals[$0].parent == index && active($0, t) }
                if !childActive { frontier += 1 }
                if intervals[index].blocking { heldThreads.insert(intervals[index].thread) }
            }
            let held = heldThreads.count
            #expect(analysis.concurrency.value(at: ms(t)) == Int32(frontier), "t=\(t)")
            #expect(analysis.executorThreadsHeld.value(at: ms(t)) == Int32(held), "t=\(t)")
        }
        for index in intervals.indices {
            let span = trace.span(named: "s\(index)")
            var selfTime: Int64 = 0
            for t in intervals[index].begin..<max(intervals[index].begin, intervals[index].end)
            where !intervals.indices.contains(where: { intervals[$0].parent == index && active($0, t) }) {
                selfTime += 1
            }
            #expect(analysis.selfTime(ofSpan: span) == ms(selfTime), "s\(index)")
        }
    }
}
