// libFuzzer harness: the content-detecting loader and everything a command does next (the
// analysis and the summary), on any bytes: whatever the loader accepts must analyse.
import LanesAnalysis
import LanesFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTraceLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let loaded = try? TraceLoader.load(bytes: Array(UnsafeBufferPointer(start: data, count: size)), path: "fuzz") else { return 0 }
    let summary = TraceSummary(analysis: TraceAnalysis(trace: loaded.trace))
    _ = summary.lines(title: "fuzz")
    return 0
}
