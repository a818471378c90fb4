import LanesModel

/// Reads a binary OTLP `ExportTraceServiceRequest` (the protobuf body of an OTLP/HTTP export)
/// straight into an `OTLPTraceAssembler`: `lanes collect`'s hot path.
///
/// Why not swift-protobuf's generated messages: building them costs 4.4 µs a span on the
/// 2-core machine Lanes is measured on (a storage object per span, a `Data` per id, an
/// `AnyValue` box per attribute), more than the whole budget of a receiver that must take
/// 500,000 spans a second on two cores. This decoder reads the wire format from the request's
/// bytes (`ProtobufWireReader`) into one reused `OTLPSpanData`: ids are loaded from the bytes,
/// strings interned from them (`RawStringInterner`), scalar values stored without a box.
/// The generated messages stay the reference: the collector's tests decode every fixture and
/// mutated copies both ways and require the same trace (or both rejecting).
///
/// Its semantics are protobuf's, as swift-protobuf implements them: fields in any order; the
/// last of a repeated singular field wins; a message field given twice is merged (a resource's
/// attributes, an `AnyValue`'s array, a span's status); a field of an unexpected wire type is
/// skipped as unknown; strings must be valid UTF-8; at most 100 messages (or skipped groups)
/// nested. A resource and a scope are read before the scopes or spans they hold, wherever they
/// are in their message, so that the assembler sees each span's scope whole.
struct OTLPProtobufDecoder {
    private(set) var assembler: OTLPTraceAssembler
    private var interner: RawStringInterner
    private var span = OTLPSpanData()
    private var depthBudget = Self.maximumDepth
    /// False to decode spans without converting them (the benchmark's "decoding alone").
    private let converts: Bool
    /// Spans decoded.
    private(set) var decodedSpans = 0

    /// swift-protobuf's default `messageDepthLimit`.
    static let maximumDepth = 100

    private typealias Reader = ProtobufWireReader
    private typealias Body = (start: Int, count: Int)

    /// A decoder for a request of `byteCount` bytes.
    init(byteCount: Int, converts: Bool = true) {
        self.converts = converts
        assembler = OTLPTraceAssembler(expectedSpans: byteCount / 64)
        // Small enough to build for every request, large enough for a request's distinct strings.
        interner = RawStringInterner(maximumEntries: max(256, byteCount / 64))
    }

    /// Reads the request in `bytes` into the assembler.
    mutating func readRequest(_ bytes: UnsafeRawBufferPointer) throws(OTLPRequestError) {
        guard var reader = Reader(bytes) else { return }
        try enterMessage()
        while let tag = try reader.nextTag() {
            if tag == Reader.tag(1, Reader.lengthDelimited) {
                let body = try reader.lengthDelimited()
                try readResourceSpans(&reader, body)
            } else {
                try reader.skip(tag: tag, depthBudget: &depthBudget)
            }
        }
        depthBudget += 1
    }

    @inline(__always)
    private mutating func enterMessage() throws(OTLPRequestError) {
        depthBudget -= 1
        guard depthBudget >= 0 else { throw Reader.tooDeep() }
    }

    /// Starts reading the message whose body is `body` (one nesting level more); returns what
    /// `leave` needs to go back to the message that holds it.
    @inline(__always)
    private mutating func enter(_ reader: inout Reader, _ body: Body) throws(OTLPRequestError) -> (position: Int, end: Int) {
        try enterMessage()
        return reader.enter(start: body.start, count: body.count)
    }

    /// Back to the message that holds the one `enter` began.
    @inline(__always)
    private mutating func leave(_ reader: inout Reader, _ saved: (position: Int, end: Int)) {
        reader.leave(saved)
        depthBudget += 1
    }

    // MARK: Resources and scopes

    /// `ResourceSpans`: its resource and schema URL first, then its scopes.
    private mutating func readResourceSpans(_ reader: inout Reader, _ body: Body) throws(OTLPRequestError) {
        let saved = try enter(&reader, body)
        var resource = TelemetryResource()
        var schemaURL: Body?
        while let tag = try reader.nextTag() {
            switch tag {
            case Reader.tag(1, Reader.lengthDelimited): try readResource(&reader, try reader.lengthDelimited(), into: &resource)
            case Reader.tag(3, Reader.lengthDelimited): schemaURL = try validString(&reader)
            default: try reader.skip(tag: tag, depthBudget: &depthBudget)
            }
        }
        resource.schemaURL = intern(reader, schemaURL)
        let handle = assembler.addResource(resource)
        // Then the scopes (every field was checked above; only the scopes are read now).
        reader.restart(at: body.start)
        while let tag = try reader.nextTag() {
            if tag == Reader.tag(2, Reader.lengthDelimited) {
                try readScopeSpans(&reader, try reader.lengthDelimited(), resource: handle)
            } else {
                try reader.skip(tag: tag, depthBudget: &depthBudget)
            }
        }
        leave(&reader, saved)
    }

