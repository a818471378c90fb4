// libFuzzer harness: the `.lanes` reader. Odd first bytes read the rest as it is (damage,
// truncation, resynchronisation); even ones first give every record the checksum it declares
// the right to, so the fuzzer reaches the record and event decoders instead of stopping at
// checksums it cannot forge.
import LanesFormat
@testable import LanesWriter

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLanesFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    var bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 1 == 0 { bytes = LanesFileLayout.magic + [1, 0] + withValidChecksums(bytes) }
    _ = try? LanesFileReader.read(bytes: bytes, path: "fuzz.lanes")
    return 0
}

/// `bytes` read as records (marker, type, length, checksum, payload) with each checksum made
/// right; a record whose length runs past the end is left as it is.
func withValidChecksums(_ bytes: [UInt8]) -> [UInt8] {
    var bytes = bytes
    var offset = 0
    let header = LanesFileLayout.recordHeaderSize
    while offset + header <= bytes.count {
        bytes[offset] = LanesFileLayout.recordMarker
        let length = Int(bytes[offset + 2]) | Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4]) << 16 | Int(bytes[offset + 5]) << 24
        guard length <= bytes.count - offset - header else { break }
        var crc = CRC32C.checksum(Array(bytes[(offset + 1)..<(offset + 6)]))
        bytes.withUnsafeBytes { raw in
            crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[(offset + header)..<(offset + header + length)]), continuing: crc)
        }
        for index in 0..<4 { bytes[offset + 6 + index] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(index))) }
        offset += header + length
    }
    return bytes
}
