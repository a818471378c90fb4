import Foundation
import LanesAnalysis
import LanesFormat
import LanesModel
import LanesSynthetic

/// `LanesBenchmarks diff [--sizes N,…] [--runs R]`: the cost of `lanes diff A B` (two loads, two
/// analyses, the match, the per-route statistics and rank tests, and the report) on two
/// server-shaped traces of N spans each (N / 2 requests of three routes; in B one route is twice
/// as slow).
enum DiffBenchmark {
    static func run(arguments: [String]) async throws {
        let options = BenchmarkArguments(arguments, defaultSizes: [1_000_000])
        print("diff benchmark: 2 loads at once, 2 analyses at once + TraceDiff, report; release build, median of runs")
        for size in options.sizes {
            let pathA = try writeServerTrace(requests: size / 2, slowdown: 1, seed: 1)
            defer { try? FileManager.default.removeItem(atPath: pathA) }
            let pathB = try writeServerTrace(requests: size / 2, slowdown: 2, seed: 2)
            defer { try? FileManager.default.removeItem(atPath: pathB) }
            var loads: [Double] = []
            var analyses: [Double] = []
            var diffs: [Double] = []
            var totals: [Double] = []
            var matched = 0
            var verdict = ""
            var processorTimes: [Double] = []
            for _ in 0..<options.runs {
                let clock = ContinuousClock()
                let processorStart = AnalysisBenchmark.processorSeconds()
                let start = clock.now
                // As `lanes diff` does: the two loads at once, then the two analyses at once.
                let (loadedA, loadedB) = TraceLoader.load(pathA: pathA, pathB: pathB)
                let traceA = try loadedA.get().trace
                let traceB = try loadedB.get().trace
                let afterLoad = clock.now
                let diff = TraceDiff(a: traceA, b: traceB)
                let afterAnalysis = clock.now
                let report = DiffReport(diff)
                let lines = report.lines()
                verdict = report.verdict.headline
                let afterDiff = clock.now
                processorTimes.append(AnalysisBenchmark.processorSeconds() - processorStart)
                precondition(!lines.isEmpty)
                matched = diff.rows.lazy.filter(\.isMatched).count
                loads.append(AnalysisBenchmark.seconds(afterLoad - start))
                analyses.append(AnalysisBenchmark.seconds(afterAnalysis - afterLoad))
                diffs.append(AnalysisBenchmark.seconds(afterDiff - afterAnalysis))
                totals.append(AnalysisBenchmark.seconds(afterDiff - start))
            }
            print(String(
                format: "diff 2 × %9d spans  loads %.3fs  analyses+match %.3fs  report %.3fs  total %.3fs  cpu %.3fs  (%d rows matched, median of %d)",
                size, AnalysisBenchmark.median(loads), AnalysisBenchmark.median(analyses),
                AnalysisBenchmark.median(diffs), AnalysisBenchmark.median(totals),
                AnalysisBenchmark.median(processorTimes), matched, options.runs))
            print("  verdict: \(verdict)")
        }
    }

    /// Writes a server trace of `requests` requests of three routes (`GET /search` `slowdown`
    /// times slower) to a temporary file and returns its path.
    static func writeServerTrace(requests: Int, slowdown: Double, seed: UInt64) throws -> String {
        let ms: Int64 = 1_000_000
        let load = ServerLoad(routes: [
            .init(name: "GET /users", median: 4 * ms, sigma: 0.4, share: 5),
            .init(name: "POST /orders", median: 20 * ms, sigma: 0.5, share: 2),
            .init(name: "GET /search", median: Int64(60 * slowdown) * ms, sigma: 0.6, share: 1),
        ], requests: requests, duration: 60_000_000_000, seed: seed)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-diff-\(requests)-\(seed)-\(getpid()).lanes")
        try Data(LanesTraceWriter.encode(ServerTrace.build(load))).write(to: url)
        return url.path
    }
}
