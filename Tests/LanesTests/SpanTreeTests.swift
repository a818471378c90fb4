import Foundation
import Lanes
import LanesModel
import Testing

/// Span trees recorded through the public API, read back from real `.lanes` files.
@Suite("Span trees")
struct SpanTreeTests {
    /// Records `body` into a fresh file and loads it.
    static func record(_ body: () async throws -> Void) async throws -> Trace {
        let path = TraceFixtures.temporaryPath("trace.lanes")
        try await Lanes.record(to: path) { try await body() }
        return try TraceFixtures.load(path)
    }

    @Test("async let children are children of the span that started them, in their own tasks")
    func asyncLet() async throws {
        let trace = try await Self.record {
            try await Lanes.span("outer") {
                async let first: Void = Lanes.span("first") { try await Task.sleep(for: .milliseconds(5)) }
                async let second: Void = Lanes.span("second") { try await Task.sleep(for: .milliseconds(5)) }
                _ = try await (first, second)
            }
        }
        let outer = trace.span(named: "outer")
        #expect(outer >= 0, "\(trace.outline)")
        #expect(Set(trace.childNames(of: outer)) == ["first", "second"])
        for name in ["first", "second"] {
            let child = trace.span(named: name)
            #expect(trace.taskID(of: child) != trace.taskID(of: outer), "an async let runs in a child task")
        }
    }

