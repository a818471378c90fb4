import Testing
@testable import LanesFormat
import LanesWriter

@Suite("CRC-32C")
struct CRC32CTests {
    @Test("matches the standard check value and is the same in one piece or many")
    func checkValue() {
        let bytes = Array("123456789".utf8)
        #expect(CRC32C.checksum(bytes) == 0xE306_9283)
        let long = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = CRC32C.checksum(long)
        let pieces = long[0..<333].withUnsafeBytes { first in
            long[333...].withUnsafeBytes { second in
                CRC32C.checksum(second, continuing: CRC32C.checksum(first))
            }
        }
        #expect(whole == pieces)
        #expect(CRC32C.checksum(long.dropLast() + [0]) != whole || long.last == 0)
    }

    @Test("the hardware and table-driven paths agree on random inputs of every length and alignment")
    func hardwareMatchesSoftware() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4096).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        bytes.withUnsafeBytes { buffer in
            #expect(CRC32C.softwareChecksum(UnsafeRawBufferPointer(rebasing: buffer[0..<9])) == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: buffer[0..<9])))
            for _ in 0..<500 {
                let start = Int.random(in: 0..<64, using: &generator)
                let end = Int.random(in: start...buffer.count, using: &generator)
                let slice = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
                let seed = UInt32.random(in: .min ... .max, using: &generator)
                #expect(CRC32C.softwareChecksum(slice, continuing: seed) == CRC32C.checksum(slice, continuing: seed))
            }
        }
        let check = Array("123456789".utf8)
        check.withUnsafeBytes { #expect(CRC32C.softwareChecksum($0) == 0xE306_9283) }
    }
}
