import Foundation
import LanesFormat
import LanesModel
import SwiftProtobuf

/// Protobuf request bodies through swift-protobuf's generated OTLP messages, handed field by
/// field to the importer's conversion (`OTLPTraceAssembler`) in the decoded form the other
/// readers produce (`OTLPSpanData`).
///
/// Not the receiver's path: `lanes collect` reads protobuf bodies with `OTLPProtobufDecoder`
/// (`init(protobufRequest:)`), which skips building the messages (4.4 µs a span, over the whole
/// budget of 500,000 spans a second on two cores). This one is the reference the tests compare
/// that decoder with, and the baseline of the `collect` benchmark.
extension OTLPConvertedRequest {
    /// Decodes one binary `ExportTraceServiceRequest` with swift-protobuf and converts its spans.
    /// Throws a one-line reason when the bytes are not a valid protobuf message; then nothing of
    /// it is kept.
    public init(swiftProtobufRequest bytes: [UInt8]) throws(OTLPRequestError) {
        let request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
        do {
            request = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest(serializedBytes: bytes)
        } catch {
            throw OTLPRequestError(reason: "not a protobuf ExportTraceServiceRequest (\(Self.describe(error)))")
        }
        var decoding = ProtobufDecoding(expectedSpans: bytes.count / 64)
        decoding.add(request)
        self.init(decoding.assembler)
    }

    /// Decodes a binary `ExportTraceServiceRequest` without converting it and counts its spans:
    /// the cost of swift-protobuf alone, which the `collect` benchmark compares with the rest.
    public static func decodedSpanCount(ofSwiftProtobufRequest bytes: [UInt8]) throws -> Int {
        let request = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest(serializedBytes: bytes)
        return request.resourceSpans.reduce(0) { $0 + $1.scopeSpans.reduce(0) { $0 + $1.spans.count } }
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

/// Feeds swift-protobuf's messages to an `OTLPTraceAssembler`: strings interned, values stored,
/// every span decoded into one reused `OTLPSpanData`.
struct ProtobufDecoding {
    var assembler: OTLPTraceAssembler
    private var span = OTLPSpanData()

    init(expectedSpans: Int) {
        assembler = OTLPTraceAssembler(expectedSpans: expectedSpans)
    }

    mutating func add(_ request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest) {
        for resourceSpans in request.resourceSpans {
            let resource = assembler.addResource(TelemetryResource(
                attributes: attributes(resourceSpans.resource.attributes),
                droppedAttributes: resourceSpans.resource.droppedAttributesCount,
                schemaURL: assembler.intern(resourceSpans.schemaURL)))
            for scopeSpans in resourceSpans.scopeSpans {
                let scope = assembler.addScope(TelemetryScope(
                    resource: resource, name: assembler.intern(scopeSpans.scope.name),
                    version: assembler.intern(scopeSpans.scope.version), attributes: attributes(scopeSpans.scope.attributes),
                    droppedAttributes: scopeSpans.scope.droppedAttributesCount, schemaURL: assembler.intern(scopeSpans.schemaURL)))
                for message in scopeSpans.spans {
                    decode(message)
                    assembler.addSpan(span, scope: scope)
                }
            }
        }
    }

    /// `message` into `span`.
    private mutating func decode(_ message: Opentelemetry_Proto_Trace_V1_Span) {
        span.reset()
        span.traceID = Self.traceID(message.traceID)
        span.spanID = Self.spanID(message.spanID)
        span.parentSpanID = Self.spanID(message.parentSpanID)
        span.traceState = assembler.intern(message.traceState)
        span.flags = message.flags
        span.name = assembler.intern(message.name)
        span.kind = OpenTelemetryKind(rawValue: UInt8(clamping: message.kind.rawValue)) ?? .unspecified
        span.startTimeUnixNano = message.startTimeUnixNano
        span.endTimeUnixNano = message.endTimeUnixNano
        for pair in message.attributes { span.attributes.append(attribute(pair)) }
        span.droppedAttributesCount = message.droppedAttributesCount
        for event in message.events {
            span.events.append(OTLPEventData(
                timeUnixNano: event.timeUnixNano, name: assembler.intern(event.name), attributes: attributes(event.attributes),
                droppedAttributesCount: event.droppedAttributesCount))
        }
        span.droppedEventsCount = message.droppedEventsCount
        for link in message.links {
            span.links.append(OTLPLinkData(
                traceID: Self.traceID(link.traceID), spanID: Self.spanID(link.spanID), traceState: assembler.intern(link.traceState),
                flags: link.flags, attributes: attributes(link.attributes), droppedAttributesCount: link.droppedAttributesCount))
        }
        span.droppedLinksCount = message.droppedLinksCount
        if message.hasStatus {
            span.statusCode = OpenTelemetryStatusCode(rawValue: UInt8(clamping: message.status.code.rawValue)) ?? .unset
            span.statusMessage = assembler.intern(message.status.message)
        }
    }

    private mutating func attributes(_ pairs: [Opentelemetry_Proto_Common_V1_KeyValue]) -> [TelemetryAttribute] {
        var result: [TelemetryAttribute] = []
        result.reserveCapacity(pairs.count)
        for pair in pairs { result.append(attribute(pair)) }
        return result
    }

    private mutating func attribute(_ pair: Opentelemetry_Proto_Common_V1_KeyValue) -> TelemetryAttribute {
        let key = assembler.intern(pair.key)
        // Strings, the common case, are interned without building an `AttributeValue`.
        if case .stringValue(let text)? = pair.value.value {
            return TelemetryAttribute(key: key, value: .string(assembler.intern(text)))
        }
        return TelemetryAttribute(key: key, value: assembler.store(Self.value(pair.value)))
    }

    static func value(_ any: Opentelemetry_Proto_Common_V1_AnyValue) -> AttributeValue {
        switch any.value {
        case .stringValue(let text): .string(text)
        case .boolValue(let flag): .bool(flag)
        case .intValue(let integer): .int(integer)
        case .doubleValue(let number): .double(number)
        case .bytesValue(let data): .bytes([UInt8](data))
        case .arrayValue(let array): .array(array.values.map(value))
        case .kvlistValue(let list): .keyValueList(list.values.map { AttributeKeyValue(key: $0.key, value: value($0.value)) })
        // `string_value_strindex` refers to a dictionary that trace requests do not have.
        case .stringValueStrindex, nil: .empty
        }
    }

    /// Exactly 16 bytes (what 32 hex digits are in OTLP JSON); zero, which no span may have,
    /// otherwise.
    static func traceID(_ data: Data) -> TraceID {
        guard data.count == 16 else { return .zero }
        return data.withUnsafeBytes { bytes in
            TraceID(
                high: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                low: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }

    /// Exactly 8 bytes; zero otherwise.
    static func spanID(_ data: Data) -> UInt64 {
        guard data.count == 8 else { return 0 }
        return data.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) }
    }
}
