/// A 128-bit OTLP trace id, as two big-endian halves.
public struct OTLPTraceID: Hashable, Sendable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}

/// Trace and span ids as OTLP JSON writes them: lowercase hex, 32 digits for a trace id
/// (16 bytes) and 16 digits for a span id (8 bytes). All-zero ids are invalid in OTLP.
enum OTLPIdentifiers {
    typealias TraceID = OTLPTraceID

    /// `value` as `digits` lowercase hex digits, zero-padded.
    static func hex(_ value: UInt64, digits: Int = 16) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    static func hex(_ id: TraceID) -> String { hex(id.high) + hex(id.low) }

    /// Parses exactly 16 hex digits; nil for anything else.
    static func spanID(_ text: String) -> UInt64? {
        guard text.utf8.count == 16 else { return nil }
        return UInt64(text, radix: 16)
    }

    /// Parses exactly 32 hex digits; nil for anything else.
    static func traceID(_ text: String) -> TraceID? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 32,
              let high = UInt64(String(decoding: utf8[0..<16], as: UTF8.self), radix: 16),
              let low = UInt64(String(decoding: utf8[16..<32], as: UTF8.self), radix: 16)
        else { return nil }
        return TraceID(high: high, low: low)
    }

}
