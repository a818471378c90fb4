import LanesFormat
import LanesModel
#if canImport(Glibc)
import Glibc
#endif

/// `LanesBenchmarks format [SPANS] [RUNS]`: bytes per span in `.lanes` and in Chrome JSON, write
/// and read throughput, and memory per loaded span.
enum FormatBenchmark {
    static func run(arguments: [String]) async throws {
        let spanCount = arguments.first.flatMap(Int.init) ?? 1_000_000
        let runs = arguments.dropFirst().first.flatMap(Int.init) ?? 5
        if arguments.contains("--read-only") {
            // For profilers: only the read, many times.
            let bytes = LanesTraceWriter.encode(SyntheticTraces.nestedAsync(spanCount: spanCount))
            let seconds = median(runs) { _ = try! LanesFileReader.read(bytes: bytes, path: "bench.lanes") }
            print("read into Trace \(format(seconds * 1e9 / Double(spanCount))) ns/span")
            return
        }
        print("format benchmark: \(spanCount) spans, \(runs) runs, medians")
        let trace = SyntheticTraces.nestedAsync(spanCount: spanCount)
        print("  trace                \(trace.spanCount) spans in \(trace.tasks.count) tasks, \(trace.slices.count) task-state slices")
        let spansOnly = SyntheticTraces.nestedAsync(spanCount: spanCount, withSlices: false)
        let spansOnlyEncoded = LanesTraceWriter.encode(spansOnly)
        let spansOnlyBytes = spansOnlyEncoded.count
        if let dump = getenv("LANES_BENCHMARK_DUMP") {
            let file = fopen(dump, "w")
            _ = spansOnlyEncoded.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }

        var bytes: [UInt8] = []
        let writeSeconds = median(runs) { bytes = LanesTraceWriter.encode(trace) }
        let lanesBytesPerSpan = Double(bytes.count) / Double(trace.spanCount)
        let chromeBytes = ChromeTraceExporter.export(spansOnly).count
        let chromeBytesPerSpan = Double(chromeBytes) / Double(spansOnly.spanCount)

        var loaded = Trace.empty
        let readSeconds = median(runs) {
            loaded = try! LanesFileReader.read(bytes: bytes, path: "bench.lanes").trace
        }
        precondition(loaded == trace, "the benchmark trace must round-trip")
        loaded = Trace.empty
        let before = residentBytes()
        loaded = try LanesFileReader.read(bytes: bytes, path: "bench.lanes").trace
        let after = residentBytes()
        let memoryPerSpan = Double(loaded.memoryFootprint) / Double(loaded.spanCount)
        let residentPerSpan = Double(after - before) / Double(loaded.spanCount)

        print("  .lanes size          \(spansOnlyBytes) bytes = \(format(Double(spansOnlyBytes) / Double(spanCount))) bytes/span for spans alone (target ≤ 12)")
        print("  .lanes with slices   \(bytes.count) bytes = \(format(lanesBytesPerSpan)) bytes/span with \(trace.slices.count) task-state slices, \(format(Double(bytes.count - spansOnlyBytes) / Double(max(1, trace.slices.count)))) bytes/slice")
        let spansOnlyPerSpan = Double(spansOnlyBytes) / Double(spanCount)
        print("  Chrome JSON size     \(chromeBytes) bytes = \(format(chromeBytesPerSpan)) bytes/span for the same spans; .lanes is \(format(chromeBytesPerSpan / spansOnlyPerSpan))× smaller (target ≥ 8×)")
        print("  write                \(format(writeSeconds * 1000)) ms = \(format(Double(trace.spanCount) / writeSeconds / 1e6)) M spans/s")
        print("  read into Trace      \(format(readSeconds * 1000)) ms = \(format(Double(trace.spanCount) / readSeconds / 1e6)) M spans/s = \(format(readSeconds * 1e9 / Double(trace.spanCount))) ns/span (target ≥ 10 M/s)")
        let spansOnlyLoaded = try LanesFileReader.read(bytes: spansOnlyEncoded, path: "spans.lanes").trace
        let spansOnlyMemory = Double(spansOnlyLoaded.memoryFootprint) / Double(spansOnlyLoaded.spanCount)
        print("  memory once loaded   \(format(spansOnlyMemory)) bytes/span held by a Trace of spans alone (target ≤ 48); \(format(memoryPerSpan)) bytes/span with the slices; resident set grew \(format(residentPerSpan)) bytes/span while loading")
        withExtendedLifetime(loaded) {}
    }
}

/// Median wall time of `runs` runs of `body`, in seconds.
func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<max(1, runs) {
        let start = monotonicSeconds()
        try body()
        times.append(monotonicSeconds() - start)
    }
    times.sort()
    return times[times.count / 2]
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// The process's resident set size, from /proc/self/statm.
func residentBytes() -> Int {
    guard let file = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 128)
    guard fgets(&line, Int32(line.count), file) != nil else { return 0 }
    let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let fields = text.split(separator: " ")
    guard fields.count > 1, let resident = Int(fields[1]) else { return 0 }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func format(_ value: Double) -> String {
    let scaled = (value * 100).rounded() / 100
    return "\(scaled)"
}
