// libFuzzer harness: the Chrome Trace Event JSON importer (recovery, quirks, counters).
import LanesFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChromeJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? ChromeTraceImporter.read(bytes: Array(UnsafeBufferPointer(start: data, count: size)), path: "fuzz.json")
    return 0
}
