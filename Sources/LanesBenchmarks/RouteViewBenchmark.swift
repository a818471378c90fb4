import Foundation
import LanesAnalysis
import LanesFormat
import LanesModel
import LanesSynthetic
import LanesViewer

/// `LanesBenchmarks routes [REQUESTS] [RUNS] [CHILDREN]`: the route view of a server trace of
/// REQUESTS requests of three routes (each with CHILDREN child spans, default 1, and two executor
/// jobs): the first frame after start, load included, and later frames at 200×60. With
/// LANES_BENCHMARK_KEEP=PATH the trace is also written to PATH.
enum RouteViewBenchmark {
    static func run(arguments: [String]) async throws {
        let requests = arguments.first.flatMap { Int($0) } ?? 1_000_000
        let runs = max(1, arguments.dropFirst().first.flatMap { Int($0) } ?? 5)
        let children = max(0, arguments.dropFirst(2).first.flatMap { Int($0) } ?? 1)
        let size = ViewerBenchmark.size
        var load = ViewerMemoryBenchmark.serverLoad(requests: requests)
        load.childSpans = children
        load.routes[2].slowdown = (from: 0.75, factor: 3)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-routes-benchmark-\(getpid()).lanes").path
        defer { unlink(path) }
        let generated = ServerTrace.build(load)
        try ViewerBenchmark.write(LanesTraceWriter.encode(generated), to: path)
        // To profile `lanes view` or `lanes diff` on the same trace: LANES_BENCHMARK_KEEP=out.lanes.
        if let keep = ProcessInfo.processInfo.environment["LANES_BENCHMARK_KEEP"] {
            try ViewerBenchmark.write(LanesTraceWriter.encode(generated), to: keep)
        }
        print("route view benchmark: \(requests) requests of 3 routes, \(generated.spanCount) spans, \(generated.slices.count) jobs, \(size.width)×\(size.height), medians of \(runs) runs (release build)")

        let (document, firstFrame) = try ViewerBenchmark.measureFirstFrame(path: path, runs: runs) { state in
            precondition(state.mode == .routes, "a server trace opens in the route view")
        }
        print("  first frame          \(firstFrame)")

        let state = ViewState(document: document, size: size, theme: .utf8)
        let full = document.fullWindow
        let middle = full.start + full.duration / 2
        var unfolded = state
        _ = unfolded.update(.moveToBottom, document: document)
        _ = unfolded.update(.activate, document: document)
        let cases: [(String, ViewState, Int64, Int64)] = [
            ("routes, fit all", state, full.start, full.duration),
            ("routes, mid zoom (1/1000)", state, middle - full.duration / 2_000, max(1, full.duration / 1_000)),
            ("routes, deepest zoom", state, middle, Int64(state.layout.timelineWidth)),
            ("slowest requests unfolded", unfolded, full.start, full.duration),
        ]
        for (name, base, start, duration) in cases {
            var framed = base
            framed.windowStart = start
            framed.windowDuration = duration
            let frames = 50
            var times: [Double] = []
            var processor: [Double] = []
            for _ in 0..<runs {
                let processorStart = AnalysisBenchmark.processorSeconds()
                let begin = monotonicSeconds()
                for _ in 0..<frames { _ = ViewRenderer.render(framed, document, size: size) }
                times.append((monotonicSeconds() - begin) / Double(frames))
                processor.append((AnalysisBenchmark.processorSeconds() - processorStart) / Double(frames))
            }
            print("  frame, \(ViewerBenchmark.pad(name, 26)) \(ViewerBenchmark.milliseconds(times, decimals: 2)) ms, CPU \(ViewerBenchmark.milliseconds(processor, decimals: 2)) ms (target ≤ 5)")
        }
    }
}
