import Foundation
import LanesModel
@testable import LanesFormat

/// Test helpers shared by the Chrome and OTLP tests: fixtures, random traces, and a canonical
/// description of a trace's spans that does not depend on index order.
enum ChromeTestSupport {
    /// The folder holding the hand-written fixtures.
    static let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func fixturePath(_ name: String) -> String {
        fixturesDirectory.appendingPathComponent(name).path
    }

    static func fixtureBytes(_ name: String) throws -> [UInt8] {
        try TraceLoader.readFile(path: fixturePath(name))
    }

    static func importChrome(_ text: String) throws -> (trace: Trace, warnings: [TraceReadWarning]) {
        try ChromeTraceImporter.read(bytes: Array(text.utf8), path: "test.json")
    }

    /// One line per span: its task, times, name, kind, status, flags, thread, CPU time,
    /// attributes and its parent's identity. Sorted, so two traces with the same spans compare
    /// equal whatever order their columns are in.
    static func canonicalSpans(_ trace: Trace) -> [String] {
        func identity(_ span: Int) -> String {
            "\(trace.tasks[Int(trace.spanTask[span])].id)@\(trace.spanBegin[span])-\(trace.spanEnd[span]) \(trace.name(ofSpan: span).debugDescription)"
        }
        return (0..<trace.spanCount).map { span in
            let task = trace.tasks[Int(trace.spanTask[span])]
            let thread = trace.spanThread[span] >= 0 ? trace.threads[Int(trace.spanThread[span])] : nil
            let attributes = trace.attributes(ofSpan: span).map { "\($0.key)=\($0.value)" }
            return [
                identity(span),
                "task \(task.name.debugDescription)",
                "kind \(trace.spanKind[span])",
                "status \(trace.spanStatus[span])",
                "flags \(trace.spanFlags[span].rawValue)",
                "thread \(thread.map { "\($0.id) \($0.name.debugDescription) \($0.isExecutor)" } ?? "none")",
                "cpu \(trace.cpuNanoseconds(ofSpan: span).map(String.init) ?? "none")",
                "attributes \(attributes.debugDescription)",
                "parent \(trace.parent(ofSpan: span).map(identity) ?? "none")",
            ].joined(separator: " | ")
        }.sorted()
    }

    /// One line per task-state slice: task, thread and times. Sorted.
    static func canonicalSlices(_ trace: Trace) -> [String] {
        trace.slices.map { slice in
            "\(trace.tasks[Int(slice.task)].id) \(trace.tasks[Int(slice.task)].name.debugDescription) on "
                + "\(trace.threads[Int(slice.thread)].id): \(slice.enqueued) \(slice.started) \(slice.ended)"
        }.sorted()
    }

    /// A random trace in the shapes Lanes records: handler roots with nested async and sync
    /// spans, child tasks whose roots have parents in other tasks, instants, CPU times, errors,
    /// attributes with hostile text, and overlapping siblings in one task.
    static func randomTrace(seed: UInt64, spansPerTask: Int = 12, withSlices: Bool = false) -> Trace {
        var random = SplitMix64(seed: seed)
        var builder = TraceBuilder(metadata: TraceMetadata(
            processName: "seed \"demo\"", processID: 4242, clockAtStart: 5_000_000_123,
            unixNanosecondsAtClock: 1_732_000_000_000_000_007))
        let threadCount = Int.random(in: 1...3, using: &random)
        var threads: [Int32] = []
        for index in 0..<threadCount {
            let name = index == 0 ? "main" : "executor \(index)"
            threads.append(builder.thread(id: UInt64(100 + index), name: name, isExecutor: index > 0))
        }
        let taskCount = Int.random(in: 1...4, using: &random)
        var allSpans: [Int32] = []
        let kinds: [SpanKind] = [.async, .sync, .makeAsync, .runSync, .gather, .poolWait, .unknown]
        for taskNumber in 0..<taskCount {
            let task = builder.task(id: UInt64(taskNumber + 1), name: taskNumber == 0 ? "on_message \"alice\"" : "task\u{1B}[31m\(taskNumber)")
            let rootBegin = 5_000_000_000 + Int64.random(in: 0...1_000_000, using: &random)
            let rootEnd = rootBegin + Int64.random(in: 10_000_000...50_000_000, using: &random)
            let rootParent = taskNumber > 0 && !allSpans.isEmpty ? allSpans.randomElement(using: &random)! : -1
            let root = builder.addSpan(
                name: builder.intern(taskNumber == 0 ? "on_message \"alice\"" : "child task"),
                kind: taskNumber == 0 ? .handler : .async, begin: rootBegin, end: rootEnd, parent: rootParent,
                task: task, thread: Bool.random(using: &random) ? threads[0] : -1)
            allSpans.append(root)
            var openParents: [(span: Int32, begin: Int64, end: Int64)] = [(root, rootBegin, rootEnd)]
            var cursor = rootBegin
            for index in 0..<spansPerTask {
                let parent = openParents.randomElement(using: &random)!
                let gap: Int64 = Int64.random(in: 0...900_001, using: &random)
                let length: Int64 = Int64.random(in: 0...3_000_007, using: &random)
                let begin: Int64 = min(parent.end, max(parent.begin, cursor) + gap)
                let end: Int64 = min(parent.end, begin + length)
                let kind = kinds.randomElement(using: &random)!
                let isInstant = index % 7 == 6
                let thread: Int32 = Bool.random(using: &random) || kind == .sync ? threads.randomElement(using: &random)! : -1
                var flags: SpanFlags = []
                if kind == .sync, Bool.random(using: &random) { flags.insert(.onExecutor) }
                if isInstant { flags.insert(.instant) }
                let status: SpanStatus = index % 5 == 4 ? .error : (index % 11 == 10 ? .unfinished : .ok)
                let span = builder.addSpan(
                    name: builder.intern(index % 3 == 0 ? "wait_for(\(index))" : "name \\ \"\(index)\"\n\u{7}"),
                    kind: kind, begin: begin, end: isInstant ? begin : end, parent: parent.span, task: task,
                    thread: thread, status: status, flags: flags)
                if index % 4 == 1 { builder.setCPUTime(of: span, nanoseconds: Int64.random(in: 0...1_000_000, using: &random)) }
                if index % 3 == 1 {
                    builder.addAttribute(to: span, key: "label", value: "v\(index) \u{2028}☃")
                    builder.addAttribute(to: span, key: "error", value: "boom")
                }
                allSpans.append(span)
                if !isInstant, Bool.random(using: &random) { openParents.append((span, begin, end)) }
                cursor = Bool.random(using: &random) ? end : begin
            }
        }
        // Task-state slices: jobs of each task on the executor threads, some waiting queued.
        var jobTime: Int64 = 5_000_000_000
        for _ in 0..<(withSlices ? Int.random(in: 3...12, using: &random) : 0) {
            let task = Int32.random(in: 0..<Int32(taskCount), using: &random)
            let thread = threads.randomElement(using: &random)!
            let queued: Int64 = Int64.random(in: 0...2_000_003, using: &random)
            let running: Int64 = Int64.random(in: 1...4_000_001, using: &random)
            builder.addSlice(task: task, thread: thread, enqueued: jobTime, started: jobTime + queued, ended: jobTime + queued + running)
            jobTime += Int64.random(in: 0...3_000_000, using: &random)
        }
        return builder.build()
    }
}