    /// `Resource` (merged into `resource` when a request repeats the field).
    private mutating func readResource(_ reader: inout Reader, _ body: Body, into resource: inout TelemetryResource) throws(OTLPRequestError) {
        let saved = try enter(&reader, body)
        while let tag = try reader.nextTag() {
            switch tag {
            case Reader.tag(1, Reader.lengthDelimited): resource.attributes.append(try readKeyValue(&reader, try reader.lengthDelimited()))
            case Reader.tag(2, Reader.varint): resource.droppedAttributes = UInt32(truncatingIfNeeded: try reader.varint())
            case Reader.tag(3, Reader.lengthDelimited): try checkEntityRef(&reader, try reader.lengthDelimited())
            default: try reader.skip(tag: tag, depthBudget: &depthBudget)
            }
        }
        leave(&reader, saved)
    }

    /// `EntityRef` (a resource's entity references): not kept, but checked as swift-protobuf
    /// checks them (its strings must be UTF-8).
    private mutating func checkEntityRef(_ reader: inout Reader, _ body: Body) throws(OTLPRequestError) {
        let saved = try enter(&reader, body)
        while let tag = try reader.nextTag() {
            switch tag {
            case Reader.tag(1, Reader.lengthDelimited), Reader.tag(2, Reader.lengthDelimited),
                 Reader.tag(3, Reader.lengthDelimited), Reader.tag(4, Reader.lengthDelimited):
                _ = try validString(&reader)
            default: try reader.skip(tag: tag, depthBudget: &depthBudget)
            }
        }
        leave(&reader, saved)
    }

    /// `ScopeSpans`: its scope and schema URL first, then its spans.
    private mutating func readScopeSpans(_ reader: inout Reader, _ body: Body, resource: Int32) throws(OTLPRequestError) {
        let saved = try enter(&reader, body)
        var name: Body?
        var version: Body?
        var attributes: [TelemetryAttribute] = []
        var droppedAttributes: UInt32 = 0
        var schemaURL: Body?
        while let tag = try reader.nextTag() {
            switch tag {
            case Reader.tag(1, Reader.lengthDelimited):
                let scope = try reader.lengthDelimited()
                let outer = try enter(&reader, scope)
                while let tag = try reader.nextTag() {
                    switch tag {
                    case Reader.tag(1, Reader.lengthDelimited): name = try validString(&reader)
                    case Reader.tag(2, Reader.lengthDelimited): version = try validString(&reader)
                    case Reader.tag(3, Reader.lengthDelimited): attributes.append(try readKeyValue(&reader, try reader.lengthDelimited()))
                    case Reader.tag(4, Reader.varint): droppedAttributes = UInt32(truncatingIfNeeded: try reader.varint())
                    default: try reader.skip(tag: tag, depthBudget: &depthBudget)
                    }
                }
                leave(&reader, outer)
            case Reader.tag(3, Reader.lengthDelimited): schemaURL = try validString(&reader)
            default: try reader.skip(tag: tag, depthBudget: &depthBudget)
            }
        }
        let scope = assembler.addScope(TelemetryScope(
            resource: resource, name: intern(reader, name), version: intern(reader, version), attributes: attributes,
            droppedAttributes: droppedAttributes, schemaURL: intern(reader, schemaURL)))
        reader.restart(at: body.start)
        while let tag = try reader.nextTag() {
            if tag == Reader.tag(2, Reader.lengthDelimited) {
                try readSpan(&reader, try reader.lengthDelimited())
                decodedSpans += 1
                if converts { assembler.addSpan(span, scope: scope) }
            } else {
                try reader.skip(tag: tag, depthBudget: &depthBudget)
            }
        }
        leave(&reader, saved)
    }

    // MARK: Spans

