/// Reads little-endian integers, varints and strings from a byte range without trusting it:
/// every `read…` returns nil (and leaves the cursor where it was) when the bytes run out or a
/// varint is longer than ten bytes.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    var position: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) {
        self.bytes = bytes
        self.position = start
        self.end = end
    }

    var isAtEnd: Bool { position >= end }
    var remaining: Int { end - position }

    @inline(__always)
    mutating func readByte() -> UInt8? {
        guard position < end else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    @inline(__always)
    mutating func readVarint() -> UInt64? {
        var position = self.position
        guard position < end else { return nil }
        var byte = bytes[position]
        if byte < 0x80 {
            self.position = position + 1
            return UInt64(byte)
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end, shift < 64 else { return nil }
            byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        self.position = position
        return result
    }

    @inline(__always)
    mutating func readSignedVarint() -> Int64? {
        guard let raw = readVarint() else { return nil }
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func readLittleEndianUInt32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        defer { position += 4 }
        return bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian
    }

    mutating func readLittleEndianInt64() -> Int64? {
        guard remaining >= 8 else { return nil }
        defer { position += 8 }
        return bytes.loadUnaligned(fromByteOffset: position, as: Int64.self).littleEndian
    }

    /// A varint length then that many UTF-8 bytes (invalid sequences become U+FFFD).
    mutating func readString() -> String? {
        let start = position
        guard let length = readVarint(), length <= UInt64(remaining) else {
            position = start
            return nil
        }
        let stringStart = position
        position += Int(length)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[stringStart..<position]), as: UTF8.self)
    }
}
