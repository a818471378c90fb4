import LanesAnalysis
import LanesFormat
import LanesModel
import LanesViewer

#if canImport(Glibc)
import Glibc
import LanesWriter
#endif

/// `swift run -c release LanesBenchmarks viewer [SPANS] [RUNS]`: how long `lanes view` takes to
/// show its first frame (load, analysis, indexes, first render) and how long every later frame
/// takes at 200×60, zoomed out, in the middle and as deep as it goes.
enum ViewerBenchmark {
    static let size = GridSize(width: 200, height: 60)

    static func run(arguments: [String]) async throws {
        let spanCount = arguments.first.flatMap { Int($0) } ?? 1_000_000
        let runs = max(1, arguments.dropFirst().first.flatMap { Int($0) } ?? 5)
        print("viewer benchmark: \(spanCount) spans, \(size.width)×\(size.height) cells, medians of \(runs) runs (release build)")

        let path = (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/lanes-viewer-benchmark-\(getpid()).lanes"
        defer { unlink(path) }
        try write(LanesTraceWriter.encode(SyntheticTraces.nestedAsync(spanCount: spanCount)), to: path)

        let (document, firstFrame) = try measureFirstFrame(path: path, runs: runs)
        print("  first frame          \(firstFrame)")
        print("  trace                \(document.trace.spanCount) spans in \(document.trace.tasks.count) lanes, \(document.trace.slices.count) task-state slices")

        var state = ViewState(document: document, size: size, theme: .utf8)
        let full = document.fullWindow
        let middle = full.start + full.duration / 2
        // Scroll the tree to lanes that are busy in the middle of the trace, so zoomed frames draw bars.
        if let busyRow = state.rows.firstIndex(where: { row in
            guard case .lane(let lane) = row.content else {
                if let span = row.span { return document.trace.spanEnd[Int(span)] >= middle }
                return false
            }
            return document.trace.laneRanges[Int(lane)].lowerBound < document.trace.laneRanges[Int(lane)].upperBound
                && document.trace.spanEnd[Int(document.trace.laneRanges[Int(lane)].lowerBound)] >= middle
        }) {
            state.firstRow = busyRow
            state.selectedRow = busyRow
        }
        let cases: [(String, Int64, Int64, ViewMode)] = [
            ("fit all", full.start, full.duration, .tasks),
            ("mid zoom (1/1000)", middle - full.duration / 2_000, max(1, full.duration / 1_000), .tasks),
            ("deepest zoom (1 ns/col)", middle, Int64(state.layout.timelineWidth), .tasks),
            ("by thread, fit all", full.start, full.duration, .threads),
            ("by thread, mid zoom", middle - full.duration / 2_000, max(1, full.duration / 1_000), .threads),
        ]
        for (name, start, duration, mode) in cases {
            var framed = state
            framed.windowStart = start
            framed.windowDuration = duration
            if mode != framed.mode { _ = framed.update(.toggleMode, document: document) }
            let frames = 50
            var times: [Double] = []
            var filled = 0
            for _ in 0..<runs {
                let begin = monotonicSeconds()
                for _ in 0..<frames { filled = ViewRenderer.render(framed, document, size: size).cells.count { $0.scalar != " " } }
                times.append((monotonicSeconds() - begin) / Double(frames))
            }
            print("  frame, \(pad(name, 24)) \(milliseconds(times, decimals: 2)) ms (target ≤ 5; \(filled) cells drawn)")
        }

        // One lane with a million tiny spans under one root: the merged-cell path.
        let flat = flatTrace(spanCount: spanCount)
        let flatDocument = ViewerDocument(trace: flat, analysis: TraceAnalysis(trace: flat), title: "flat")
        var flatState = ViewState(document: flatDocument, size: size, theme: .utf8)
        flatState.expandedSpans.insert(flatDocument.trace.roots[0])
        flatState.rebuildRows(flatDocument)
        for (name, divisor) in [("1 lane, fit all", Int64(1)), ("1 lane, mid zoom", 1_000)] {
            var framed = flatState
            let window = flatDocument.fullWindow
            framed.windowDuration = max(1, window.duration / divisor)
            framed.windowStart = window.start + window.duration / 2 - framed.windowDuration / 2
            var times: [Double] = []
            for _ in 0..<runs {
                let begin = monotonicSeconds()
                for _ in 0..<50 { _ = ViewRenderer.render(framed, flatDocument, size: size) }
                times.append((monotonicSeconds() - begin) / 50)
            }
            print("  frame, \(pad(name, 24)) \(milliseconds(times, decimals: 2)) ms (target ≤ 5; \(flat.spanCount) spans merged into counted cells)")
        }
    }

    /// What `lanes view` does before its first frame, `runs` times: read `path`, analyse, build the
    /// viewer's indexes, build the rows and render at 200×60. Returns the last document and a line
    /// with the medians of each stage.
    static func measureFirstFrame(path: String, runs: Int, check: (ViewState) -> Void = { _ in }) throws -> (ViewerDocument, String) {
        var load: [Double] = [], index: [Double] = [], firstRender: [Double] = [], total: [Double] = []
        var processor: [Double] = []
        var document: ViewerDocument?
        for _ in 0..<max(1, runs) {
            let processorStart = AnalysisBenchmark.processorSeconds()
            let start = monotonicSeconds()
            let trace = try TraceLoader.load(path: path).trace
            let loaded = monotonicSeconds()
            // As `lanes view` does: the analysis on another thread beside the trace's own indexes.
            let built = ViewerDocument(analysing: trace, title: "benchmark.lanes")
            let indexed = monotonicSeconds()
            let state = ViewState(document: built, size: size, theme: .utf8)
            let grid = ViewRenderer.render(state, built, size: size)
            let drawn = monotonicSeconds()
            precondition(grid.width == size.width)
            check(state)
            load.append(loaded - start)
            index.append(indexed - loaded)
            firstRender.append(drawn - indexed)
            total.append(drawn - start)
            // CPU time tells a shared machine's waiting apart from the work itself.
            processor.append(AnalysisBenchmark.processorSeconds() - processorStart)
            document = built
        }
        let line = "\(milliseconds(total)) ms after start (target ≤ 1000): read \(milliseconds(load)) ms, analysis and viewer indexes (at once) \(milliseconds(index)) ms, rows + first render \(milliseconds(firstRender)) ms; CPU \(milliseconds(processor)) ms"
        return (document!, line)
    }

    /// One task: a root and `spanCount − 1` back-to-back 1 µs children sharing a name.
    static func flatTrace(spanCount: Int) -> Trace {
        var builder = TraceBuilder()
        builder.reserveSpans(spanCount)
        let task = builder.task(id: 1, name: "ticker")
        let name = builder.intern("tick")
        let root = builder.addSpan(name: builder.intern("ticker"), kind: .async, begin: 0, end: Int64(spanCount) * 2_000, task: task)
        for index in 1..<max(2, spanCount) {
            let begin = Int64(index) * 2_000
            builder.addSpan(name: name, kind: .async, begin: begin, end: begin + 1_000, parent: root, task: task)
        }
        return builder.build()
    }

    static func milliseconds(_ seconds: [Double], decimals: Int = 0) -> String {
        let sorted = seconds.sorted()
        return DisplayText.decimal(sorted[sorted.count / 2] * 1_000, digits: decimals)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else { throw TraceFileError(.inputOutput, path: path, reason: "cannot create the benchmark file") }
        defer { fclose(file) }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    }
}