    /// `Span` into `span`.
    private mutating func readSpan(_ reader: inout Reader, _ body: Body) throws(OTLPRequestError) {
        let saved = try enter(&reader, body)
        span.reset()
        var name: Body?
        var traceState: Body?
        var statusMessage: Body?
        var hasStatus = false
        var statusCode: Int32 = 0
        while let tag = try reader.nextTag() {
            switch tag {
            case Reader.tag(1, Reader.lengthDelimited): span.traceID = try reader.traceIDField()
            case Reader.tag(2, Reader.lengthDelimited): span.spanID = try reader.spanIDField()
            case Reader.tag(3, Reader.lengthDelimited): traceState = try validString(&reader)
            case Reader.tag(4, Reader.lengthDelimited): span.parentSpanID = try reader.spanIDField()
            case Reader.tag(5, Reader.lengthDelimited): name = try validString(&reader)
            case Reader.tag(6, Reader.varint):
                span.kind = Self.kind(Int32(truncatingIfNeeded: try reader.varint()))
            case Reader.tag(7, Reader.fixed64): span.startTimeUnixNano = try reader.fixed64()
            case Reader.tag(8, Reader.fixed64): span.endTimeUnixNano = try reader.fixed64()
            case Reader.tag(9, Reader.lengthDelimited): span.attributes.append(try readKeyValue(&reader, try reader.lengthDelimited()))
            case Reader.tag(10, Reader.varint): span.droppedAttributesCount = UInt32(truncatingIfNeeded: try reader.varint())
            case Reader.tag(11, Reader.lengthDelimited): span.events.append(try readEvent(&reader, try reader.lengthDelimited()))
            case Reader.tag(12, Reader.varint): span.droppedEventsCount = UInt32(truncatingIfNeeded: try reader.varint())
            case Reader.tag(13, Reader.lengthDelimited): span.links.append(try readLink(&reader, try reader.lengthDelimited()))
            case Reader.tag(14, Reader.varint): span.droppedLinksCount = UInt32(truncatingIfNeeded: try reader.varint())
            case Reader.tag(15, Reader.lengthDelimited):
                hasStatus = true
                let status = try reader.lengthDelimited()
                let outer = try enter(&reader, status)
                while let tag = try reader.nextTag() {
                    switch tag {
                    case Reader.tag(2, Reader.lengthDelimited): statusMessage = try validString(&reader)
                    case Reader.tag(3, Reader.varint): statusCode = Int32(truncatingIfNeeded: try reader.varint())
                    default: try reader.skip(tag: tag, depthBudget: &depthBudget)
                    }
                }
                leave(&reader, outer)
            case Reader.tag(16, Reader.fixed32): span.flags = try reader.fixed32()
            default: try reader.skip(tag: tag, depthBudget: &depthBudget)
            }
        }
        span.name = intern(reader, name)
        span.traceState = intern(reader, traceState)
        if hasStatus {
            span.statusCode = OpenTelemetryStatusCode(rawValue: UInt8(clamping: statusCode)) ?? .unset
            span.statusMessage = intern(reader, statusMessage)
        }
        leave(&reader, saved)
    }

    /// An enum's number as the span kind (numbers OTLP does not define: unspecified).
    private static func kind(_ number: Int32) -> OpenTelemetryKind {
        OpenTelemetryKind(rawValue: UInt8(clamping: number)) ?? .unspecified
    }

    /// `Span.Event`.
    private mutating func readEvent(_ reader: inout Reader, _ body: Body) throws(OTLPRequestError) -> OTLPEventData {
        let saved = try enter(&reader, body)
        var event = OTLPEventData()
        var name: Body?
        while let tag = try reader.nextTag() {
            switch tag {
            case Reader.tag(1, Reader.fixed64): event.timeUnixNano = try reader.fixed64()
            case Reader.tag(2, Reader.lengthDelimited): name = try validString(&reader)
            case Reader.tag(3, Reader.lengthDelimited): event.attributes.append(try readKeyValue(&reader, try reader.lengthDelimited()))
            case Reader.tag(4, Reader.varint): event.droppedAttributesCount = UInt32(truncatingIfNeeded: try reader.varint())
            default: try reader.skip(tag: tag, depthBudget: &depthBudget)
            }
        }
        event.name = intern(reader, name)
        leave(&reader, saved)
        return event
    }

