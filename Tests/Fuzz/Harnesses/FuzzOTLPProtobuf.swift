// libFuzzer harness: Lanes' OTLP protobuf decoder (`lanes collect`'s request bodies), decoding and
// converting one binary ExportTraceServiceRequest.
import LanesFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOTLPProtobuf(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? OTLPConvertedRequest(protobufRequest: Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
