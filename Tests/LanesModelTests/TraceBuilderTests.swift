import LanesModel
import Testing

@Suite("TraceBuilder and Trace")
struct TraceBuilderTests {
    /// A random trace over a few lanes, with parents that may point anywhere (even forward).
    static func randomTrace(seed: UInt64, spans: Int = 400) -> Trace {
        var random = SplitMix64(seed: seed)
        var builder = TraceBuilder()
        let tasks = (0..<5).map { builder.task(id: UInt64($0 + 1)) }
        let threads = (0..<3).map { builder.thread(id: UInt64($0 + 10)) }
        for index in 0..<spans {
            let begin = Int64.random(in: 0...1_000_000, using: &random)
            let parent: Int32 = index > 0 && Bool.random(using: &random) ? Int32.random(in: 0..<Int32(spans), using: &random) : -1
            builder.addSpan(
                name: builder.intern("s\(index % 7)"), kind: .async, begin: begin,
                end: begin + Int64.random(in: 0...50_000, using: &random), parent: parent,
                task: tasks.randomElement(using: &random)!, thread: threads.randomElement(using: &random)!)
        }
        return builder.build()
    }

    @Test("spans are sorted by lane, then begin; lane ranges cover every span once", arguments: 0..<10)
    func laneOrder(seed: Int) {
        let trace = Self.randomTrace(seed: UInt64(seed))
        var covered = 0
        for lane in trace.laneRanges.indices {
            let range = trace.laneRanges[lane]
            covered += range.count
            for span in range {
                #expect(trace.spanTask[Int(span)] == Int32(lane))
                if span > range.lowerBound { #expect(trace.spanBegin[Int(span) - 1] <= trace.spanBegin[Int(span)]) }
            }
        }
        #expect(covered == trace.spanCount)
    }

    @Test("every walk up the parent chain ends at a root, even when the input had loops", arguments: 0..<10)
    func parentsEnd(seed: Int) {
        let trace = Self.randomTrace(seed: UInt64(seed))
        for span in 0..<trace.spanCount {
            var node = span
            var steps = 0
            while let parent = trace.parent(ofSpan: node) {
                node = parent
                steps += 1
                #expect(steps <= trace.spanCount, "loop above span \(span)")
                if steps > trace.spanCount { break }
            }
        }
        // Children lists agree with the parent column and are in begin order.
        var childCount = 0
        for span in 0..<trace.spanCount {
            let children = trace.children(ofSpan: span)
            childCount += children.count
            for child in children { #expect(trace.parent(ofSpan: Int(child)) == span) }
            #expect(zip(children, children.dropFirst()).allSatisfy { trace.spanBegin[Int($0)] <= trace.spanBegin[Int($1)] })
        }
        #expect(childCount + trace.roots.count == trace.spanCount)
    }

    @Test("spans(inLane:overlapping:) returns exactly the spans a scan finds", arguments: 0..<10)
    func windowQuery(seed: Int) {
        let trace = Self.randomTrace(seed: UInt64(seed))
        var random = SplitMix64(seed: UInt64(seed) &+ 99)
        for _ in 0..<50 {
            let lane = Int.random(in: 0..<trace.laneRanges.count, using: &random)
            let from = Int64.random(in: 0...1_050_000, using: &random)
            let to = from + Int64.random(in: 1...200_000, using: &random)
            let found = trace.spans(inLane: lane, overlapping: from, to)
            let expected = trace.laneRanges[lane].filter { trace.spanBegin[Int($0)] < to && trace.spanEnd[Int($0)] >= from }
            #expect(found == expected)
        }
    }

    @Test("a parent loop in the input is cut where it closes")
    func loopIsCut() {
        var builder = TraceBuilder()
        let task = builder.task(id: 1)
        let a = builder.addSpan(name: 0, kind: .async, begin: 0, end: 10, task: task)
        let b = builder.addSpan(name: 0, kind: .async, begin: 1, end: 9, parent: a, task: task)
        builder.setParent(of: a, to: b)
        let trace = builder.build()
        #expect(trace.roots.count == 1)
        #expect(trace.children(ofSpan: Int(trace.roots[0])).count == 1)
    }

    @Test("string interning gives one index per distinct string; 0 is the empty string")
    func interning() {
        var table = StringTable()
        #expect(table.intern("") == 0)
        let first = table.intern("on_message")
        #expect(table.intern("on_message") == first)
        #expect(table.intern("tick") != first)
        #expect(table[first] == "on_message")
        #expect(table[999] == "")
        #expect(table.count == 3)
    }

    @Test("saturating differences never trap")
    func saturation() {
        #expect(saturatingDifference(.max, .min) == .max)
        #expect(saturatingDifference(.min, .max) == .min)
        #expect(saturatingDifference(5, 3) == 2)
    }

    @Test("the same seed gives the same numbers; different seeds differ")
    func splitMix() {
        var first = SplitMix64(seed: 1)
        var second = SplitMix64(seed: 1)
        var other = SplitMix64(seed: 2)
        let a = (0..<4).map { _ in first.next() }
        #expect(a == (0..<4).map { _ in second.next() })
        #expect(a != (0..<4).map { _ in other.next() })
        #expect(SplitMix64.mix(7) == SplitMix64.mix(7) && SplitMix64.mix(7) != SplitMix64.mix(8))
    }
}
