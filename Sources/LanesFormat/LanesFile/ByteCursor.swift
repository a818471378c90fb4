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

    // MARK: Reads without end checks

    /// The bytes that must remain before a caller may use the unchecked reads for one event:
    /// the longest event decoded that way (an opcode and four ten-byte varints, 41 bytes) with
    /// room to spare for the word-sized loads.
    static let fastEventMargin = 48

    /// The next byte, without checking the end (at least one byte must remain).
    @inline(__always)
    mutating func readByteUnchecked() -> UInt8 {
        defer { position &+= 1 }
        return bytes.baseAddress.unsafelyUnwrapped.load(fromByteOffset: position, as: UInt8.self)
    }

    /// A varint, without checking the end (at least 16 bytes must remain); nil, with the
    /// cursor moved, for a varint longer than ten bytes.
    ///
    /// Varints of up to eight bytes are decoded from one 8-byte load without a branch per
    /// byte: the first byte whose high bit is clear ends the varint, the bytes after it are
    /// masked off, and the 7-bit groups are packed together in three shift-and-mask steps.
    /// Branches on varint lengths (time deltas vary between one and three bytes) were the
    /// largest cost of decoding.
    @inline(__always)
    mutating func readVarintUnchecked() -> UInt64? {
        let word = bytes.baseAddress.unsafelyUnwrapped.loadUnaligned(fromByteOffset: position, as: UInt64.self).littleEndian
        let stops = ~word & 0x8080_8080_8080_8080
        guard stops != 0 else { return readVarint() }
        let lastBit = stops.trailingZeroBitCount  // 7, 15, …, 63
        position &+= (lastBit &+ 1) &>> 3
        var value = word & (UInt64.max &>> (63 &- UInt64(lastBit))) & 0x7F7F_7F7F_7F7F_7F7F
        value = (value & 0x007F_007F_007F_007F) | ((value & 0x7F00_7F00_7F00_7F00) &>> 1)
        value = (value & 0x0000_3FFF_0000_3FFF) | ((value & 0x3FFF_0000_3FFF_0000) &>> 2)
        value = (value & 0x0000_0000_0FFF_FFFF) | ((value & 0x0FFF_FFFF_0000_0000) &>> 4)
        return value
    }

    // MARK: Checked reads

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

    /// The next `count` bytes, or nil (cursor unmoved) when fewer remain.
    mutating func readBytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= remaining else { return nil }
        defer { position += count }
        return Array(UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)]))
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
