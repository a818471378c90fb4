/// A W3C Trace Context `traceparent` value: which trace a request belongs to and which span
/// sent it, so that the spans of one request keep one trace id across services.
///
/// Text form (version 00): `00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`, lowercase.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    /// The trace id's first 8 bytes, big-endian.
    public var traceIDHigh: UInt64
    /// The trace id's last 8 bytes, big-endian.
    public var traceIDLow: UInt64
    /// The id of the span that sent the request.
    public var spanID: UInt64
    /// Trace flags; bit 0 is "sampled".
    public var flags: UInt8

    /// The header that carries a `TraceParent`.
    public static let headerName = "traceparent"

    /// A trace parent from its parts. The W3C rules make all-zero trace and span ids invalid;
    /// `init?(header:)` never produces them.
    public init(traceIDHigh: UInt64, traceIDLow: UInt64, spanID: UInt64, flags: UInt8 = 1) {
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = traceIDLow
        self.spanID = spanID
        self.flags = flags
    }

    /// Parses a `traceparent` header, or returns nil when it is malformed: wrong length or
    /// separators, non-hex or uppercase digits, version `ff`, an all-zero trace or span id,
    /// or (for version 00) anything after the flags. Later versions may append fields after a
    /// `-`, as the specification allows.
    public init?(header: String) {
        var bytes = Array(header.utf8)
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        let leading = bytes.prefix { $0 == 0x20 || $0 == 0x09 }.count
        bytes.removeFirst(leading)
        guard bytes.count >= 55, bytes[2] == 0x2D, bytes[35] == 0x2D, bytes[52] == 0x2D,
              let version = TraceParent.hex(bytes[0..<2]), version != 0xFF,
              let high = TraceParent.hex(bytes[3..<19]), let low = TraceParent.hex(bytes[19..<35]),
              let span = TraceParent.hex(bytes[36..<52]), let flags = TraceParent.hex(bytes[53..<55]),
              high != 0 || low != 0, span != 0
        else { return nil }
        if version == 0 {
            guard bytes.count == 55 else { return nil }
        } else if bytes.count > 55 && bytes[55] != 0x2D {
            return nil
        }
        self.init(traceIDHigh: high, traceIDLow: low, spanID: span, flags: UInt8(flags))
    }

    /// The trace id as 32 lowercase hex digits.
    public var traceIDText: String { TraceParent.hex(traceIDHigh, digits: 16) + TraceParent.hex(traceIDLow, digits: 16) }

    /// The span id as 16 lowercase hex digits.
    public var spanIDText: String { TraceParent.hex(spanID, digits: 16) }

    /// The header value, version 00.
    public var description: String {
        "00-\(traceIDText)-\(spanIDText)-\(TraceParent.hex(UInt64(flags), digits: 2))"
    }

    /// `value` as exactly `digits` lowercase hex digits.
    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// Lowercase hex digits (at most 16) as a number; nil for any other character.
    private static func hex(_ digits: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for digit in digits {
            switch digit {
            case 0x30...0x39: value = value << 4 | UInt64(digit - 0x30)
            case 0x61...0x66: value = value << 4 | UInt64(digit - 0x61 + 10)
            default: return nil
            }
        }
        return value
    }
}
