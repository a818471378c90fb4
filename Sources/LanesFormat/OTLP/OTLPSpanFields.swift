/// The fields of OTLP spans as decoded from a request, before they are checked and converted.
///
/// This is the one form every OTLP decoder produces: the OTLP JSON reader here, and the
/// protobuf decoder of `lanes collect`. `OTLPSpanBatch` converts it, the same way for both.

/// An OTLP `AnyValue`: an attribute's value.
public struct OTLPValue: Sendable, Equatable {
    /// The value as the JSON the conversion reads (OTLP/JSON's plain form: int64 as a number,
    /// bytes as base64 text, arrays and key-value lists as arrays and objects).
    var json: JSONValue

    init(json: JSONValue) { self.json = json }

    /// No value (an `AnyValue` with nothing set).
    public static let empty = OTLPValue(json: .null)
    /// A string.
    public static func string(_ text: String) -> OTLPValue { OTLPValue(json: .string(text)) }
    /// A boolean.
    public static func bool(_ flag: Bool) -> OTLPValue { OTLPValue(json: .bool(flag)) }
    /// A 64-bit integer.
    public static func int(_ value: Int64) -> OTLPValue { OTLPValue(json: .number(JSONNumber(value))) }
    /// A double; NaN and infinities are kept as their OTLP/JSON strings.
    public static func double(_ value: Double) -> OTLPValue {
        guard value.isFinite else {
            return OTLPValue(json: .string(value.isNaN ? "NaN" : value > 0 ? "Infinity" : "-Infinity"))
        }
        return OTLPValue(json: JSONNumber(parsing: "\(value)").map { .number($0) } ?? .string("\(value)"))
    }
    /// Bytes, kept as base64 text as OTLP/JSON writes them.
    public static func bytes(_ bytes: [UInt8]) -> OTLPValue { OTLPValue(json: .string(Base64.encode(bytes))) }
    /// An array of values.
    public static func array(_ values: [OTLPValue]) -> OTLPValue { OTLPValue(json: .array(values.map(\.json))) }
    /// A list of key-value pairs.
    public static func keyValues(_ pairs: [OTLPAttribute]) -> OTLPValue {
        OTLPValue(json: .object(pairs.map { JSONMember(key: $0.key, value: $0.value.json) }))
    }
}

/// A key and its value (an OTLP `KeyValue`).
public struct OTLPAttribute: Sendable, Equatable {
    public var key: String
    public var value: OTLPValue

    public init(key: String, value: OTLPValue) {
        self.key = key
        self.value = value
    }
}

/// A point in time inside a span (an OTLP `Span.Event`).
public struct OTLPSpanEventFields: Sendable {
    /// Unix nanoseconds.
    public var time: Int64
    public var name: String
    public var attributes: [OTLPAttribute]

    public init(time: Int64, name: String, attributes: [OTLPAttribute]) {
        self.time = time
        self.name = name
        self.attributes = attributes
    }
}

/// One OTLP span as read. Ids are nil when the request's bytes or text did not hold a valid
/// one (the conversion then rejects the span and counts it).
public struct OTLPSpanFields: Sendable {
    public var traceID: OTLPTraceID?
    public var spanID: UInt64?
    /// Nil for a root span.
    public var parentSpanID: UInt64?
    public var name = ""
    /// Unix nanoseconds.
    public var begin: Int64 = 0
    /// Unix nanoseconds.
    public var end: Int64 = 0
    public var attributes: [OTLPAttribute] = []
    /// `Status.code`: 0 unset, 1 ok, 2 error.
    public var statusCode: Int64 = 0
    public var statusMessage = ""
    public var events: [OTLPSpanEventFields] = []

    public init() {}
}

/// Base64 (RFC 4648, with padding), as OTLP/JSON writes bytes values.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group = UInt32(bytes[index]) << 16
            if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
            if count > 2 { group |= UInt32(bytes[index + 2]) }
            for position in 0..<4 {
                output.append(position <= count ? alphabet[Int(group >> (18 - 6 * position)) & 63] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
