import LanesFormat
import LanesModel
#if canImport(Glibc)
import Glibc
#endif

/// `LanesBenchmarks otlp [SPANS] [RUNS]`: OTLP JSON import against Chrome JSON import of the
/// same spans, per span, in one run.
///
/// The spans are `ChromeBenchmark`'s generated server trace. Three files hold them: Lanes'
/// Chrome export; Lanes' OTLP export (one request, Lanes' facts in each span); and the same
/// spans as an OpenTelemetry SDK would send them through a Collector's file exporter (JSON
/// Lines of 512-span requests, one resource and scope, a trace per request, hex ids, a kind,
/// two typed attributes and a status per span, no Lanes facts). Each import runs `RUNS` times,
/// interleaved, and the medians are compared: wall time and the importing thread's CPU time
/// (steadier on a shared machine).
enum OTLPBenchmark {
    static func run(arguments: [String]) async throws {
        let spanCount = arguments.first.flatMap { Int($0) } ?? 1_000_000
        let runs = max(1, arguments.dropFirst().first.flatMap { Int($0) } ?? 5)
        let trace = ChromeBenchmark.generateTrace(spans: spanCount)
        let chrome = ChromeTraceExporter.export(trace)
        let lanesOTLP = OTLPTraceExporter.export(trace)
        let sdkOTLP = sdkShaped(trace)
        print("otlp benchmark: \(trace.spanCount) spans in \(trace.tasks.count) tasks, \(runs) runs, medians")
        let files: [(name: String, bytes: [UInt8], read: ([UInt8]) throws -> Trace)] = [
            ("chrome json (Lanes' export)", chrome, { try ChromeTraceImporter.read(bytes: $0, path: "bench.json").trace }),
            ("otlp json (Lanes' export)", lanesOTLP, { try OTLPTraceImporter.read(bytes: $0, path: "bench.otlp.json").trace }),
            ("otlp json lines (SDK shape)", sdkOTLP, { try OTLPTraceImporter.read(bytes: $0, path: "bench.jsonl").trace }),
        ]
        // `LanesBenchmarks otlp N R chrome|lanes|sdk` imports only that file (for profilers).
        if let only = arguments.dropFirst(2).first, let index = ["chrome", "lanes", "sdk"].firstIndex(of: only) {
            for _ in 0..<runs { _ = try files[index].read(files[index].bytes) }
            return
        }
        var wall = [[Double]](repeating: [], count: files.count)
        var cpu = [[Double]](repeating: [], count: files.count)
        for _ in 0..<runs {
            for (index, file) in files.enumerated() {
                var imported = Trace.empty
                let start = ChromeBenchmark.now()
                let cpuStart = ChromeBenchmark.now(CLOCK_THREAD_CPUTIME_ID)
                imported = try file.read(file.bytes)
                cpu[index].append(ChromeBenchmark.now(CLOCK_THREAD_CPUTIME_ID) - cpuStart)
                wall[index].append(ChromeBenchmark.now() - start)
                precondition(imported.spanCount == trace.spanCount, "\(file.name) read \(imported.spanCount) spans")
            }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let chromeWall = median(wall[0])
        let chromeCPU = median(cpu[0])
        for (index, file) in files.enumerated() {
            let seconds = median(wall[index])
            let cpuSeconds = median(cpu[index])
            let perSpan = ChromeBenchmark.format(seconds * 1e9 / Double(spanCount))
            let perSpanCPU = ChromeBenchmark.format(cpuSeconds * 1e9 / Double(spanCount))
            let ratio = index == 0 ? "" : "; \(ChromeBenchmark.format(chromeWall / seconds))× Chrome's speed wall, "
                + "\(ChromeBenchmark.format(chromeCPU / cpuSeconds))× CPU"
            print("  \(file.name): \(ChromeBenchmark.format(Double(file.bytes.count) / Double(spanCount))) bytes/span, "
                + "\(ChromeBenchmark.rate(spanCount, seconds)) spans/s (\(perSpan) ns/span wall, \(perSpanCPU) CPU; "
                + "wall range \(ChromeBenchmark.format(wall[index].min()! * 1e3))–\(ChromeBenchmark.format(wall[index].max()! * 1e3)) ms)\(ratio)")
        }
    }

    /// The trace's spans as an OpenTelemetry SDK sends them, through a Collector's file exporter.
    static func sdkShaped(_ trace: Trace) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(trace.spanCount * 420)
        func hex(_ value: UInt64) {
            for shift in stride(from: 60, through: 0, by: -4) {
                text.append(Array("0123456789abcdef".utf8)[Int(value >> UInt64(shift) & 0xF)])
            }
        }
        func append(_ string: String) { text.append(contentsOf: string.utf8) }
        let unixOffset: Int64 = 1_732_000_000_000_000_000
        var span = 0
        while span < trace.spanCount {
            append(#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bench"}},{"key":"telemetry.sdk.language","value":{"stringValue":"python"}}]},"scopeSpans":[{"scope":{"name":"bench.http","version":"1.0.0"},"spans":["#)
            let end = min(trace.spanCount, span + 512)
            for index in span..<end {
                if index > span { append(",") }
                let task = UInt64(trace.spanTask[index]) + 1
                append(#"{"traceId":""#)
                hex(task &* 0x9E37_79B9_7F4A_7C15)
                hex(task)
                append(#"","spanId":""#)
                hex(UInt64(index + 1))
                if let parent = trace.parent(ofSpan: index) {
                    append(#"","parentSpanId":""#)
                    hex(UInt64(parent + 1))
                }
                append(#"","flags":256,"name":"#)
                append("\"\(trace.name(ofSpan: index))\"")
                append(#","kind":\#(trace.parent(ofSpan: index) == nil ? 2 : 1),"startTimeUnixNano":""#)
                append(String(trace.spanBegin[index] + unixOffset))
                append(#"","endTimeUnixNano":""#)
                append(String(trace.spanEnd[index] + unixOffset))
                append(#"","attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}},{"key":"http.response.status_code","value":{"intValue":"200"}}],"status":{}}"#)
            }
            append("]}]}]}\n")
            span = end
        }
        return text
    }
}
