import LanesAnalysis
import LanesFormat
import LanesModel
import LanesWriter
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The traces `Python/make_traces.py` writes, read and analysed, and the facts every test
/// checks against the Python programs' own source (file and line of each function).
struct AsyncioScenario {
    /// The package root, found from this file's path.
    static var packageRoot: String {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path
    }

    static var pythonDirectory: String { packageRoot + "/Tests/LanesAsyncioTests/Python" }
    static var fixtureDirectory: String { packageRoot + "/Tests/LanesAsyncioTests/Fixtures" }

    /// The line of `def NAME` (or `async def NAME`) in the test program `file`.
    static func definitionLine(of function: String, in file: String) throws -> Int {
        let source = try String(decoding: TraceLoader.readFile(path: pythonDirectory + "/" + file), as: UTF8.self)
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.hasPrefix("def \(function)(") || line.hasPrefix("async def \(function)(") {
            return index + 1
        }
        throw TraceFileError(.notATrace, path: file, reason: "no def \(function)")
    }

    /// The trace `name` in `directory`, loaded as every command loads it.
    static func load(_ name: String, from directory: String) throws -> TraceLoadResult {
        try TraceLoader.load(path: directory + "/" + name)
    }

    /// Findings of `rule`.
    static func findings(_ analysis: TraceAnalysis, _ rule: FindingRule) -> [Finding] {
        analysis.findings.filter { $0.rule == rule }
    }

    /// Checks everything the tests promise about the four traces in `directory`.
    static func check(directory: String) throws {
        try checkNaive(directory)
        try checkImproved(directory)
        try checkServer(directory)
        try checkPlain(directory)
        try checkDiff(directory)
    }

    static func checkNaive(_ directory: String) throws {
        let result = try load("naive.json", from: directory)
        let trace = result.trace
        #expect(result.warnings.isEmpty)
        #expect(trace.metadata.runtime == .asyncio)
        let taskNames = Set(trace.tasks.map(\.name))
        #expect(taskNames.isSuperset(of: ["heartbeat", "on_message alice", "on_message bob"]))
        // The loop's thread is an executor one thread wide; every step is a job on it.
        #expect(trace.threads.filter(\.isExecutor).map(\.name) == ["MainThread"])
        #expect(!trace.slices.isEmpty)
        #expect(trace.slices.allSatisfy { trace.threads[Int($0.thread)].isExecutor })

        let analysis = TraceAnalysis(trace: trace)
        #expect(analysis.executorThreadCount == 1)
        let waitFor = try definitionLine(of: "wait_for", in: "naive.py")
        let blocking = findings(analysis, .blockingCall)
        // wait_for(0.15), wait_for(0.25) and wait_for(0.12) in each of the two handlers.
        #expect(blocking.count == 6)
        for finding in blocking {
            #expect(finding.message.hasPrefix("wait_for at naive.py:\(waitFor) held the event loop for "))
            #expect(trace.name(ofSpan: Int(finding.span)) == "wait_for")
            let location = trace.codeLocation(ofSpan: Int(finding.span))
            #expect(location?.line == waitFor)
            #expect(location?.filePath.hasSuffix("/naive.py") == true)
            #expect(trace.spanKind[Int(finding.span)] == .sync)
            #expect(finding.advice.contains("asyncio.to_thread"))
        }
        let costs = blocking.map { Double($0.costNanoseconds) / 1e9 }.sorted()
        #expect(costs.count == 6 && costs[0] >= 0.119 && costs[5] >= 0.249 && costs[5] < 0.4)

        // await_for(0.1) then await_for(0.2), one after another, in each handler.
        let awaitFor = try definitionLine(of: "await_for", in: "naive.py")
        let onMessage = try definitionLine(of: "on_message", in: "naive.py")
        let sequential = findings(analysis, .sequentialAwaits).filter { $0.message.contains("in on_message") }
        #expect(sequential.count == 2)
        for finding in sequential {
            #expect(finding.relatedSpans.count == 2)
            for span in finding.relatedSpans {
                #expect(trace.name(ofSpan: Int(span)) == "await_for")
                #expect(trace.spanKind[Int(span)] == .async)
                #expect(trace.codeLocation(ofSpan: Int(span))?.line == awaitFor)
                let parent = Int(trace.spanParent[Int(span)])
                #expect(trace.name(ofSpan: parent) == "on_message" && trace.spanKind[parent] == .handler)
                #expect(trace.codeLocation(ofSpan: parent)?.line == onMessage)
            }
            #expect(finding.advice.contains("asyncio.gather"))
            // Saving: the shorter await, at least its 0.1 s sleep.
            #expect(finding.costNanoseconds >= 99_000_000 && finding.costNanoseconds < 200_000_000)
        }

        // The loop was held; bob's first step waited behind alice's blocking one.
        let stalls = findings(analysis, .executorStall)
        #expect(!stalls.isEmpty)
        #expect(stalls.allSatisfy { $0.message.hasPrefix("the event loop stalled for ") })
        #expect(stalls.contains { $0.message.contains("ready job") && $0.message.contains("wait_for at naive.py:\(waitFor)") })
        #expect(analysis.queuedNanoseconds >= 140_000_000)
    }

