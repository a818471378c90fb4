import LanesAnalysis
import LanesFormat
import LanesModel
import LanesWorstCases

/// `LanesBenchmarks worst-case [--sizes N,…] [--runs R]`: reading and summarising the input shapes
/// that once took quadratic time, per element, at 100k and 1M elements, each beside the same
/// shape in the order writers produce (read in the same run). Linear or linearithmic reading
/// keeps the time per element about flat from 100k to 1M; quadratic reading would multiply it by 10.
enum WorstCaseBenchmark {
    static func run(arguments: [String]) async throws {
        let options = BenchmarkArguments(arguments, defaultSizes: [100_000, 1_000_000])
        print("worst-case benchmark: TraceLoader.load(bytes:) + TraceAnalysis + summary, release build, median of \(options.runs) runs")
        let shapes: [(name: String, element: String, make: (Int, Bool) -> [UInt8])] = [
            (".lanes identical slices after one out of order", "slice", WorstCaseInputs.identicalSlicesAfterOneOutOfOrder),
            ("Chrome async ends in begin order", "b/e pair", WorstCaseInputs.asyncEndsInBeginOrder),
        ]
        for shape in shapes {
            var perElement: [Int: Double] = [:]
            for size in options.sizes {
                let worst = shape.make(size, false)
                let baseline = shape.make(size, true)
                let worstRuns = (0..<options.runs).compactMap { _ in try? summarise(worst) }
                let baselineRuns = (0..<options.runs).compactMap { _ in try? summarise(baseline) }
                let worstSeconds = AnalysisBenchmark.median(worstRuns.map(\.wall))
                let baselineSeconds = AnalysisBenchmark.median(baselineRuns.map(\.wall))
                let worstProcessor = AnalysisBenchmark.median(worstRuns.map(\.processor))
                perElement[size] = worstSeconds / Double(size)
                print(String(
                    format: "%@  %9d %@s  %7.1f ns/%@ wall, %7.1f ns CPU  (in order: %7.1f ns/%@ wall, ratio %.2f)  %.1f MB",
                    shape.name, size, shape.element, worstSeconds / Double(size) * 1e9, shape.element,
                    worstProcessor / Double(size) * 1e9,
                    baselineSeconds / Double(size) * 1e9, shape.element, worstSeconds / baselineSeconds,
                    Double(worst.count) / 1e6))
            }
            if let small = options.sizes.first, let large = options.sizes.last, small != large,
               let smallTime = perElement[small], let largeTime = perElement[large] {
                print(String(format: "%@  time per element at %d over %d: %.2f× (quadratic would be %.0f×)",
                             shape.name, large, small, largeTime / smallTime, Double(large) / Double(small)))
            }
        }
    }

    /// Wall and process CPU seconds to load `bytes` and build the summary `lanes summary` prints
    /// (CPU time tells the work apart from waiting on a busy machine).
    static func summarise(_ bytes: [UInt8]) throws -> (wall: Double, processor: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let processorStart = AnalysisBenchmark.processorSeconds()
        let loaded = try TraceLoader.load(bytes: bytes, path: "worst-case")
        let summary = TraceSummary(analysis: TraceAnalysis(trace: loaded.trace))
        precondition(summary.spanCount >= 0)
        return (AnalysisBenchmark.seconds(clock.now - start), AnalysisBenchmark.processorSeconds() - processorStart)
    }
}
