import enum LanesModel.AttributeValue
import struct LanesModel.AttributeKeyValue
import Tracing

extension Tracing.SpanAttribute {
    /// The value as Lanes records it, typed as OpenTelemetry types it: integers, doubles,
    /// booleans and strings as such, arrays as arrays, `CustomStringConvertible` values as
    /// their description.
    var lanesValue: AttributeValue {
        switch self {
        case .int32(let value): .int(Int64(value))
        case .int64(let value): .int(value)
        case .double(let value): .double(value)
        case .bool(let value): .bool(value)
        case .string(let value): .string(value)
        case .stringConvertible(let value): .string(value.description)
        case .int32Array(let values): .array(values.map { .int(Int64($0)) })
        case .int64Array(let values): .array(values.map { .int($0) })
        case .doubleArray(let values): .array(values.map { .double($0) })
        case .boolArray(let values): .array(values.map { .bool($0) })
        case .stringArray(let values): .array(values.map { .string($0) })
        case .stringConvertibleArray(let values): .array(values.map { .string($0.description) })
        default: .empty
        }
    }
}

extension SpanAttributes {
    /// Every attribute, typed, sorted by key so recordings are reproducible.
    var lanesValues: [AttributeKeyValue] {
        var pairs: [AttributeKeyValue] = []
        forEach { key, value in pairs.append(AttributeKeyValue(key: key, value: value.lanesValue)) }
        return pairs.sorted { $0.key < $1.key }
    }
}