    /// `Span.Link`.
    private mutating func readLink(_ reader: inout Reader, _ body: Body) throws(OTLPRequestError) -> OTLPLinkData {
        let saved = try enter(&reader, body)
        var link = OTLPLinkData()
        var traceState: Body?
        while let tag = try reader.nextTag() {
            switch tag {
            case Reader.tag(1, Reader.lengthDelimited): link.traceID = try reader.traceIDField()
            case Reader.tag(2, Reader.lengthDelimited): link.spanID = try reader.spanIDField()
            case Reader.tag(3, Reader.lengthDelimited): traceState = try validString(&reader)
            case Reader.tag(4, Reader.lengthDelimited): link.attributes.append(try readKeyValue(&reader, try reader.lengthDelimited()))
            case Reader.tag(5, Reader.varint): link.droppedAttributesCount = UInt32(truncatingIfNeeded: try reader.varint())
            case Reader.tag(6, Reader.fixed32): link.flags = try reader.fixed32()
            default: try reader.skip(tag: tag, depthBudget: &depthBudget)
            }
        }
        link.traceState = intern(reader, traceState)
        leave(&reader, saved)
        return link
    }

    // MARK: Attributes

    /// An `AnyValue` as read so far: strings and bytes stay positions in the body until the
    /// attribute is complete (a later field of the value may replace them).
    private enum ValueState {
        case empty
        case string(Body)
        case bytes(Body)
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case array([AttributeValue])
        case keyValueList([AttributeKeyValue])
    }

    /// A `KeyValue` of a span, event, link, resource or scope: its key interned, its value
    /// stored (a string interned; anything else through `OTLPTraceAssembler.store`).
    private mutating func readKeyValue(_ reader: inout Reader, _ body: Body) throws(OTLPRequestError) -> TelemetryAttribute {
        let (key, value) = try readKeyValueFields(&reader, body)
        let keyIndex = intern(reader, key)
        if case .string(let text) = value {
            return TelemetryAttribute(key: keyIndex, value: .string(intern(reader, text)))
        }
        return TelemetryAttribute(key: keyIndex, value: assembler.store(Self.attributeValue(value, reader)))
    }

    /// A `KeyValue` inside a key-value list value.
    private mutating func readNestedKeyValue(_ reader: inout Reader, _ body: Body) throws(OTLPRequestError) -> AttributeKeyValue {
        let (key, value) = try readKeyValueFields(&reader, body)
        return AttributeKeyValue(key: key.map { Self.string(reader, $0) } ?? "", value: Self.attributeValue(value, reader))
    }

    /// A `KeyValue`'s key (the last given) and value (merged) as read.
    private mutating func readKeyValueFields(_ reader: inout Reader, _ body: Body) throws(OTLPRequestError) -> (key: Body?, value: ValueState) {
        let saved = try enter(&reader, body)
        var key: Body?
        var value = ValueState.empty
        while let tag = try reader.nextTag() {
            switch tag {
            case Reader.tag(1, Reader.lengthDelimited): key = try validString(&reader)
            case Reader.tag(2, Reader.lengthDelimited): try readAnyValue(&reader, try reader.lengthDelimited(), into: &value)
            case Reader.tag(3, Reader.varint): _ = try reader.varint()  // key_strindex: profiles only
            default: try reader.skip(tag: tag, depthBudget: &depthBudget)
            }
        }
        leave(&reader, saved)
        return (key, value)
    }

    /// `AnyValue` merged into `value` (the last field of its `oneof` wins; an array or list
    /// given again grows).
    private mutating func readAnyValue(_ reader: inout Reader, _ body: Body, into value: inout ValueState) throws(OTLPRequestError) {
        let saved = try enter(&reader, body)
        while let tag = try reader.nextTag() {
            switch tag {
            case Reader.tag(1, Reader.lengthDelimited): value = .string(try validString(&reader))
            case Reader.tag(2, Reader.varint): value = .bool(try reader.varint() != 0)
            case Reader.tag(3, Reader.varint): value = .int(Int64(bitPattern: try reader.varint()))
            case Reader.tag(4, Reader.fixed64): value = .double(Double(bitPattern: try reader.fixed64()))
            case Reader.tag(5, Reader.lengthDelimited):
                var values: [AttributeValue] = []
                if case .array(let earlier) = value { values = earlier }
                value = .empty  // `values` is then the only reference to the storage
                let array = try reader.lengthDelimited()
                let outer = try enter(&reader, array)
                while let tag = try reader.nextTag() {
                    if tag == Reader.tag(1, Reader.lengthDelimited) {
                        var element = ValueState.empty
                        try readAnyValue(&reader, try reader.lengthDelimited(), into: &element)
                        values.append(Self.attributeValue(element, reader))
                    } else {
                        try reader.skip(tag: tag, depthBudget: &depthBudget)
                    }
                }
                leave(&reader, outer)
                value = .array(values)
            case Reader.tag(6, Reader.lengthDelimited):
                var pairs: [AttributeKeyValue] = []
                if case .keyValueList(let earlier) = value { pairs = earlier }
                value = .empty
                let list = try reader.lengthDelimited()
                let outer = try enter(&reader, list)
                while let tag = try reader.nextTag() {
                    if tag == Reader.tag(1, Reader.lengthDelimited) {
                        pairs.append(try readNestedKeyValue(&reader, try reader.lengthDelimited()))
                    } else {
                        try reader.skip(tag: tag, depthBudget: &depthBudget)
                    }
                }
                leave(&reader, outer)
                value = .keyValueList(pairs)
            case Reader.tag(7, Reader.lengthDelimited): value = .bytes(try reader.lengthDelimited())
            // `string_value_strindex` refers to a dictionary trace requests do not have.
            case Reader.tag(8, Reader.varint):
                _ = try reader.varint()
                value = .empty
            default: try reader.skip(tag: tag, depthBudget: &depthBudget)
            }
        }
        leave(&reader, saved)
    }

