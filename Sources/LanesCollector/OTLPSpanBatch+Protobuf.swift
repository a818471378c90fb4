import Foundation
import LanesFormat
import SwiftProtobuf

/// Protobuf request bodies, decoded with swift-protobuf into the generated OTLP messages and
/// handed to the same conversion as OTLP JSON (`OTLPSpanBatch`), field by field.
extension OTLPSpanBatch {
    /// Decodes one binary `ExportTraceServiceRequest` and converts its spans. Throws a one-line
    /// reason when the bytes are not a valid protobuf message; then nothing of it is kept.
    public mutating func addProtobufRequest(_ bytes: [UInt8]) throws(OTLPRequestError) {
        let request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
        do {
            request = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest(serializedBytes: bytes)
        } catch {
            throw OTLPRequestError(reason: "not a protobuf ExportTraceServiceRequest (\(Self.describe(error)))")
        }
        for resourceSpans in request.resourceSpans {
            let resource = addResource(attributes: resourceSpans.resource.attributes.map(Self.attribute))
            for scopeSpans in resourceSpans.scopeSpans {
                for span in scopeSpans.spans { addSpan(Self.fields(of: span), resource: resource) }
            }
        }
    }

    /// Decodes a binary `ExportTraceServiceRequest` without converting it and counts its spans:
    /// the cost of swift-protobuf alone, which the `collect` benchmark compares with the rest.
    public static func decodedSpanCount(ofProtobufRequest bytes: [UInt8]) throws -> Int {
        let request = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest(serializedBytes: bytes)
        return request.resourceSpans.reduce(0) { $0 + $1.scopeSpans.reduce(0) { $0 + $1.spans.count } }
    }

    /// A span's fields in the form the conversion reads.
    static func fields(of span: Opentelemetry_Proto_Trace_V1_Span) -> OTLPSpanFields {
        var fields = OTLPSpanFields()
        fields.traceID = traceID(span.traceID)
        fields.spanID = spanID(span.spanID)
        fields.parentSpanID = span.parentSpanID.isEmpty ? nil : spanID(span.parentSpanID)
        fields.name = span.name
        fields.begin = Int64(truncatingIfNeeded: span.startTimeUnixNano)
        fields.end = Int64(truncatingIfNeeded: span.endTimeUnixNano)
        if !span.attributes.isEmpty { fields.attributes = span.attributes.map(attribute) }
        if span.hasStatus {
            fields.statusCode = Int64(span.status.code.rawValue)
            fields.statusMessage = span.status.message
        }
        if !span.events.isEmpty {
            fields.events = span.events.map { event in
                OTLPSpanEventFields(
                    time: Int64(truncatingIfNeeded: event.timeUnixNano), name: event.name,
                    attributes: event.attributes.map(attribute))
            }
        }
        return fields
    }

    static func attribute(_ pair: Opentelemetry_Proto_Common_V1_KeyValue) -> OTLPAttribute {
        OTLPAttribute(key: pair.key, value: value(pair.value))
    }

    static func value(_ any: Opentelemetry_Proto_Common_V1_AnyValue) -> OTLPValue {
        switch any.value {
        case .stringValue(let text): .string(text)
        case .boolValue(let flag): .bool(flag)
        case .intValue(let integer): .int(integer)
        case .doubleValue(let number): .double(number)
        case .bytesValue(let data): .bytes([UInt8](data))
        case .arrayValue(let array): .array(array.values.map(value))
        case .kvlistValue(let list): .keyValues(list.values.map(attribute))
        default: .empty
        }
    }

    /// Exactly 16 bytes (the rule the OTLP JSON reader applies to 32 hex digits); nil otherwise.
    static func traceID(_ data: Data) -> OTLPTraceID? {
        guard data.count == 16 else { return nil }
        return data.withUnsafeBytes { bytes in
            OTLPTraceID(
                high: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                low: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }

    /// Exactly 8 bytes; nil otherwise.
    static func spanID(_ data: Data) -> UInt64? {
        guard data.count == 8 else { return nil }
        return data.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? BinaryDecodingError {
        case .truncated?: "the message is cut off"
        case .malformedProtobuf?: "malformed protobuf"
        case .invalidUTF8?: "a string is not valid UTF-8"
        case .messageDepthLimit?: "nested too deeply"
        default: "\(error)"
        }
    }
}
