import LanesModel

/// A typed attribute value ready to be written into a `.lanes` file: an `AttributeValue` whose
/// strings (values and list keys) have been given file string ids already, so that encoding it
/// is plain byte writing (the recorder resolves ids before it takes its buffer).
///
/// The encoding (`Traces/FORMAT.md` §4.19): a type byte (`AttributeType`), then for a string a
/// `uvar` string id, a bool one byte, an int an `svar`, a double its 8 IEEE bytes
/// little-endian, bytes a `uvar` length and the bytes, an array a `uvar` count and the values,
/// a list a `uvar` count and (`uvar` key string id, value) pairs; empty has no payload.
public indirect enum LanesFileValue: Sendable {
    case empty
    case string(UInt32)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([LanesFileValue])
    case keyValueList([(key: UInt32, value: LanesFileValue)])

    /// `value` with its strings given ids by `stringID`.
    public init(_ value: AttributeValue, stringID: (String) -> UInt32) {
        // A total `stringID` never fails, so neither does the conversion.
        self = LanesFileValue(value, internedBy: { stringID($0) })!
    }

    /// `value` with its strings interned by `stringID`; nil when `stringID` has no id for one of
    /// them (a recorder's bounded string table is full), so the caller can fall back.
    public init?(_ value: AttributeValue, internedBy stringID: (String) -> UInt32?) {
        switch value {
        case .empty: self = .empty
        case .string(let text):
            guard let id = stringID(text) else { return nil }
            self = .string(id)
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .double(let number): self = .double(number)
        case .bytes(let bytes): self = .bytes(bytes)
        case .array(let values):
            var converted: [LanesFileValue] = []
            converted.reserveCapacity(values.count)
            for element in values {
                guard let value = LanesFileValue(element, internedBy: stringID) else { return nil }
                converted.append(value)
            }
            self = .array(converted)
        case .keyValueList(let pairs):
            var converted: [(UInt32, LanesFileValue)] = []
            converted.reserveCapacity(pairs.count)
            for pair in pairs {
                guard let key = stringID(pair.key), let value = LanesFileValue(pair.value, internedBy: stringID) else { return nil }
                converted.append((key, value))
            }
            self = .keyValueList(converted)
        }
    }

    /// Whether the value is a string (written with the plain `attribute` event, which old
    /// readers understand, rather than the typed one).
    var stringID: UInt32? {
        if case .string(let id) = self { return id }
        return nil
    }

    /// Appends the encoding to `bytes`, reserving room as it goes.
    func write(to bytes: inout EventBytes) {
        bytes.reserve(24)
        switch self {
        case .empty:
            bytes.append(AttributeType.empty.rawValue)
        case .string(let id):
            bytes.append(AttributeType.string.rawValue)
            bytes.appendVarint(UInt64(id))
        case .bool(let flag):
            bytes.append(AttributeType.bool.rawValue)
            bytes.append(flag ? 1 : 0)
        case .int(let number):
            bytes.append(AttributeType.int.rawValue)
            bytes.appendSignedVarint(number)
        case .double(let number):
            bytes.append(AttributeType.double.rawValue)
            bytes.appendLittleEndian(number.bitPattern)
        case .bytes(let data):
            bytes.append(AttributeType.bytes.rawValue)
            bytes.appendVarint(UInt64(data.count))
            bytes.reserve(data.count)
            data.withUnsafeBytes { bytes.append(contentsOf: $0) }
        case .array(let values):
            bytes.append(AttributeType.array.rawValue)
            bytes.appendVarint(UInt64(values.count))
            for value in values { value.write(to: &bytes) }
        case .keyValueList(let pairs):
            bytes.append(AttributeType.keyValueList.rawValue)
            bytes.appendVarint(UInt64(pairs.count))
            for pair in pairs {
                bytes.reserve(16)
                bytes.appendVarint(UInt64(pair.key))
                pair.value.write(to: &bytes)
            }
        }
    }
}

/// A key (a file string id) and a value, as events and links carry them.
public struct LanesFileAttribute: Sendable {
    public var key: UInt32
    public var value: LanesFileValue

    public init(key: UInt32, value: LanesFileValue) {
        self.key = key
        self.value = value
    }
}
