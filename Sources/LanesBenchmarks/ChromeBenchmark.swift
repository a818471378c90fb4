import LanesFormat
import LanesModel

#if canImport(Glibc)
import Glibc
#endif

/// `swift run -c release LanesBenchmarks chrome [SPANS] [RUNS] [import-only]`: Chrome JSON and OTLP JSON
/// export and import throughput on a generated trace (nested async shapes, default 1,000,000
/// spans, median of 3 runs).
enum ChromeBenchmark {
    static func run(arguments: [String]) async throws {
        let spanCount = arguments.first.flatMap { Int($0) } ?? 1_000_000
        let runs = max(1, arguments.dropFirst().first.flatMap { Int($0) } ?? 3)
        let trace = generateTrace(spans: spanCount)
        print("chrome: generated \(trace.spanCount) spans in \(trace.tasks.count) tasks")

        var chrome: [UInt8] = []
        let exportSeconds = median(runs) { chrome = ChromeTraceExporter.export(trace) }
        let eventCount = chrome.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } - 1
        print("chrome export: \(format(Double(chrome.count) / Double(trace.spanCount))) bytes/span, "
            + "\(eventCount) events, \(rate(trace.spanCount, exportSeconds)) spans/s")
        var imported = Trace.empty
        let importSeconds = try median(runs) {
            imported = try ChromeTraceImporter.read(bytes: chrome, path: "bench.json").trace
        }
        let importCPU = lastMedianCPUSeconds
        print("chrome import: \(rate(eventCount, importSeconds)) events/s, \(rate(imported.spanCount, importSeconds)) spans/s "
            + "(\(format(importSeconds * 1000)) ms wall for \(chrome.count) bytes, median of \(runs)); "
            + "\(rate(eventCount, importCPU)) events per CPU-second")

        // `import-only` stops here (for profiling the importer).
        if arguments.contains("import-only") { return }

        let foreign = foreignShape(events: spanCount)
        let foreignSeconds = try median(runs) {
            imported = try ChromeTraceImporter.read(bytes: foreign, path: "bench-x.json").trace
        }
        print("chrome import (X events without args, tracer shape): \(rate(imported.spanCount, foreignSeconds)) events/s "
            + "(\(format(foreignSeconds * 1000)) ms wall); \(rate(imported.spanCount, lastMedianCPUSeconds)) events per CPU-second")

        let otlpTrace = generateTrace(spans: min(spanCount, 200_000))
        var otlp: [UInt8] = []
        let otlpExport = median(runs) { otlp = OTLPTraceExporter.export(otlpTrace) }
        let otlpImport = try median(runs) {
            imported = try OTLPTraceImporter.read(bytes: otlp, path: "bench.otlp.json").trace
        }
        print("otlp: \(otlpTrace.spanCount) spans, \(format(Double(otlp.count) / Double(otlpTrace.spanCount))) bytes/span, "
            + "export \(rate(otlpTrace.spanCount, otlpExport)) spans/s, import \(rate(imported.spanCount, otlpImport)) spans/s "
            + "(\(rate(imported.spanCount, lastMedianCPUSeconds)) per CPU-second)")
    }

    /// Handlers with nested async and sync children across a few threads, like a server's trace.
    static func generateTrace(spans: Int) -> Trace {
        var builder = TraceBuilder(metadata: TraceMetadata(processName: "bench", processID: 1, unixNanosecondsAtClock: 1_732_000_000_000_000_000))
        builder.reserveSpans(spans)
        let threads = (0..<4).map { builder.thread(id: UInt64($0 + 1), name: "worker \($0)", isExecutor: true) }
        let names = ["on_message", "await_for(2)", "wait_for(3)", "decode", "gather", "store"].map { builder.intern($0) }
        var time: Int64 = 1_000_000
        var taskNumber: UInt64 = 0
        while builder.spanCount < spans {
            taskNumber += 1
            let task = builder.task(id: taskNumber, name: "request \(taskNumber)")
            let root = builder.addSpan(name: names[0], kind: .handler, begin: time, end: time + 90_000, task: task)
            var cursor = time + 1_000
            for child in 0..<9 where builder.spanCount < spans {
                let isSync = child % 3 == 1
                let span = builder.addSpan(
                    name: names[1 + child % 5], kind: isSync ? .sync : .async, begin: cursor, end: cursor + 8_333,
                    parent: root, task: task, thread: isSync ? threads[child % 4] : -1, flags: isSync ? .onExecutor : [])
                if !isSync, builder.spanCount < spans {
                    builder.addSpan(name: names[3], kind: .sync, begin: cursor + 1_000, end: cursor + 2_000,
                                    parent: span, task: task, thread: threads[child % 4])
                }
                cursor += 9_001
            }
            time += 30_007
        }
        return builder.build()
    }

    /// `events` X events without args on 8 threads, as tracers such as viztracer write them.
    static func foreignShape(events: Int) -> [UInt8] {
        var text = "[\n"
        text.reserveCapacity(events * 80)
        for index in 0..<events {
            let thread = index % 8
            let time = Double(index / 8) * 10.5
            text += "{\"ph\":\"X\",\"name\":\"function_\(index % 50)\",\"cat\":\"FEE\",\"ts\":\(time),\"dur\":9.25,\"pid\":1,\"tid\":\(thread)},\n"
        }
        text += "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"bench\"}}\n]\n"
        return Array(text.utf8)
    }

    /// The median thread CPU time of the last `median` call: steadier than wall time on a
    /// machine shared with other builds.
    nonisolated(unsafe) static var lastMedianCPUSeconds = 0.0

    static func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        var cpuTimes: [Double] = []
        for _ in 0..<runs {
            let start = now()
            let cpuStart = now(CLOCK_THREAD_CPUTIME_ID)
            try body()
            cpuTimes.append(now(CLOCK_THREAD_CPUTIME_ID) - cpuStart)
            times.append(now() - start)
        }
        lastMedianCPUSeconds = cpuTimes.sorted()[cpuTimes.count / 2]
        return times.sorted()[times.count / 2]
    }

    static func now(_ clock: clockid_t = CLOCK_MONOTONIC) -> Double {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func rate(_ count: Int, _ seconds: Double) -> String {
        let perSecond = Double(count) / max(seconds, 1e-9)
        return perSecond >= 1e6 ? "\(format(perSecond / 1e6))M" : "\(format(perSecond / 1e3))k"
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return String(rounded)
    }
}
