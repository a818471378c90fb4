/// A parsed JSON value. Objects keep their members in order (duplicates included) because
/// trace arguments are shown and exported in the order the producer wrote them.
indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The value of the last member named `key`, if this is an object that has one.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last(where: { $0.key == key })?.value
    }

    /// The string, if this is a string.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The number, if this is a number or a string holding one (`"12.5"`): producers disagree on
    /// which they write.
    var numberValue: JSONNumber? {
        switch self {
        case .number(let number): number
        case .string(let text): JSONNumber(parsing: text)
        default: nil
        }
    }

    /// The boolean, if this is `true`/`false` (or the strings "true"/"false").
    var boolValue: Bool? {
        switch self {
        case .bool(let value): value
        case .string("true"): true
        case .string("false"): false
        default: nil
        }
    }

    /// The members, if this is an object.
    var members: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements, if this is an array.
    var elements: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// A word for the kind of value, for error messages ("a number", "an object").
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value as text for an attribute: strings as they are, anything else as compact JSON.
    var attributeText: String {
        if case .string(let text) = self { return text }
        var writer = JSONWriter()
        writer.writeValue(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// One `"key": value` member of a JSON object.
struct JSONMember: Sendable, Equatable {
    var key: String
    var value: JSONValue
}
