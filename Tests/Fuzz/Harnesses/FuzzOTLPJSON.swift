// libFuzzer harness: the OTLP JSON importer (one request or JSON Lines).
import LanesFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOTLPJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? OTLPTraceImporter.read(bytes: Array(UnsafeBufferPointer(start: data, count: size)), path: "fuzz.json")
    return 0
}
