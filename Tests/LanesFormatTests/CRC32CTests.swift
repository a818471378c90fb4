import Testing
@testable import LanesFormat

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
}
