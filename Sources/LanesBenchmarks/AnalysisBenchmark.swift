import Foundation
import LanesAnalysis
import LanesFormat
import LanesModel

/// `LanesBenchmarks analysis [--sizes N,…] [--runs R] [--write PATH]`: the cost of
/// `lanes summary` (load + analysis + report) on synthetic traces of 100k, 1M and 4M spans.
///
/// With `--write PATH` it only writes one synthetic trace of the first size to PATH (to try
/// `lanes summary` by hand).
enum AnalysisBenchmark {
    static func run(arguments: [String]) async throws {
        let options = BenchmarkArguments(arguments, defaultSizes: [100_000, 1_000_000, 4_000_000])
        if let path = options.writePath {
            let bytes = LanesTraceWriter.encode(SyntheticTrace.make(spanCount: options.sizes[0], variant: options.variant))
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            print("wrote \(options.sizes[0]) spans to \(path)")
            return
        }
        print("analysis benchmark: load + TraceAnalysis + TraceSummary, release build, median of runs")
        for size in options.sizes {
            let path = try SyntheticTrace.writeTemporary(spanCount: size, variant: 0, label: "analysis")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let runs = size >= 4_000_000 ? max(1, options.runs / 2 + 1) : options.runs
            var loads: [Double] = []
            var analyses: [Double] = []
            var reports: [Double] = []
            var findingCount = 0
            var processorTimes: [Double] = []
            for _ in 0..<runs {
                let clock = ContinuousClock()
                let processorStart = processorSeconds()
                let start = clock.now
                let loaded = try TraceLoader.load(path: path)
                let afterLoad = clock.now
                let analysis = TraceAnalysis(trace: loaded.trace)
                let afterAnalysis = clock.now
                let lines = TraceSummary(analysis: analysis).lines(title: "bench")
                let afterReport = clock.now
                processorTimes.append(processorSeconds() - processorStart)
                findingCount = analysis.findings.count
                precondition(!lines.isEmpty)
                loads.append(seconds(afterLoad - start))
                analyses.append(seconds(afterAnalysis - afterLoad))
                reports.append(seconds(afterReport - afterAnalysis))
            }
            let totals = zip(zip(loads, analyses), reports).map { $0.0 + $0.1 + $1 }
            let total = median(totals)
            print(String(
                format: "analysis %9d spans  load %.3fs  analysis %.3fs  report %.3fs  total %.3fs  cpu %.3fs  (%.0f ns/span, %d findings, median of %d)",
                size, median(loads), median(analyses), median(reports), total, median(processorTimes),
                total / Double(size) * 1e9, findingCount, runs))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// CPU time used by this process so far: unlike wall time, it does not grow when other
    /// processes share the cores.
    static func processorSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// `--sizes`, `--runs`, `--write`, `--variant` for the analysis and diff benchmarks.
struct BenchmarkArguments {
    var sizes: [Int]
    var runs = 5
    var writePath: String?
    var variant = 0

    init(_ arguments: [String], defaultSizes: [Int]) {
        sizes = defaultSizes
        var index = 0
        while index < arguments.count {
            let value = index + 1 < arguments.count ? arguments[index + 1] : ""
            switch arguments[index] {
            case "--sizes":
                let parsed = value.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
                if !parsed.isEmpty { sizes = parsed }
                index += 1
            case "--runs": runs = max(1, Int(value) ?? runs); index += 1
            case "--write": writePath = value; index += 1
            case "--variant": variant = Int(value) ?? 0; index += 1
            default: break
            }
            index += 1
        }
    }
}

/// Synthetic traces shaped like a busy async server: 64 worker tasks handle requests one after
/// another; each request parses (sync, on an executor thread; every 1000th for 150 ms), awaits two
/// calls in sequence, gathers three concurrent parts that each decode synchronously, and renders.
/// Twelve spans a request, with the executor jobs (task-state slices) between the awaits.
enum SyntheticTrace {
    /// A trace of about `spanCount` spans. Variant 1 is a "changed" run for the diff benchmark:
    /// shorter calls, and every tenth request renders under a new name.
    static func make(spanCount: Int, variant: Int = 0, seed: UInt64 = 1) -> Trace {
        var builder = TraceBuilder(metadata: TraceMetadata(processName: "synthetic", sourceFormat: "lanes"))
        builder.reserveSpans(spanCount)
        var random = SplitMix64(seed: seed)
        let workerCount = 64
        let executors = (0..<4).map { builder.thread(id: UInt64($0 + 1), name: "executor \($0 + 1)", isExecutor: true) }
        let tasks = (0..<workerCount).map { builder.task(id: UInt64($0 + 1), name: "worker \($0 + 1)") }
        let name = { (text: String) in builder.intern(text) }
        let handlerName = name("on_request")
        let parseName = name("parse")
        let fetchName = name("fetch")
        let storeName = name("store")
        let gatherName = name("gather")
        let partName = name("part")
        let decodeName = name("decode")
        let renderName = name("render")
        let renderNewName = name("render_cached")
        let scale: Int64 = variant == 1 ? 8 : 10
        var clocks = [Int64](repeating: 1_000_000, count: workerCount)
        var request = 0
        while builder.spanCount + 12 <= spanCount {
            let worker = request % workerCount
            let task = tasks[worker]
            let thread = executors[worker % executors.count]
            func jitter(_ base: Int64) -> Int64 { base + Int64(random.next() % UInt64(base / 2 + 1)) }
            let begin = clocks[worker] + jitter(20_000)
            let handler = builder.addSpan(name: handlerName, kind: .handler, begin: begin, end: begin, task: task, thread: thread)
            var time = begin
            // Every 1000th request parses for 150 ms: blocking-call findings for the rules to find.
            let parseEnd = time + (request % 1_000 == 999 ? 150_000_000 : jitter(20_000))
            builder.addSpan(name: parseName, kind: .sync, begin: time, end: parseEnd, parent: handler, task: task, thread: thread, flags: .onExecutor)
            builder.addSlice(task: task, thread: thread, enqueued: time - 5_000, started: time, ended: parseEnd + 2_000)
            time = parseEnd + 1_000
            let fetchEnd = time + jitter(10_000 * scale)
            builder.addSpan(name: fetchName, kind: .async, begin: time, end: fetchEnd, parent: handler, task: task, thread: thread)
            time = fetchEnd
            let storeEnd = time + jitter(5_000 * scale)
            builder.addSpan(name: storeName, kind: .async, begin: time, end: storeEnd, parent: handler, task: task, thread: thread)
            builder.addSlice(task: task, thread: thread, enqueued: fetchEnd, started: fetchEnd + 3_000, ended: fetchEnd + 6_000)
            time = storeEnd + 1_000
            let gatherBegin = time
            var gatherEnd = time
            let gather = builder.addSpan(name: gatherName, kind: .gather, begin: gatherBegin, end: gatherBegin, parent: handler, task: task, thread: thread)
            for part in 0..<3 {
                let partBegin = gatherBegin + Int64(part) * 2_000
                let decodeEnd = partBegin + jitter(5_000)
                let partEnd = decodeEnd + jitter(8_000 * scale)
                let partSpan = builder.addSpan(name: partName, kind: .async, begin: partBegin, end: partEnd, parent: gather, task: task, thread: thread)
                builder.addSpan(name: decodeName, kind: .sync, begin: partBegin, end: decodeEnd, parent: partSpan, task: task, thread: thread, flags: .onExecutor)
                gatherEnd = max(gatherEnd, partEnd)
            }
            builder.endSpan(gather, at: gatherEnd)
            builder.addSlice(task: task, thread: thread, enqueued: storeEnd, started: storeEnd + 1_000, ended: gatherBegin + 12_000)
            time = gatherEnd + 1_000
            let renderEnd = time + jitter(10_000)
            let render = variant == 1 && request % 10 == 0 ? renderNewName : renderName
            builder.addSpan(name: render, kind: .sync, begin: time, end: renderEnd, parent: handler, task: task, thread: thread, flags: .onExecutor)
            builder.addSlice(task: task, thread: thread, enqueued: gatherEnd, started: gatherEnd + 1_000, ended: renderEnd)
            builder.endSpan(handler, at: renderEnd)
            clocks[worker] = renderEnd
            request += 1
        }
        return builder.build()
    }

    /// Writes a synthetic trace to a temporary `.lanes` file and returns its path.
    static func writeTemporary(spanCount: Int, variant: Int, label: String) throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("lanes-\(label)-\(spanCount)-\(variant)-\(getpid()).lanes")
        try Data(LanesTraceWriter.encode(make(spanCount: spanCount, variant: variant))).write(to: url)
        return url.path
    }
}
