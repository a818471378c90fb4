import Tracing

extension SpanAttribute {
    /// The value as Lanes stores attributes: text. Numbers and booleans as Swift prints them,
    /// arrays as `[a, b]`.
    var lanesText: String {
        switch self {
        case .int32(let value): String(value)
        case .int64(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        case .string(let value): value
        case .stringConvertible(let value): value.description
        case .int32Array(let values): "[" + values.map { String($0) }.joined(separator: ", ") + "]"
        case .int64Array(let values): "[" + values.map { String($0) }.joined(separator: ", ") + "]"
        case .doubleArray(let values): "[" + values.map { String($0) }.joined(separator: ", ") + "]"
        case .boolArray(let values): "[" + values.map { String($0) }.joined(separator: ", ") + "]"
        case .stringArray(let values): "[" + values.joined(separator: ", ") + "]"
        case .stringConvertibleArray(let values): "[" + values.map { $0.description }.joined(separator: ", ") + "]"
        default: ""
        }
    }
}

extension SpanAttributes {
    /// Every attribute as (key, text) pairs, sorted by key so recordings are reproducible.
    var lanesTextPairs: [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        forEach { key, value in pairs.append((key, value.lanesText)) }
        return pairs.sorted { $0.key < $1.key }
    }
}
