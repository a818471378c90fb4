// libFuzzer harness: the JSON pull reader on its own. Reading a value and skipping it must
// agree on whether it is valid and where it ends; neither may trap.
@testable import LanesFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = UnsafeBufferPointer(start: data, count: size)
    var reader = JSONReader(buffer)
    var skipper = JSONReader(buffer)
    let read = Result { () throws(JSONSyntaxError) in try reader.readValue() }
    let skipped = Result { () throws(JSONSyntaxError) in try skipper.skipValue() }
    switch (read, skipped) {
    case (.success(let value), .success):
        precondition(reader.position == skipper.position, "readValue and skipValue ended at different bytes")
        _ = value.attributeText
    case (.failure(let readError), .failure(let skipError)):
        precondition(readError.isEndOfInput == skipError.isEndOfInput, "readValue and skipValue disagree on the input's end")
    default:
        preconditionFailure("readValue and skipValue disagree on whether the value is valid")
    }
    return 0
}
