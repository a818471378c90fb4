/// A typed attribute value, as OpenTelemetry's `AnyValue` defines it: a string, a boolean, a
/// 64-bit integer, a double, bytes, an array of values, a list of key-value pairs, or empty.
///
/// Lanes keeps values typed so that a trace imported from OTLP exports back with the same types
/// (an integer stays an integer, not the text "200"). Doubles compare by their bits, so a NaN
/// equals itself and round trips compare equal.
public indirect enum AttributeValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([AttributeValue])
    case keyValueList([AttributeKeyValue])
    /// OpenTelemetry's empty `AnyValue` (no value set).
    case empty

    /// The value's type.
    public var type: AttributeType {
        switch self {
        case .string: .string
        case .bool: .bool
        case .int: .int
        case .double: .double
        case .bytes: .bytes
        case .array: .array
        case .keyValueList: .keyValueList
        case .empty: .empty
        }
    }

    /// The value as one line of readable text: strings as they are, numbers and booleans as
    /// Swift prints them, bytes in base64, arrays and lists in a JSON-like form with strings
    /// quoted (`["a", 2]`, `{"k": true}`), empty as nothing.
    public var description: String {
        switch self {
        case .string(let text): text
        case .empty: ""
        default: nestedText
        }
    }

    /// The text of a value inside an array or list: strings quoted, empty as `null`.
    private var nestedText: String {
        switch self {
        case .string(let text): Self.quoted(text)
        case .bool(let flag): String(flag)
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bytes(let bytes): Base64.encode(bytes)
        case .array(let values): "[" + values.map(\.nestedText).joined(separator: ", ") + "]"
        case .keyValueList(let pairs): "{" + pairs.map { Self.quoted($0.key) + ": " + $0.value.nestedText }.joined(separator: ", ") + "}"
        case .empty: "null"
        }
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    public static func == (lhs: AttributeValue, rhs: AttributeValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a.bitPattern == b.bitPattern
        case (.bytes(let a), .bytes(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.keyValueList(let a), .keyValueList(let b)): a == b
        case (.empty, .empty): true
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(type.rawValue)
        switch self {
        case .string(let text): hasher.combine(text)
        case .bool(let flag): hasher.combine(flag)
        case .int(let number): hasher.combine(number)
        case .double(let number): hasher.combine(number.bitPattern)
        case .bytes(let bytes): hasher.combine(bytes)
        case .array(let values): hasher.combine(values)
        case .keyValueList(let pairs): hasher.combine(pairs)
        case .empty: break
        }
    }
}

/// One entry of an `AttributeValue.keyValueList`.
public struct AttributeKeyValue: Sendable, Hashable {
    public var key: String
    public var value: AttributeValue

    public init(key: String, value: AttributeValue) {
        self.key = key
        self.value = value
    }
}

/// The type of an attribute value. The raw values are part of the `.lanes` file format.
public enum AttributeType: UInt8, Sendable {
    case empty = 0
    case string = 1
    case bool = 2
    case int = 3
    case double = 4
    case bytes = 5
    case array = 6
    case keyValueList = 7
}

/// An attribute value as a trace stores it: its type and 64 bits that hold a string (an index
/// into the trace's strings), the boolean, the integer, the double's bits, or, for bytes, arrays
/// and lists, an index into the trace's table of such values (`TraceTelemetry.values`).
///
/// Scalars are stored in place so that a million integer attributes cost no strings.
public struct StoredAttributeValue: Sendable, Hashable {
    public var bits: UInt64
    public var type: AttributeType

    public init(type: AttributeType, bits: UInt64) {
        self.type = type
        self.bits = bits
    }

    /// A string value: `string` is an index into the trace's strings.
    @inlinable
    public static func string(_ string: UInt32) -> StoredAttributeValue {
        StoredAttributeValue(type: .string, bits: UInt64(string))
    }

    /// Whether the value is stored in the trace's table of bytes, arrays and lists.
    public var isComposite: Bool { type == .bytes || type == .array || type == .keyValueList }

    /// The scalar value stored in place (nil for strings and composites, which need the trace's
    /// tables).
    public var scalar: AttributeValue? {
        switch type {
        case .bool: .bool(bits != 0)
        case .int: .int(Int64(bitPattern: bits))
        case .double: .double(Double(bitPattern: bits))
        case .empty: .empty
        default: nil
        }
    }

    /// `value` stored in place if it is a scalar (bool, int, double or empty); nil otherwise.
    public init?(scalar value: AttributeValue) {
        switch value {
        case .bool(let flag): self.init(type: .bool, bits: flag ? 1 : 0)
        case .int(let number): self.init(type: .int, bits: UInt64(bitPattern: number))
        case .double(let number): self.init(type: .double, bits: number.bitPattern)
        case .empty: self.init(type: .empty, bits: 0)
        default: return nil
        }
    }
}

/// Standard base64 (RFC 4648, with padding), as OTLP/JSON writes bytes values.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// `bytes` in base64.
    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { output.append(alphabet[Int(group >> UInt32(shift) & 63)]) }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let group = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(rest == 2 ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            output.append(UInt8(ascii: "="))
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `text` encodes, or nil when it is not base64 (padding optional; the URL-safe
    /// alphabet's `-` and `_` are accepted too).
    public static func decode<Text: Collection<UInt8>>(_ text: Text) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 4 * 3 + 3)
        var group: UInt32 = 0
        var bits = 0
        var sawPadding = false
        for byte in text {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): sawPadding = true; continue
            default: return nil
            }
            if sawPadding { return nil }
            group = group << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: group >> UInt32(bits)))
            }
        }
        return bits >= 6 ? nil : output
    }
}
