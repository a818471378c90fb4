import CLanesChecksum

/// CRC-32C (Castagnoli), the checksum of every `.lanes` record.
///
/// Polynomial 0x1EDC6F41 (reflected 0x82F63B78), initial value 0xFFFFFFFF, final XOR
/// 0xFFFFFFFF — the same CRC as iSCSI, ext4 and SSE 4.2's `crc32` instruction. Uses that
/// instruction when the processor has it (several times faster), otherwise computes eight
/// bytes at a time from tables ("slicing by 8"), so that checking costs little next to decoding.
package enum CRC32C {
    /// Whether this processor computes CRC-32C in hardware (checked once).
    package static let hardwareAvailable = lanes_crc32c_hardware_available() != 0

    static let tables: [[UInt32]] = {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            tables[0][byte] = crc
        }
        for byte in 0..<256 {
            for slice in 1..<8 {
                let previous = tables[slice - 1][byte]
                tables[slice][byte] = (previous >> 8) ^ tables[0][Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    static let flatTable: [UInt32] = tables.flatMap { $0 }

    /// The CRC-32C of `bytes`, continuing from `crc` (pass the result of a previous call to
    /// checksum data in pieces; start with 0).
    package static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard hardwareAvailable else { return softwareChecksum(bytes, continuing: crc) }
        guard let base = bytes.baseAddress else { return crc }
        return ~lanes_crc32c_hardware_update(~crc, base, bytes.count)
    }

    /// `checksum(_:continuing:)` computed from tables, for processors without the instruction
    /// (and for tests that compare the two).
    package static func softwareChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var crc = ~crc
        flatTable.withUnsafeBufferPointer { table in
            var index = 0
            let count = bytes.count
            while index + 8 <= count {
                let low = bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self).littleEndian ^ crc
                let high = bytes.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self).littleEndian
                crc = table[7 * 256 + Int(low & 0xFF)]
                    ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)]
                    ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)]
                    ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[1 * 256 + Int((high >> 16) & 0xFF)]
                    ^ table[0 * 256 + Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = table[Int((crc ^ UInt32(bytes[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        return ~crc
    }

    /// The CRC-32C of `bytes`.
    package static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
