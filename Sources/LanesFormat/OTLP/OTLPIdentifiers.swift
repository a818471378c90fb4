import LanesModel

/// Trace and span ids as OTLP JSON writes them: lowercase hex, 32 digits for a trace id
/// (16 bytes) and 16 digits for a span id (8 bytes). All-zero ids are invalid in OTLP. Readers
/// also accept upper-case hex and the base64 that protobuf's generic JSON mapping writes.
enum OTLPIdentifiers {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `value` as `digits` lowercase hex digits, zero-padded.
    static func hex(_ value: UInt64, digits: Int = 16) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    static func hex(_ id: TraceID) -> String { hex(id.high) + hex(id.low) }

    /// Appends `value` as 16 lowercase hex digits.
    static func appendHex(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 60, through: 0, by: -4) {
            bytes.append(hexDigits[Int(value >> UInt64(shift) & 0xF)])
        }
    }

    /// Parses exactly 16 hex digits; nil for anything else.
    static func spanID(_ text: String) -> UInt64? {
        var text = text
        return text.withUTF8 { spanID($0) }
    }

    /// Parses exactly 32 hex digits; nil for anything else.
    static func traceID(_ text: String) -> TraceID? {
        var text = text
        return text.withUTF8 { traceID($0) }
    }

    /// A span id from its text: 16 hex digits, or 12 characters of base64.
    static func spanID(_ text: UnsafeBufferPointer<UInt8>) -> UInt64? {
        if text.count == 16 { return hexValue(text, from: 0) }
        guard text.count == 12, let bytes = Base64.decode(text), bytes.count == 8 else { return nil }
        return bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A trace id from its text: 32 hex digits, or 24 characters of base64.
    static func traceID(_ text: UnsafeBufferPointer<UInt8>) -> TraceID? {
        if text.count == 32 {
            guard let high = hexValue(text, from: 0), let low = hexValue(text, from: 16) else { return nil }
            return TraceID(high: high, low: low)
        }
        guard text.count == 24, let bytes = Base64.decode(text), bytes.count == 16 else { return nil }
        return TraceID(high: bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }, low: bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// The 16 hex digits at `start` as a number; nil if any is not a hex digit.
    @inline(__always)
    private static func hexValue(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt64? {
        var value: UInt64 = 0
        var invalid: UInt8 = 0
        for index in start..<(start + 16) {
            let byte = text[index]
            let digit = byte &- 48
            let letter = (byte | 0x20) &- 97
            let nibble: UInt8
            if digit < 10 { nibble = digit } else if letter < 6 { nibble = letter &+ 10 } else { nibble = 0; invalid = 1 }
            value = value << 4 | UInt64(nibble)
        }
        return invalid == 0 ? value : nil
    }
}
