import Foundation
import LanesAnalysis
import LanesFormat
import LanesModel

/// `LanesBenchmarks diff [--sizes N,…] [--runs R]`: the cost of `lanes diff A B` (two loads, two
/// analyses, the match and the report) on two synthetic traces of 1M spans each (the second a
/// changed run: shorter calls, some renamed spans).
enum DiffBenchmark {
    static func run(arguments: [String]) async throws {
        let options = BenchmarkArguments(arguments, defaultSizes: [1_000_000])
        print("diff benchmark: 2 loads + 2 analyses + TraceDiff + report, release build, median of runs")
        for size in options.sizes {
            let pathA = try SyntheticTrace.writeTemporary(spanCount: size, variant: 0, label: "diff")
            defer { try? FileManager.default.removeItem(atPath: pathA) }
            let pathB = try SyntheticTrace.writeTemporary(spanCount: size, variant: 1, label: "diff")
            defer { try? FileManager.default.removeItem(atPath: pathB) }
            var loads: [Double] = []
            var analyses: [Double] = []
            var diffs: [Double] = []
            var totals: [Double] = []
            var matched = 0
            var processorTimes: [Double] = []
            for _ in 0..<options.runs {
                let clock = ContinuousClock()
                let processorStart = AnalysisBenchmark.processorSeconds()
                let start = clock.now
                let traceA = try TraceLoader.load(path: pathA).trace
                let traceB = try TraceLoader.load(path: pathB).trace
                let afterLoad = clock.now
                let analysisA = TraceAnalysis(trace: traceA)
                let analysisB = TraceAnalysis(trace: traceB)
                let afterAnalysis = clock.now
                let diff = TraceDiff(a: analysisA, b: analysisB)
                let lines = diff.lines(titleA: "a", titleB: "b")
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
                format: "diff 2 × %9d spans  loads %.3fs  analyses %.3fs  match+report %.3fs  total %.3fs  cpu %.3fs  (%d rows matched, median of %d)",
                size, AnalysisBenchmark.median(loads), AnalysisBenchmark.median(analyses),
                AnalysisBenchmark.median(diffs), AnalysisBenchmark.median(totals),
                AnalysisBenchmark.median(processorTimes), matched, options.runs))
        }
    }
}
