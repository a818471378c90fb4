// `swift run -c release LanesBenchmarks NAME [ARGS…]`: the benchmarks behind the README's numbers.
#if canImport(Glibc)
import Glibc
#endif

let benchmarks: [(name: String, summary: String, run: ([String]) async throws -> Void)] = [
    ("format", "[SPANS] [RUNS]: .lanes size, write/read speed, memory per span", FormatBenchmark.run),
    ("chrome", "Chrome JSON and OTLP JSON export/import throughput [SPANS] [RUNS]", ChromeBenchmark.run),
    ("otlp", "[SPANS] [RUNS]: OTLP JSON import (Lanes' export, SDK-shaped JSON Lines) vs Chrome JSON import of the same spans", OTLPBenchmark.run),
    ("analysis", "lanes summary cost (load + analysis + report) at 100k, 1M, 4M spans", AnalysisBenchmark.run),
    ("capture", "[SPANS] [SECONDS]: ns per span (sync, async, InMemoryTracer, clock floor), executor, sustained memory", CaptureBenchmark.run),
    ("diff", "lanes diff cost (two loads, analyses, match, report) on two 1M-span traces", DiffBenchmark.run),
    ("tracing", "ns per withSpan: LanesTracer vs InMemoryTracer, side by side [SPANS] [RUNS] [SHAPE]", TracingBenchmark.run),
    ("follow", "[SPANS] [LANES-BINARY]: lanes view --follow on a changing file in tmux: key latency, CPU share", FollowBenchmark.run),
    ("collect", "[BODY] [SECONDS] [RUNS] [CONNECTIONS]: lanes collect spans/s from a replayed real exporter body, and its stages alone", CollectBenchmark.run),
    ("viewer", "[SPANS] [RUNS]: lanes view first frame (load included) and frame times at 200x60", ViewerBenchmark.run),
    ("routes", "[REQUESTS] [RUNS] [CHILDREN]: lanes view's route view: first frame (load included) and frame times at 200x60", RouteViewBenchmark.run),
    ("memory", "[SPANS] [LANES-BINARY]: resident memory of lanes view on a server-shaped trace (bytes/span)", ViewerMemoryBenchmark.run),
    ("takeover", "[YIELDS] [PAIRS]: Task.yield() on the default executor vs Lanes' (job capture), fresh processes, alternating", TakeoverBenchmark.run),
    ("asyncio", "[EVENTS] [RUNS]: viztracer --log_async trace: recognition and rules against reading alone", AsyncioBenchmark.run),
    ("flight", "[SPANS] [RUNS]: flight-recorder span cost against a normal recording; dump of a 64 MiB window", FlightBenchmark.run),
    ("labels", "[COUNT]: resident memory with COUNT unique handler labels and attribute values, against the cap", LabelsBenchmark.run),
    ("worst-case", "[--sizes N,…] [--runs R]: ns per element reading the once-quadratic shapes at 100k and 1M", WorstCaseBenchmark.run),
    ("watchdog", "[SECONDS] [PAIRS]: the watchdog's CPU when nothing blocks (with/without, alternating children) and per sample", WatchdogBenchmark.run),
    ("watchdog-child", "(run by `watchdog`)", WatchdogBenchmarkChild.run),
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) else {
    print("usage: LanesBenchmarks NAME [ARGS…]\n\nbenchmarks:")
    for benchmark in benchmarks { print("  \(benchmark.name)\t\(benchmark.summary)") }
    exit(arguments.isEmpty ? 0 : 2)
}
try await benchmark.run(Array(arguments.dropFirst()))
