import Lanes
import LanesModel
import Testing
import Tracing

/// Spans from `withSpan` (through the bootstrapped `LanesTracer`) and Lanes' own spans nest in
/// each other, in both directions, across `async let` and task groups.
@Suite struct NestingTests {
    @Test func withSpanInsideLanesSpan() async throws {
        let trace = try await TracingFixtures.record {
            try await Lanes.span("lanes outer") {
                try await withSpan("tracing inner") { _ in
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
        }
        #expect(trace.parentName(of: "tracing inner") == "lanes outer", "\(trace.outline)")
        #expect(trace.parentName(of: "lanes outer") == nil)
    }

    @Test func lanesSpanInsideWithSpan() async throws {
        let trace = try await TracingFixtures.record {
            await withSpan("tracing outer") { _ in
                await Lanes.span("lanes inner") {
                    Lanes.syncSpan("lanes sync") {}
                }
                Lanes.event("lanes event")
            }
        }
        #expect(trace.parentName(of: "lanes inner") == "tracing outer", "\(trace.outline)")
        #expect(trace.parentName(of: "lanes sync") == "lanes inner")
        #expect(trace.parentName(of: "lanes event") == "tracing outer")
        #expect(trace.parentName(of: "tracing outer") == nil)
    }

    @Test func alternatingFourLevels() async throws {
        let trace = try await TracingFixtures.record {
            await Lanes.span("L1") {
                await withSpan("T2") { _ in
                    await Lanes.span("L3") {
                        await withSpan("T4") { _ in
                            await Lanes.span("L5") {}
                        }
                        withSpan("T4 sibling") { _ in }
                    }
                    withSpan("T3 sibling") { _ in }
                }
            }
        }
        #expect(trace.parentName(of: "T2") == "L1", "\(trace.outline)")
        #expect(trace.parentName(of: "L3") == "T2")
        #expect(trace.parentName(of: "T4") == "L3")
        #expect(trace.parentName(of: "L5") == "T4")
        #expect(trace.parentName(of: "T4 sibling") == "L3")
        #expect(trace.parentName(of: "T3 sibling") == "T2")
    }

    @Test func acrossAsyncLet() async throws {
        let trace = try await TracingFixtures.record {
            try await withSpan("request") { _ in
                async let first: Void = Lanes.span("lanes child") {
                    try await withSpan("tracing grandchild") { _ in try await Task.sleep(for: .milliseconds(2)) }
                }
                async let second: Void = withSpan("tracing child") { _ in
                    try await Lanes.span("lanes grandchild") { try await Task.sleep(for: .milliseconds(2)) }
                }
                _ = try await (first, second)
            }
        }
        let request = trace.span(named: "request")
        #expect(trace.sortedChildNames(of: request) == ["lanes child", "tracing child"], "\(trace.outline)")
        #expect(trace.parentName(of: "tracing grandchild") == "lanes child")
        #expect(trace.parentName(of: "lanes grandchild") == "tracing child")
        // Child tasks have lanes of their own.
        #expect(trace.spanTask[trace.span(named: "lanes child")] != trace.spanTask[request])
    }

    @Test func acrossTaskGroup() async throws {
        let trace = try await TracingFixtures.record {
            try await Lanes.span("fan out") {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for number in 0..<4 {
                        group.addTask {
                            await withSpan("worker \(number)") { _ in
                                await Lanes.span("step \(number)") {}
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
        }
        let fanOut = trace.span(named: "fan out")
        #expect(trace.sortedChildNames(of: fanOut) == (0..<4).map { "worker \($0)" }, "\(trace.outline)")
        for number in 0..<4 {
            #expect(trace.parentName(of: "step \(number)") == "worker \(number)")
        }
    }

    @Test func makeAsyncInsideWithSpan() async throws {
        let blocking = Lanes.makeAsync("blocking work") { () -> Int in 42 }
        let trace = try await TracingFixtures.record {
            await withSpan("tracing outer") { _ in
                let value = await blocking()
                #expect(value == 42)
            }
        }
        #expect(trace.parentName(of: "blocking work") == "tracing outer", "\(trace.outline)")
        #expect(trace.parentName(of: "poolWait") == "tracing outer")
    }

    @Test func explicitContextWinsOverEnclosingLanesSpan() async throws {
        let trace = try await TracingFixtures.record {
            let tracer = TracingFixtures.tracer
            let stored = tracer.startSpan("stored")
            await Lanes.span("elsewhere") {
                tracer.withSpan("continues stored", context: stored.context) { _ in }
            }
            stored.end()
        }
        #expect(trace.parentName(of: "continues stored") == "stored", "\(trace.outline)")
        #expect(trace.parentName(of: "elsewhere") == nil)
    }

    @Test func detachedWorkStartsItsOwnTree() async throws {
        let trace = try await TracingFixtures.record {
            await withSpan("outer") { _ in
                // A manual span whose context is never bound stays out of the way of later spans.
                let manual = TracingFixtures.tracer.startSpan("manual")
                await Lanes.span("after manual") {}
                manual.end()
            }
        }
        #expect(trace.parentName(of: "manual") == "outer", "\(trace.outline)")
        #expect(trace.parentName(of: "after manual") == "outer")
    }
}
