import LanesModel
import LanesSeed
import Testing

/// The seed scenario recorded at a small scale (0.02 s per article second) and read back.
@Suite("Seed demo")
struct SeedDemoTests {
    static let scale = 0.02
    static let unit: Int64 = 20_000_000

    static func recorded(_ variant: SeedVariant) async throws -> Trace {
        let path = TraceFixtures.temporaryPath("seed-\(variant.rawValue).lanes")
        try await SeedDemo.record(variant, scale: scale, to: path)
        return try TraceFixtures.load(path)
    }

    @Test("naive: blocking wait_for calls and one await after another, with carol queued")
    func naive() async throws {
        let trace = try await Self.recorded(.naive)
        #expect(trace.metadata.hasTaskStates && trace.metadata.finishedCleanly)
        for author in SeedDemo.authors {
            let handler = trace.span(displayed: "on_message \"\(author)\"")
            #expect(trace.spanKind[handler] == .handler, "\(trace.outline)")
            #expect(trace.attribute("label", ofSpan: handler) == author)
            #expect(trace.childNames(of: handler) == ["wait_for(3)", "await_for(2)", "await_for(4)", "wait_for(7)", "wait_for(2)"])
            for child in trace.children(ofSpan: handler) where trace.name(ofSpan: Int(child)).hasPrefix("wait_for") {
                #expect(trace.spanKind[Int(child)] == .sync)
                #expect(trace.spanFlags[Int(child)].contains(.onExecutor))
            }
            // One await after another: the handler takes at least the sum of its steps.
            #expect(trace.duration(ofSpan: handler) >= 18 * Self.unit)
        }
        let heartbeat = trace.span(named: "heartbeat")
        #expect(trace.childNames(of: heartbeat).allSatisfy { $0 == "tick" })
        #expect(!trace.children(ofSpan: heartbeat).isEmpty)
        // Two threads held by alice and bob: carol's first job waits about wait_for(3).
        let carol = trace.span(displayed: "on_message \"carol\"")
        let queued = trace.slices(ofTask: Int(trace.spanTask[carol])).map { $0.started - $0.enqueued }.max() ?? 0
        #expect(queued >= 2 * Self.unit, "carol queued only \(queued) ns")
    }

    @Test("improved: makeAsync, gather and the run_sync step")
    func improved() async throws {
        let trace = try await Self.recorded(.improved)
        for author in SeedDemo.authors {
            let handler = trace.span(displayed: "on_message \"\(author)\"")
            #expect(trace.childNames(of: handler) == ["wait_for(3)", "gather", "run_sync"], "\(trace.outline)")
            let children = trace.children(ofSpan: handler).map(Int.init)
            // The article keeps its first synchronous sleep: it still holds an executor thread.
            #expect(trace.spanKind[children[0]] == .sync && trace.spanFlags[children[0]].contains(.onExecutor))
            #expect(Set(trace.childNames(of: children[1])) == ["await_for(2)", "await_for(4)", "poolWait", "makeAsync"])
            #expect(trace.spanKind[children[2]] == .runSync && trace.spanFlags[children[2]].contains(.onExecutor))
            #expect(trace.childNames(of: children[2]) == ["await_for(2)"])
            // The gathered operations overlap: await_for(4) and the makeAsync call (from the
            // moment it asked for a pool thread to the end of its run) are in flight together.
            let gathered = trace.children(ofSpan: children[1]).map(Int.init)
            let awaitFour = gathered.first { trace.name(ofSpan: $0) == "await_for(4)" }
            let poolWait = gathered.first { trace.name(ofSpan: $0) == "poolWait" }
            let run = gathered.first { trace.name(ofSpan: $0) == "makeAsync" }
            if let awaitFour, let poolWait, let run {
                #expect(max(trace.spanBegin[awaitFour], trace.spanBegin[poolWait])
                    < min(trace.spanEnd[awaitFour], trace.spanEnd[run]), "\(trace.outline)")
            } else {
                Issue.record("the gather lacks await_for(4), poolWait or makeAsync: \(trace.outline)")
            }
        }
        for wait in trace.spans(named: "wait_for(7)") {
            #expect(!trace.spanFlags[wait].contains(.onExecutor), "blocking work left the executor")
        }
    }
}
