import Foundation
import Lanes
import LanesModel
import Testing

/// Task-state slices from the tracing executor, read back from real files.
@Suite("Task states")
struct TaskStateTests {
    @Test("a Task.sleep shows as a suspended gap between two slices of the task")
    func suspendedGap() async throws {
        let trace = try await SpanTreeTests.record {
            try await Lanes.withTaskStates(threads: 1) {
                try await Lanes.span("sleeper") {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
        #expect(trace.metadata.hasTaskStates)
        let sleeper = trace.span(named: "sleeper")
        let slices = Array(trace.slices(ofTask: Int(trace.spanTask[sleeper])))
        #expect(slices.count >= 2, "\(slices)")
        let gaps = zip(slices, slices.dropFirst()).map { (previous, next) in
            (suspended: next.enqueued - previous.ended, queued: next.started - next.enqueued)
        }
        let longest = gaps.max { $0.suspended < $1.suspended }
        #expect((longest?.suspended ?? 0) >= 90_000_000, "no suspended gap of the sleep: \(gaps) \(slices) span \(trace.spanBegin[sleeper])-\(trace.spanEnd[sleeper]) thread \(trace.spanThread[sleeper]) \(trace.threads)")
        #expect((longest?.queued ?? .max) < 50_000_000, "the woken task waited for a free thread")
        #expect(slices.allSatisfy { trace.threads[Int($0.thread)].isExecutor })
    }

    @Test("tasks queue behind two threads held by blocking calls")
    func queuedBehindBlockedThreads() async throws {
        let trace = try await SpanTreeTests.record {
            await Lanes.withTaskStates(threads: 2) {
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<2 {
                        group.addTask {
                            Lanes.syncSpan("block \(index)") { Thread.sleep(forTimeInterval: 0.15) }
                        }
                    }
                    group.addTask { await Lanes.span("waiter") {} }
                }
            }
        }
        let waiter = trace.span(named: "waiter")
        let slices = Array(trace.slices(ofTask: Int(trace.spanTask[waiter])))
        let first = try #require(slices.first)
        #expect(first.started - first.enqueued >= 100_000_000, "waited only \(first.started - first.enqueued) ns\n\(trace.outline)\n\(trace.slices)")
        // The waiter ran only once a blocking call gave its thread back.
        let blocks = (0..<2).map { trace.span(named: "block \($0)") }
        #expect(blocks.allSatisfy { trace.spanFlags[$0].contains(.onExecutor) })
        #expect(first.started >= blocks.map { trace.spanEnd[$0] }.min()! - 5_000_000)
        // Both executor threads appear, each running jobs.
        #expect(Set(trace.slices.map(\.thread)).count == 2)
    }

    @Test("child tasks inherit the executor: async let, task groups and gather all leave slices")
    func inheritance() async throws {
        let trace = try await SpanTreeTests.record {
            try await Lanes.withTaskStates(threads: 2) {
                async let first: Void = Lanes.span("async let") { await Task.yield() }
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await Lanes.span("group child") { await Task.yield() } }
                }
                _ = try await Lanes.gather({ await Lanes.span("gathered") { 1 } })
                await first
            }
        }
        for name in ["async let", "group child", "gathered"] {
            let span = trace.span(named: name)
            #expect(!trace.slices(ofTask: Int(trace.spanTask[span])).isEmpty, "\(name) ran off the executor")
            #expect(trace.threads[Int(trace.spanThread[span])].isExecutor)
        }
    }
}