    static func checkImproved(_ directory: String) throws {
        let trace = try load("improved.json", from: directory).trace
        #expect(trace.metadata.runtime == .asyncio)
        let analysis = TraceAnalysis(trace: trace)
        #expect(findings(analysis, .sequentialAwaits).filter { $0.message.contains("in on_message") }.isEmpty)
        // The first wait_for and the run_sync-like one stay on the loop; the 0.25 s one went to a
        // worker thread and is not a blocking call.
        let waitFor = try definitionLine(of: "wait_for", in: "improved.py")
        let all = findings(analysis, .blockingCall)
        let blocking = all.filter { $0.message.hasPrefix("wait_for at improved.py:\(waitFor) held the event loop") }
        #expect(blocking.count == 4, "\(all.map(\.message))")
        // Besides, only the loop starting run_in_executor's worker thread, which a loaded machine
        // can stretch past the 20 ms threshold (Thread.start waits for the new thread to run).
        #expect(all.count - blocking.count <= 1, "\(all.map(\.message))")
        #expect(all.filter { !blocking.map(\.message).contains($0.message) }
            .allSatisfy { $0.message.hasPrefix("Thread.start at threading.py") && $0.costNanoseconds < 100_000_000 },
            "\(all.map(\.message))")
        // Each is one 0.1 s sleep, not the 0.25 s one that went to a worker (a loaded machine can
        // stretch a 0.1 s sleep, so the bound sits just under 0.25 s).
        #expect(blocking.allSatisfy { $0.costNanoseconds < 245_000_000 }, "\(blocking.map(\.costNanoseconds))")
        let workerSleeps = (0..<trace.spanCount).filter {
            trace.name(ofSpan: $0) == "wait_for" && !trace.threads[Int(trace.spanThread[$0])].isExecutor
        }
        #expect(workerSleeps.count == 2)
        #expect(workerSleeps.allSatisfy { trace.duration(ofSpan: $0) >= 249_000_000 })
        // The gathered awaits ran as tasks of their own, overlapping.
        let gathered = (0..<trace.spanCount).filter { trace.spanParent[$0] < 0 && trace.name(ofSpan: $0) == "await_for" }
        #expect(gathered.count == 4)
        let overlapping = gathered.contains { first in
            gathered.contains { second in
                first != second && trace.spanBegin[first] < trace.spanEnd[second] && trace.spanBegin[second] < trace.spanEnd[first]
            }
        }
        #expect(overlapping)
        #expect(analysis.maxOverlap >= 3)
    }

    static func checkServer(_ directory: String) throws {
        let trace = try load("server.json", from: directory).trace
        #expect(trace.metadata.runtime == .asyncio)
        let analysis = TraceAnalysis(trace: trace)
        let render = try definitionLine(of: "render_report", in: "server.py")
        let blocking = findings(analysis, .blockingCall)
        // One /report request per round, two rounds.
        #expect(blocking.count == 2)
        #expect(blocking.allSatisfy { $0.message.hasPrefix("render_report at server.py:\(render) held the event loop for 2") && $0.message.contains("ms") })
        for finding in blocking {
            // Inside the connection's handler task, which served eight connections in all.
            var span = Int(finding.span)
            while let parent = trace.parent(ofSpan: span) { span = parent }
            #expect(trace.name(ofSpan: span) == "handle")
        }
        let handlers = trace.roots.filter { trace.name(ofSpan: Int($0)) == "handle" }
        #expect(handlers.count == 8)
        #expect(findings(analysis, .executorStall).contains { $0.message.contains("render_report at server.py:\(render)") })
        #expect(findings(analysis, .sequentialAwaits).isEmpty)
    }

    static func checkPlain(_ directory: String) throws {
        let result = try load("naive-plain.json", from: directory)
        #expect(result.warnings.map(\.message).contains(AsyncioTraceConverter.missingLogAsyncHint.message))
        #expect(result.warnings.contains { $0.message.contains("viztracer --log_async") })
        #expect(result.trace.metadata.runtime == .swift)
        #expect(result.trace.slices.isEmpty)
        let analysis = TraceAnalysis(trace: result.trace)
        #expect(analysis.findings.isEmpty)
        #expect(analysis.skippedRules.contains { $0.rule == .blockingCall })
    }

    static func checkDiff(_ directory: String) throws {
        let naive = try load("naive.json", from: directory).trace
        let improved = try load("improved.json", from: directory).trace
        let diff = TraceDiff(a: naive, b: improved)
        #expect(improved.wallNanoseconds < naive.wallNanoseconds)
        #expect(diff.incomparableRules.isEmpty)
        // Findings are compared by rule and site: fewer occurrences at a site count as resolved ones.
        func resolved(_ rule: FindingRule) -> Int {
            diff.findings.filter { $0.rule == rule }.reduce(0) { $0 + max(0, $1.countA - $1.countB) }
        }
        #expect(resolved(.sequentialAwaits) == 2)
        // wait_for(0.25) in each handler went to a worker thread.
        #expect(resolved(.blockingCall) >= 2)
        // Nothing new but, on a loaded machine, the loop starting run_in_executor's worker thread.
        #expect(diff.newFindings.filter { ($0.rule == .blockingCall && !$0.site.hasPrefix("Thread.start at threading.py")) || $0.rule == .sequentialAwaits }.isEmpty)
        #expect(diff.analysisB.blockedNanoseconds < diff.analysisA.blockedNanoseconds)
    }
}
