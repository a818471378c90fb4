import LanesModel

/// Random traces with every feature the model has: nesting across tasks, all kinds, statuses,
/// flags, CPU times, attributes, instants, slices, hostile names.
enum RandomTraces {
    static let names = ["on_message", "wait_for(3)", "await_for(2)", "gather", "tick", "db.query",
                        "名前", "esc\u{1B}[31mred", "", "tab\there", String(repeating: "long", count: 40)]

    static func make(seed: UInt64, spanCount: Int = 200) -> Trace {
        var random = SplitMix64(seed: seed)
        var builder = TraceBuilder(metadata: TraceMetadata(
            processName: "proc-\(seed)", processID: UInt32(seed % 60000), clockAtStart: 1_000_000,
            unixNanosecondsAtClock: 1_700_000_000_000_000_000, sourceFormat: "lanes"))
        let threadCount = Int.random(in: 1...4, using: &random)
        var threads: [Int32] = []
        for index in 0..<threadCount {
            let name: String = index == 0 ? "main" : "executor \(index)"
            threads.append(builder.thread(id: UInt64(100 + index), name: name, isExecutor: index > 0))
        }
        let taskCount = Int.random(in: 1...6, using: &random)
        var tasks: [Int32] = []
        for index in 0..<taskCount {
            let name: String = index % 2 == 0 ? "task-\(index)" : ""
            tasks.append(builder.task(id: UInt64(index + 1), name: name))
        }
        var spans: [Int32] = []
        for _ in 0..<spanCount {
            let begin = Int64.random(in: 1_000_000...1_000_000 + 50_000_000, using: &random)
            let duration = Bool.random(using: &random) ? 0 : Int64.random(in: 0...5_000_000, using: &random)
            let kind = SpanKind.allCases.randomElement(using: &random)!
            let name = builder.intern(names.randomElement(using: &random)!)
            let parent = spans.isEmpty || Int.random(in: 0..<4, using: &random) == 0 ? -1 : spans.randomElement(using: &random)!
            var flags: SpanFlags = []
            if Bool.random(using: &random) { flags.insert(.onExecutor) }
            let instant = Int.random(in: 0..<10, using: &random) == 0
            if instant { flags.insert(.instant) }
            let status: SpanStatus = [.ok, .ok, .ok, .error, .unfinished].randomElement(using: &random)!
            let span = builder.addSpan(
                name: name, kind: instant ? .unknown : kind, begin: begin, end: instant ? begin : begin + duration,
                parent: parent, task: tasks.randomElement(using: &random)!,
                thread: Int.random(in: 0..<8, using: &random) == 0 ? -1 : threads.randomElement(using: &random)!,
                status: instant ? .ok : status, flags: flags)
            if kind == .sync && Bool.random(using: &random) {
                builder.setCPUTime(of: span, nanoseconds: Int64.random(in: 0...duration + 1, using: &random))
            }
            if Int.random(in: 0..<5, using: &random) == 0 {
                builder.addAttribute(to: span, key: "label", value: "v\(Int.random(in: 0..<5, using: &random))")
                builder.addAttribute(to: span, key: "zeta", value: "\u{7}bell")
            }
            spans.append(span)
        }
        for _ in 0..<Int.random(in: 0...40, using: &random) {
            let started = Int64.random(in: 1_000_000...40_000_000, using: &random)
            builder.addSlice(
                task: tasks.randomElement(using: &random)!, thread: threads.randomElement(using: &random)!,
                enqueued: started - Int64.random(in: 0...1_000_000, using: &random), started: started,
                ended: started + Int64.random(in: 0...2_000_000, using: &random))
        }
        return builder.build()
    }
}