    @Test("task group children are children of the enclosing span")
    func taskGroup() async throws {
        let trace = try await Self.record {
            await Lanes.span("fan-out") {
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<4 {
                        group.addTask { await Lanes.span("child \(index)") { await Task.yield() } }
                    }
                }
            }
        }
        let fanOut = trace.span(named: "fan-out")
        #expect(trace.childNames(of: fanOut).sorted() == (0..<4).map { "child \($0)" })
        #expect(Set((0..<4).map { trace.taskID(of: trace.span(named: "child \($0)")) }).count == 4)
    }

    @Test("gather returns results in order and records a gather span with the operations' spans as children")
    func gather() async throws {
        let path = TraceFixtures.temporaryPath("gather.lanes")
        let numbers: [@Sendable () async throws -> Int] = [{ 3 }, { 4 }, { 5 }]
        let results = try await Lanes.record(to: path) {
            try await Lanes.span("handler") {
                try await Lanes.gather(
                    { try await Lanes.span("slow") { try await Task.sleep(for: .milliseconds(30)); return 1 } },
                    { await Lanes.span("fast") { "two" } },
                    { await Lanes.span("array") { try? await Lanes.gatherAll(numbers) } })
            }
        }
        #expect(results.0 == 1 && results.1 == "two" && results.2 == [3, 4, 5])
        let trace = try TraceFixtures.load(path)
        let gathers = trace.spans(named: "gather")
        #expect(gathers.count == 2, "\(trace.outline)")
        let outer = gathers.first { trace.parentName(of: $0) == "handler" } ?? -1
        #expect(trace.spanKind[outer] == .gather)
        #expect(Set(trace.childNames(of: outer)) == ["slow", "fast", "array"])
        #expect(trace.parentName(of: gathers.first { $0 != outer } ?? -1) == "array")
    }

    @Test("gather's first error cancels the other operations and is rethrown")
    func gatherFailure() async throws {
        struct Refused: Error {}
        let path = TraceFixtures.temporaryPath("gather-error.lanes")
        await #expect(throws: Refused.self) {
            try await Lanes.record(to: path) {
                _ = try await Lanes.gather(
                    { try await Lanes.span("long") { try await Task.sleep(for: .seconds(60)) } },
                    { try await Task.sleep(for: .milliseconds(20)); throw Refused() })
            }
        }
        // Uncancelled, the long operation would sleep its minute and end without error; cancelled,
        // it ends with CancellationError (checked below). No wall-clock bound: the suites' CPU-bound
        // tests can hold both cooperative threads for a minute on a two-core machine.
        let trace = try TraceFixtures.load(path)
        let long = trace.span(named: "long")
        #expect(trace.spanStatus[long] == .error)
        #expect(trace.attribute("error", ofSpan: long)?.contains("Cancellation") == true)
        #expect(trace.spanStatus[trace.span(named: "gather")] == .error)
    }

    @Test("makeAsync records the pool wait and the run; a sync span in the pool is not on an executor")
    func makeAsync() async throws {
        let pool = BlockingPool(width: 1, name: "test-pool")
        let blocking = Lanes.makeAsync("blocking", on: pool) { (milliseconds: Int) -> Int in
            Lanes.syncSpan("sleep") { Thread.sleep(forTimeInterval: Double(milliseconds) / 1000) }
            return milliseconds
        }
        let trace = try await Self.record {
            await Lanes.span("caller") {
                async let first = blocking(40)
                async let second = blocking(40)
                _ = await (first, second)
            }
        }
        let caller = trace.span(named: "caller")
        let runs = trace.spans(named: "blocking")
        let waits = trace.spans(named: "poolWait")
        #expect(runs.count == 2 && waits.count == 2, "\(trace.outline)")
        for run in runs {
            #expect(trace.spanKind[run] == .makeAsync)
            #expect(trace.parentName(of: run) == "caller")
            #expect(trace.childNames(of: run) == ["sleep"])
            #expect(trace.spanThread[run] != trace.spanThread[caller], "ran on a pool thread")
        }
        for wait in waits {
            #expect(trace.spanKind[wait] == .poolWait)
            #expect(trace.parentName(of: wait) == "caller")
        }
        // One pool thread: the second call waited about as long as the first ran.
        let longestWait = waits.map { trace.duration(ofSpan: $0) }.max() ?? 0
        #expect(longestWait >= 30_000_000)
        for sleep in trace.spans(named: "sleep") {
            #expect(!trace.spanFlags[sleep].contains(.onExecutor))
            #expect(trace.spanFlags[sleep].contains(.hasCPUTime))
            #expect(trace.taskID(of: sleep) == trace.taskID(of: trace.parent(ofSpan: sleep)!))
        }
    }

    @Test("a sync span inside a task is on an executor and records CPU time apart from wall time")
    func syncSpanEvidence() async throws {
        let trace = try await Self.record {
            await Lanes.span("task") {
                Lanes.syncSpan("sleeping") { Thread.sleep(forTimeInterval: 0.05) }
                Lanes.syncSpan("computing") {
                    // Spin until this thread has used 50 ms of CPU, however busy the machine is.
                    let start = threadCPUNanoseconds()
                    var spins = 0
                    while threadCPUNanoseconds() - start < 50_000_000 { spins &+= 1 }
                    Lanes.attribute("spins", String(spins))
                }
            }
        }
        let sleeping = trace.span(named: "sleeping")
        let computing = trace.span(named: "computing")
        for span in [sleeping, computing] {
            #expect(trace.spanKind[span] == .sync)
            #expect(trace.spanFlags[span].contains(.onExecutor))
            #expect(trace.duration(ofSpan: span) >= 45_000_000)
        }
        #expect(trace.cpuNanoseconds(ofSpan: sleeping)! < 20_000_000, "sleeping uses little CPU")
        #expect(trace.cpuNanoseconds(ofSpan: computing)! >= 50_000_000, "spinning uses CPU")
        #expect(trace.attribute("spins", ofSpan: computing) != nil)
    }

    @Test("runSync from a task is marked on-executor and parents the work it drives")
    func runSync() async throws {
        let trace = try await Self.record {
            await Lanes.span("async caller") {
                let value = Lanes.runSync("bridge") {
                    await Lanes.span("driven") {
                        try? await Task.sleep(for: .milliseconds(10))
                        return 7
                    }
                }
                #expect(value == 7)
            }
        }
        let bridge = trace.span(named: "bridge")
        #expect(trace.spanKind[bridge] == .runSync)
        #expect(trace.spanFlags[bridge].contains(.onExecutor))
        #expect(trace.parentName(of: bridge) == "async caller")
        #expect(trace.childNames(of: bridge) == ["driven"])
        #expect(trace.duration(ofSpan: bridge) >= trace.duration(ofSpan: trace.span(named: "driven")))
    }

    @Test("runSync does not deadlock when every executor thread is blocked in it")
    func runSyncUnderStarvation() async throws {
        let trace = try await Self.record {
            try await Lanes.withTaskStates(threads: 2) {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<4 {
                        group.addTask {
                            try Lanes.runSync("bridge \(index)") {
                                try await Lanes.span("inner \(index)") {
                                    try await Task.sleep(for: .milliseconds(20))
                                    // A child task of the driven work must find a thread too.
                                    async let nested = Lanes.span("nested \(index)") { index }
                                    return await nested
                                }
                            }
                        }
                    }
                    var sum = 0
                    for try await value in group { sum += value }
                    #expect(sum == 6)
                }
            }
        }
        for index in 0..<4 {
            #expect(trace.parentName(of: trace.span(named: "inner \(index)")) == "bridge \(index)")
            #expect(trace.parentName(of: trace.span(named: "nested \(index)")) == "inner \(index)")
        }
    }

    @Test("nested handlers are separate roots named after the handler and label")
    func nestedHandlers() async throws {
        let inner = Lanes.handler("lookup", label: { (key: String, _: Int) in key }) { (key: String, times: Int) in
            await Lanes.span("read") { String(repeating: key, count: times) }
        }
        let outer = Lanes.handler("on_request") { (id: Int) async throws -> String in
            try await Lanes.span("prepare") { try await Task.sleep(for: .milliseconds(1)) }
            return await inner("k\(id)", 2)
        }
        var reply = ""
        let trace = try await Self.record { reply = try await outer(9) }
        #expect(reply == "k9k9")
        let outerSpan = trace.span(named: "on_request")
        let innerSpan = trace.span(displayed: "lookup \"k9\"")
        #expect(trace.spanKind[outerSpan] == .handler && trace.spanKind[innerSpan] == .handler)
        #expect(trace.parent(ofSpan: outerSpan) == nil && trace.parent(ofSpan: innerSpan) == nil, "\(trace.outline)")
        #expect(trace.childNames(of: outerSpan) == ["prepare"])
        #expect(trace.childNames(of: innerSpan) == ["read"])
        #expect(trace.attribute("label", ofSpan: innerSpan) == "k9")
        #expect(trace.name(ofSpan: innerSpan) == "lookup", "the label is an attribute, not part of the name")
    }

    @Test("errors become the span's status and message, and are rethrown unchanged")
    func errors() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "the pipe broke" } }
        let trace = try await Self.record {
            await #expect(throws: Broken.self) {
                try await Lanes.span("async failure") { throw Broken() }
            }
            #expect(throws: Broken.self) {
                try Lanes.syncSpan("sync failure") { throw Broken() }
            }
        }
        for name in ["async failure", "sync failure"] {
            let span = trace.span(named: name)
            #expect(trace.spanStatus[span] == .error)
            #expect(trace.attribute("error", ofSpan: span) == "the pipe broke")
        }
        #expect(trace.cpuNanoseconds(ofSpan: trace.span(named: "sync failure")) != nil)
    }

    @Test("parents stay right across thread hops")
    func threadHops() async throws {
        let trace = try await Self.record {
            await Lanes.withTaskStates(threads: 2) {
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<6 {
                        group.addTask {
                            await Lanes.span("worker \(index)") {
                                for step in 0..<5 {
                                    try? await Task.sleep(for: .milliseconds(2))
                                    Lanes.syncSpan("step \(index).\(step)") {}
                                }
                            }
                        }
                    }
                }
            }
        }
        var hopped = false
        for index in 0..<6 {
            let worker = trace.span(named: "worker \(index)")
            #expect(trace.childNames(of: worker) == (0..<5).map { "step \(index).\($0)" })
            let threads = Set(trace.children(ofSpan: worker).map { trace.spanThread[Int($0)] })
            if threads.count > 1 { hopped = true }
            for child in trace.children(ofSpan: worker) {
                #expect(trace.spanTask[Int(child)] == trace.spanTask[worker])
            }
        }
        #expect(hopped, "no worker resumed on another thread:\n\(trace.outline)")
    }

    @Test("tasks carry their Task.name and executor threads are marked")
    func names() async throws {
        let trace = try await Self.record {
            await Lanes.withTaskStates(threads: 1) {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask(name: "named worker") { await Lanes.span("work") {} }
                }
            }
        }
        let work = trace.span(named: "work")
        #expect(trace.tasks[Int(trace.spanTask[work])].name == "named worker")
        let thread = Int(trace.spanThread[work])
        #expect(trace.threads[thread].isExecutor)
        #expect(trace.threads[thread].name == "lanes-executor-1", "\(trace.threads) \(thread)")
    }
}

/// CPU time used by the calling thread, read independently of Lanes.
func threadCPUNanoseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
}