    private static func attributeValue(_ value: ValueState, _ reader: Reader) -> AttributeValue {
        switch value {
        case .empty: .empty
        case .string(let body): .string(string(reader, body))
        case .bytes(let body): .bytes(Array(reader.bytes(start: body.start, count: body.count)))
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(number)
        case .double(let number): .double(number)
        case .array(let values): .array(values)
        case .keyValueList(let pairs): .keyValueList(pairs)
        }
    }

    // MARK: Strings

    /// A string field's body, checked to be UTF-8 (as swift-protobuf checks every string it reads).
    @inline(__always)
    private func validString(_ reader: inout Reader) throws(OTLPRequestError) -> Body {
        let body = try reader.lengthDelimited()
        let bytes = reader.bytes(start: body.start, count: body.count)
        guard Self.isASCII(bytes) || String(validating: bytes, as: UTF8.self) != nil else {
            throw OTLPRequestError(reason: "not a protobuf ExportTraceServiceRequest (a string is not valid UTF-8, at byte \(body.start))")
        }
        return body
    }

    @inline(__always)
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        var bits: UInt64 = 0
        while offset + 8 <= bytes.count {
            bits |= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < bytes.count {
            bits |= UInt64(base[offset])
            offset += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    /// The string index of a checked string body (0-length or absent: the empty string's).
    @inline(__always)
    private mutating func intern(_ reader: Reader, _ body: Body?) -> UInt32 {
        let bytes = reader.bytes(start: body?.start ?? 0, count: body?.count ?? 0)
        return interner.index(of: bytes) { assembler.intern($0) }
    }

    /// A checked string body as a `String`.
    private static func string(_ reader: Reader, _ body: Body) -> String {
        String(decoding: reader.bytes(start: body.start, count: body.count), as: UTF8.self)
    }
}

extension OTLPConvertedRequest {
    /// Reads one request in the binary protobuf encoding (`OTLPProtobufDecoder`). Throws a
    /// one-line reason when the bytes are not such a request: a request body is all or nothing.
    public init(protobufRequest bytes: [UInt8]) throws(OTLPRequestError) {
        let decoded = bytes.withUnsafeBytes { raw in
            Result { () throws(OTLPRequestError) in try OTLPConvertedRequest(protobufRequest: raw) }
        }
        self = try decoded.get()
    }

    /// Reads one request in the binary protobuf encoding from borrowed bytes (a receiver's
    /// buffer, without copying it).
    public init(protobufRequest bytes: UnsafeRawBufferPointer) throws(OTLPRequestError) {
        var decoder = OTLPProtobufDecoder(byteCount: bytes.count)
        try decoder.readRequest(bytes)
        self.init(decoder.assembler)
    }

    /// Decodes a binary request into `OTLPSpanData` without converting its spans, and counts
    /// them: the decoder's cost alone, which the `collect` benchmark compares with swift-protobuf's.
    public static func decodedSpanCount(ofProtobufRequest bytes: [UInt8]) throws(OTLPRequestError) -> Int {
        let decoded: Result<Int, OTLPRequestError> = bytes.withUnsafeBytes { raw in
            var decoder = OTLPProtobufDecoder(byteCount: raw.count, converts: false)
            do throws(OTLPRequestError) {
                try decoder.readRequest(raw)
            } catch {
                return .failure(error)
            }
            return .success(decoder.decodedSpans)
        }
        return try decoded.get()
    }
}
