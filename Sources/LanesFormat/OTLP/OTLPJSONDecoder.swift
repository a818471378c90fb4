import LanesModel

/// Reads OTLP/JSON `ExportTraceServiceRequest`s into an `OTLPTraceAssembler`, field by field as
/// they come: no request is ever held as a tree of values, strings seen before are interned
/// from their bytes, and every span is decoded into one reused `OTLPSpanData`.
///
/// Field names may be lowerCamelCase or protobuf's snake_case; enums integers or names; 64-bit
/// integers numbers or strings; ids hex (or base64). A span reaches the assembler only once its
/// object is read whole, so a request cut off or damaged keeps every span before the damage.
struct OTLPJSONDecoder {
    var assembler: OTLPTraceAssembler
    private var interner = RawStringInterner()
    /// Spans whose object was read whole (and handed to the assembler).
    private(set) var spansRead = 0

    /// A decoder for a file of `byteCount` bytes (used to reserve room: a span takes at least
    /// ~150 bytes of OTLP JSON).
    init(byteCount: Int = 0) {
        assembler = OTLPTraceAssembler(expectedSpans: byteCount / 256)
    }

    /// Reads one request at the reader's position. Returns why it is not an OTLP request, if it
    /// is not; throws when the JSON is damaged or cut off (the spans before stay added).
    mutating func readRequest(_ reader: inout JSONReader) throws(JSONSyntaxError) -> String? {
        guard reader.peek() == UInt8(ascii: "{") else {
            let value = try reader.readValue()
            return "the request is \(value.kindDescription), not an ExportTraceServiceRequest object"
        }
        var sawResourceSpans = false
        var problem: String?
        var otherKeys: [String] = []
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            guard problem == nil, Self.isKey(key, "resourceSpans", "resource_spans", in: reader) else {
                if otherKeys.count < 3 { otherKeys.append(reader.decode(key)) }
                return try reader.skipValue(depth: 1)
            }
            guard reader.peek() == UInt8(ascii: "[") else {
                let value = try reader.readValue(depth: 1)
                problem = "\"resourceSpans\" is \(value.kindDescription), not an array"
                return
            }
            sawResourceSpans = true
            try Self.readArray(&reader) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                try self.readResourceSpans(&reader)
            }
        }
        if let problem { return problem }
        if sawResourceSpans { return nil }
        let keys = otherKeys.map { "\"\($0)\"" }.joined(separator: ", ")
        return "the request has no \"resourceSpans\"" + (keys.isEmpty ? "" : " (its keys: \(keys))")
    }

    private mutating func readResourceSpans(_ reader: inout JSONReader) throws(JSONSyntaxError) {
        guard reader.peek() == UInt8(ascii: "{") else { return try reader.skipValue(depth: 2) }
        var resource = TelemetryResource()
        let handle = assembler.addResource(resource)
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            if reader.matches(key, "resource") {
                guard reader.peek() == UInt8(ascii: "{") else { return try reader.skipValue(depth: 3) }
                try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
                    if reader.matches(key, "attributes") {
                        resource.attributes = try self.readAttributes(&reader)
                    } else if Self.isKey(key, "droppedAttributesCount", "dropped_attributes_count", in: reader) {
                        resource.droppedAttributes = try Self.readCount(&reader)
                    } else {
                        try reader.skipValue(depth: 4)
                    }
                }
                self.assembler.setResource(handle, to: resource)
            } else if Self.isKey(key, "scopeSpans", "scope_spans", in: reader)
                        || Self.isKey(key, "instrumentationLibrarySpans", "instrumentation_library_spans", in: reader) {
                try Self.readArray(&reader) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                    try self.readScopeSpans(&reader, resource: handle)
                }
            } else if Self.isKey(key, "schemaUrl", "schema_url", in: reader) {
                resource.schemaURL = try self.readInternedString(&reader)
                self.assembler.setResource(handle, to: resource)
            } else {
                try reader.skipValue(depth: 3)
            }
        }
    }

    private mutating func readScopeSpans(_ reader: inout JSONReader, resource: Int32) throws(JSONSyntaxError) {
        guard reader.peek() == UInt8(ascii: "{") else { return try reader.skipValue(depth: 4) }
        var scope = TelemetryScope(resource: resource)
        let handle = assembler.addScope(scope)
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            if reader.matches(key, "spans") {
                let inLanesScope = self.assembler.isLanesScope(handle)
                // One value for every span of the list: its lists keep their storage.
                var span = OTLPSpanData()
                try Self.readArray(&reader) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                    guard reader.peek() == UInt8(ascii: "{") else { return try reader.skipValue(depth: 6) }
                    try self.readSpan(&reader, into: &span, lanesFacts: inLanesScope)
                    self.assembler.addSpan(span, scope: handle)
                    self.spansRead += 1
                }
            } else if reader.matches(key, "scope") || Self.isKey(key, "instrumentationLibrary", "instrumentation_library", in: reader) {
                guard reader.peek() == UInt8(ascii: "{") else { return try reader.skipValue(depth: 5) }
                try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
                    if reader.matches(key, "name") {
                        scope.name = try self.readInternedString(&reader)
                    } else if reader.matches(key, "version") {
                        scope.version = try self.readInternedString(&reader)
                    } else if reader.matches(key, "attributes") {
                        scope.attributes = try self.readAttributes(&reader)
                    } else if Self.isKey(key, "droppedAttributesCount", "dropped_attributes_count", in: reader) {
                        scope.droppedAttributes = try Self.readCount(&reader)
                    } else {
                        try reader.skipValue(depth: 6)
                    }
                }
                self.assembler.setScope(handle, to: scope)
            } else if Self.isKey(key, "schemaUrl", "schema_url", in: reader) {
                scope.schemaURL = try self.readInternedString(&reader)
                self.assembler.setScope(handle, to: scope)
            } else {
                try reader.skipValue(depth: 5)
            }
        }
    }

    /// Reads one span object into `span`. With `lanesFacts`, a first attribute named `lanes`
    /// is decoded as Lanes' facts (the fast path for Lanes' own exports).
    private mutating func readSpan(_ reader: inout JSONReader, into span: inout OTLPSpanData, lanesFacts: Bool) throws(JSONSyntaxError) {
        span.reset()
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            if Self.isKey(key, "traceId", "trace_id", in: reader) {
                span.traceID = try Self.readIdentifier(&reader, OTLPIdentifiers.traceID) ?? .zero
            } else if Self.isKey(key, "spanId", "span_id", in: reader) {
                span.spanID = try Self.readIdentifier(&reader, OTLPIdentifiers.spanID) ?? 0
            } else if Self.isKey(key, "parentSpanId", "parent_span_id", in: reader) {
                span.parentSpanID = try Self.readIdentifier(&reader, OTLPIdentifiers.spanID) ?? 0
            } else if reader.matches(key, "name") {
                span.name = try self.readInternedString(&reader)
            } else if reader.matches(key, "kind") {
                span.kind = OpenTelemetryKind(rawValue: UInt8(clamping: try Self.readEnum(&reader, prefix: "SPAN_KIND_", names: Self.kindNames))) ?? .unspecified
            } else if Self.isKey(key, "startTimeUnixNano", "start_time_unix_nano", in: reader) {
                span.startTimeUnixNano = try Self.readUnsigned(&reader)
            } else if Self.isKey(key, "endTimeUnixNano", "end_time_unix_nano", in: reader) {
                span.endTimeUnixNano = try Self.readUnsigned(&reader)
            } else if reader.matches(key, "attributes") {
                try self.readSpanAttributes(&reader, into: &span, lanesFacts: lanesFacts)
            } else if reader.matches(key, "status") {
                try self.readStatus(&reader, into: &span)
            } else if reader.matches(key, "events") {
                try Self.readArray(&reader) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                    if let event = try self.readEvent(&reader) { span.events.append(event) }
                }
            } else if reader.matches(key, "links") {
                try Self.readArray(&reader) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                    if let link = try self.readLink(&reader) { span.links.append(link) }
                }
            } else if Self.isKey(key, "traceState", "trace_state", in: reader) {
                span.traceState = try self.readInternedString(&reader)
            } else if reader.matches(key, "flags") {
                span.flags = UInt32(truncatingIfNeeded: try Self.readUnsigned(&reader))
            } else if Self.isKey(key, "droppedAttributesCount", "dropped_attributes_count", in: reader) {
                span.droppedAttributesCount = try Self.readCount(&reader)
            } else if Self.isKey(key, "droppedEventsCount", "dropped_events_count", in: reader) {
                span.droppedEventsCount = try Self.readCount(&reader)
            } else if Self.isKey(key, "droppedLinksCount", "dropped_links_count", in: reader) {
                span.droppedLinksCount = try Self.readCount(&reader)
            } else {
                try reader.skipValue(depth: 7)
            }
        }
    }

    private mutating func readStatus(_ reader: inout JSONReader, into span: inout OTLPSpanData) throws(JSONSyntaxError) {
        guard reader.peek() == UInt8(ascii: "{") else { return try reader.skipValue(depth: 7) }
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            if reader.matches(key, "code") {
                let code = try Self.readEnum(&reader, prefix: "STATUS_CODE_", names: Self.statusNames)
                span.statusCode = OpenTelemetryStatusCode(rawValue: UInt8(clamping: code)) ?? .unset
            } else if reader.matches(key, "message") {
                span.statusMessage = try self.readInternedString(&reader)
            } else {
                try reader.skipValue(depth: 8)
            }
        }
    }

    private mutating func readEvent(_ reader: inout JSONReader) throws(JSONSyntaxError) -> OTLPEventData? {
        guard reader.peek() == UInt8(ascii: "{") else {
            try reader.skipValue(depth: 8)
            return nil
        }
        var event = OTLPEventData()
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            if Self.isKey(key, "timeUnixNano", "time_unix_nano", in: reader) {
                event.timeUnixNano = try Self.readUnsigned(&reader)
            } else if reader.matches(key, "name") {
                event.name = try self.readInternedString(&reader)
            } else if reader.matches(key, "attributes") {
                event.attributes = try self.readAttributes(&reader)
            } else if Self.isKey(key, "droppedAttributesCount", "dropped_attributes_count", in: reader) {
                event.droppedAttributesCount = try Self.readCount(&reader)
            } else {
                try reader.skipValue(depth: 9)
            }
        }
        return event
    }

    private mutating func readLink(_ reader: inout JSONReader) throws(JSONSyntaxError) -> OTLPLinkData? {
        guard reader.peek() == UInt8(ascii: "{") else {
            try reader.skipValue(depth: 8)
            return nil
        }
        var link = OTLPLinkData()
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            if Self.isKey(key, "traceId", "trace_id", in: reader) {
                link.traceID = try Self.readIdentifier(&reader, OTLPIdentifiers.traceID) ?? .zero
            } else if Self.isKey(key, "spanId", "span_id", in: reader) {
                link.spanID = try Self.readIdentifier(&reader, OTLPIdentifiers.spanID) ?? 0
            } else if Self.isKey(key, "traceState", "trace_state", in: reader) {
                link.traceState = try self.readInternedString(&reader)
            } else if reader.matches(key, "attributes") {
                link.attributes = try self.readAttributes(&reader)
            } else if Self.isKey(key, "droppedAttributesCount", "dropped_attributes_count", in: reader) {
                link.droppedAttributesCount = try Self.readCount(&reader)
            } else if reader.matches(key, "flags") {
                link.flags = UInt32(truncatingIfNeeded: try Self.readUnsigned(&reader))
            } else {
                try reader.skipValue(depth: 9)
            }
        }
        return link
    }

    // MARK: Attributes and values

    /// A span's attributes into `span.attributes`; the first, when `lanesFacts` and named
    /// `lanes`, into `span.lanesFacts` instead.
    private mutating func readSpanAttributes(
        _ reader: inout JSONReader, into span: inout OTLPSpanData, lanesFacts: Bool
    ) throws(JSONSyntaxError) {
        var first = lanesFacts
        try Self.readArray(&reader) { (reader: inout JSONReader) throws(JSONSyntaxError) in
            if first {
                first = false
                if let facts = try Self.readLanesFacts(&reader) {
                    span.lanesFacts = facts
                    return
                }
            }
            if let attribute = try self.readAttribute(&reader) { span.attributes.append(attribute) }
        }
    }

    /// `[{"key": …, "value": {…}}, …]`; entries without a key are skipped.
    private mutating func readAttributes(_ reader: inout JSONReader) throws(JSONSyntaxError) -> [TelemetryAttribute] {
        var attributes: [TelemetryAttribute] = []
        try Self.readArray(&reader) { (reader: inout JSONReader) throws(JSONSyntaxError) in
            if let attribute = try self.readAttribute(&reader) { attributes.append(attribute) }
        }
        return attributes
    }

    private mutating func readAttribute(_ reader: inout JSONReader) throws(JSONSyntaxError) -> TelemetryAttribute? {
        guard reader.peek() == UInt8(ascii: "{") else {
            try reader.skipValue(depth: 9)
            return nil
        }
        var key: UInt32?
        var value = StoredAttributeValue(type: .empty, bits: 0)
        try reader.readObject { (reader: inout JSONReader, member: JSONReader.RawString) throws(JSONSyntaxError) in
            if reader.matches(member, "key") {
                key = try self.readInternedString(&reader)
            } else if reader.matches(member, "value") {
                value = try self.readStoredValue(&reader)
            } else {
                try reader.skipValue(depth: 10)
            }
        }
        return key.map { TelemetryAttribute(key: $0, value: value) }
    }

    /// An `AnyValue` object, stored: scalars in place, strings interned, composites whole.
    private mutating func readStoredValue(_ reader: inout JSONReader) throws(JSONSyntaxError) -> StoredAttributeValue {
        guard reader.peek() == UInt8(ascii: "{") else {
            try reader.skipValue(depth: 10)
            return StoredAttributeValue(type: .empty, bits: 0)
        }
        var stored = StoredAttributeValue(type: .empty, bits: 0)
        try reader.readObject { (reader: inout JSONReader, member: JSONReader.RawString) throws(JSONSyntaxError) in
            if Self.isKey(member, "stringValue", "string_value", in: reader) {
                stored = .string(try self.readInternedString(&reader))
            } else if Self.isKey(member, "intValue", "int_value", in: reader) {
                stored = StoredAttributeValue(type: .int, bits: UInt64(bitPattern: try Self.readSigned(&reader)))
            } else if Self.isKey(member, "boolValue", "bool_value", in: reader) {
                stored = StoredAttributeValue(type: .bool, bits: try Self.readBool(&reader) ? 1 : 0)
            } else if Self.isKey(member, "doubleValue", "double_value", in: reader) {
                stored = StoredAttributeValue(type: .double, bits: try Self.readDouble(&reader).bitPattern)
            } else if let composite = try Self.readComposite(member, &reader, depth: 11) {
                stored = self.assembler.store(composite)
            } else {
                try reader.skipValue(depth: 11)
            }
        }
        return stored
    }

    /// The bytes, array or list member `member` of an `AnyValue`, or nil for any other member
    /// (left unread).
    private static func readComposite(
        _ member: JSONReader.RawString, _ reader: inout JSONReader, depth: Int
    ) throws(JSONSyntaxError) -> AttributeValue? {
        if isKey(member, "bytesValue", "bytes_value", in: reader) {
            guard reader.peek() == UInt8(ascii: "\"") else {
                try reader.skipValue(depth: depth)
                return .bytes([])
            }
            let raw = try reader.readRawString()
            let text = UnsafeBufferPointer(rebasing: reader.bytes[raw.start..<raw.end])
            return .bytes(Base64.decode(text) ?? [])
        }
        if isKey(member, "arrayValue", "array_value", in: reader) {
            var values: [AttributeValue] = []
            try readValuesList(&reader, depth: depth) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                values.append(try readValueTree(&reader, depth: depth + 3))
            }
            return .array(values)
        }
        if isKey(member, "kvlistValue", "kvlist_value", in: reader) {
            var pairs: [AttributeKeyValue] = []
            try readValuesList(&reader, depth: depth) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                guard reader.peek() == UInt8(ascii: "{") else { return try reader.skipValue(depth: depth + 3) }
                var key: String?
                var value = AttributeValue.empty
                try reader.readObject { (reader: inout JSONReader, name: JSONReader.RawString) throws(JSONSyntaxError) in
                    if reader.matches(name, "key") {
                        key = try readText(&reader)
                    } else if reader.matches(name, "value") {
                        value = try readValueTree(&reader, depth: depth + 4)
                    } else {
                        try reader.skipValue(depth: depth + 4)
                    }
                }
                if let key { pairs.append(AttributeKeyValue(key: key, value: value)) }
            }
            return .keyValueList(pairs)
        }
        return nil
    }

    /// `{"values": [ … ]}` (an `ArrayValue` or `KeyValueList`), each element read by `body`.
    private static func readValuesList(
        _ reader: inout JSONReader, depth: Int, _ body: (inout JSONReader) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        guard depth < JSONReader.maximumDepth - 4 else { throw reader.unexpected("values nested too deep") }
        guard reader.peek() == UInt8(ascii: "{") else { return try reader.skipValue(depth: depth) }
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            guard reader.matches(key, "values") else { return try reader.skipValue(depth: depth + 1) }
            try readArray(&reader, body)
        }
    }

    /// An `AnyValue` object as a value tree (inside arrays and lists).
    private static func readValueTree(_ reader: inout JSONReader, depth: Int) throws(JSONSyntaxError) -> AttributeValue {
        guard reader.peek() == UInt8(ascii: "{") else {
            try reader.skipValue(depth: depth)
            return .empty
        }
        var value = AttributeValue.empty
        try reader.readObject { (reader: inout JSONReader, member: JSONReader.RawString) throws(JSONSyntaxError) in
            if isKey(member, "stringValue", "string_value", in: reader) {
                value = .string(try readText(&reader) ?? "")
            } else if isKey(member, "intValue", "int_value", in: reader) {
                value = .int(try readSigned(&reader))
            } else if isKey(member, "boolValue", "bool_value", in: reader) {
                value = .bool(try readBool(&reader))
            } else if isKey(member, "doubleValue", "double_value", in: reader) {
                value = .double(try readDouble(&reader))
            } else if let composite = try readComposite(member, &reader, depth: depth + 1) {
                value = composite
            } else {
                try reader.skipValue(depth: depth + 1)
            }
        }
        return value
    }

    // MARK: Lanes' facts

    /// Reads the attribute at the reader as Lanes' facts if it is `{"key": "lanes", "value":
    /// {"kvlistValue": …}}` written key first (as Lanes writes it); returns nil, having read
    /// nothing, for any other attribute.
    private static func readLanesFacts(_ reader: inout JSONReader) throws(JSONSyntaxError) -> LanesFacts? {
        let start = reader.position
        guard reader.consume(UInt8(ascii: "{")), reader.peek() == UInt8(ascii: "\"") else {
            reader.position = start
            return nil
        }
        let member = try reader.readRawString()
        try reader.expect(UInt8(ascii: ":"), "after an object key")
        guard reader.matches(member, "key"), reader.peek() == UInt8(ascii: "\"") else {
            reader.position = start
            return nil
        }
        let key = try reader.readRawString()
        guard reader.matches(key, "lanes") else {
            reader.position = start
            return nil
        }
        var facts = LanesFacts()
        while reader.consume(UInt8(ascii: ",")) {
            let name = try reader.readRawString()
            try reader.expect(UInt8(ascii: ":"), "after an object key")
            guard reader.matches(name, "value"), reader.peek() == UInt8(ascii: "{") else {
                try reader.skipValue(depth: 10)
                continue
            }
            try reader.readObject { (reader: inout JSONReader, member: JSONReader.RawString) throws(JSONSyntaxError) in
                guard Self.isKey(member, "kvlistValue", "kvlist_value", in: reader) else { return try reader.skipValue(depth: 11) }
                try Self.readValuesList(&reader, depth: 11) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                    try Self.readFact(&reader, into: &facts)
                }
            }
        }
        try reader.expect(UInt8(ascii: "}"), "or ',' in an object")
        return facts
    }

    /// One `{"key": NAME, "value": {…}}` of the facts list. The facts most spans carry (kind,
    /// task, thread, flags, CPU time) are matched on their bytes, without building strings.
    private static func readFact(_ reader: inout JSONReader, into facts: inout LanesFacts) throws(JSONSyntaxError) {
        guard reader.peek() == UInt8(ascii: "{") else { return try reader.skipValue(depth: 14) }
        var name: JSONReader.RawString?
        var integer: Int64?
        var flag: Bool?
        var text: JSONReader.RawString?
        try reader.readObject { (reader: inout JSONReader, member: JSONReader.RawString) throws(JSONSyntaxError) in
            if reader.matches(member, "key"), reader.peek() == UInt8(ascii: "\"") {
                name = try reader.readRawString()
            } else if reader.matches(member, "value"), reader.peek() == UInt8(ascii: "{") {
                try reader.readObject { (reader: inout JSONReader, kind: JSONReader.RawString) throws(JSONSyntaxError) in
                    if isKey(kind, "intValue", "int_value", in: reader) {
                        integer = try readSigned(&reader)
                    } else if isKey(kind, "boolValue", "bool_value", in: reader) {
                        flag = try readBool(&reader)
                    } else if isKey(kind, "stringValue", "string_value", in: reader), reader.peek() == UInt8(ascii: "\"") {
                        text = try reader.readRawString()
                    } else {
                        try reader.skipValue(depth: 16)
                    }
                }
            } else {
                try reader.skipValue(depth: 15)
            }
        }
        guard let name else { return }
        if let integer {
            if reader.matches(name, "task") { facts.task = UInt64(bitPattern: integer); return }
            if reader.matches(name, "thread") { facts.thread = UInt64(bitPattern: integer); return }
            if reader.matches(name, "cpu_ns") { facts.cpuNanoseconds = integer; return }
            facts.record(key: "lanes." + reader.decode(name), value: .number(JSONNumber(integer)))
        } else if let flag {
            if reader.matches(name, "on_executor") { facts.onExecutor = flag; return }
            if reader.matches(name, "instant") { facts.isInstant = flag; return }
            if reader.matches(name, "executor") { facts.executorThread = flag; return }
            facts.record(key: "lanes." + reader.decode(name), value: .bool(flag))
        } else if let text {
            if reader.matches(name, "kind") {
                facts.kind = SpanKind.allCases.first { reader.matches(text, LanesFacts.kindNames[Int($0.rawValue)]) }
                return
            }
            facts.record(key: "lanes." + reader.decode(name), value: .string(reader.decode(text)))
        }
    }

    // MARK: Scalars

    /// A string, interned (from its bytes when it has no escapes); anything else reads as "".
    private mutating func readInternedString(_ reader: inout JSONReader) throws(JSONSyntaxError) -> UInt32 {
        guard reader.peek() == UInt8(ascii: "\"") else {
            try reader.skipValue(depth: 12)
            return 0
        }
        let raw = try reader.readRawString()
        if raw.hasEscapes { return assembler.intern(reader.decode(raw)) }
        if raw.end == raw.start { return 0 }
        let bytes = UnsafeBufferPointer(rebasing: reader.bytes[raw.start..<raw.end])
        return interner.index(of: bytes) { self.assembler.intern($0) }
    }

    /// A string value; anything else is skipped and reads as nil.
    private static func readText(_ reader: inout JSONReader) throws(JSONSyntaxError) -> String? {
        if reader.peek() == UInt8(ascii: "\"") { return try reader.readString() }
        try reader.skipValue(depth: 12)
        return nil
    }

    /// An id string parsed by `parse`; nil for an empty, malformed or non-string value.
    private static func readIdentifier<ID>(
        _ reader: inout JSONReader, _ parse: (UnsafeBufferPointer<UInt8>) -> ID?
    ) throws(JSONSyntaxError) -> ID? {
        guard reader.peek() == UInt8(ascii: "\"") else {
            try reader.skipValue(depth: 8)
            return nil
        }
        let raw = try reader.readRawString()
        guard !raw.hasEscapes else { return nil }
        return parse(UnsafeBufferPointer(rebasing: reader.bytes[raw.start..<raw.end]))
    }

    /// A 64-bit unsigned integer, written as a string of digits (protobuf's JSON mapping) or a
    /// number; anything else reads as 0.
    private static func readUnsigned(_ reader: inout JSONReader) throws(JSONSyntaxError) -> UInt64 {
        if reader.peek() == UInt8(ascii: "\"") {
            let raw = try reader.readRawString()
            return digitsValue(reader.bytes, raw.start, raw.end).map { $0.negative ? 0 &- $0.magnitude : $0.magnitude } ?? 0
        }
        guard let byte = reader.peek(), byte == UInt8(ascii: "-") || byte &- 48 < 10 else {
            try reader.skipValue(depth: 8)
            return 0
        }
        let number = try reader.readNumber()
        if !number.isNegative, number.exponent == 0 { return number.significand }
        return number.int64Value.map { UInt64(bitPattern: $0) } ?? 0
    }

    /// A 64-bit signed integer, as a string or a number.
    private static func readSigned(_ reader: inout JSONReader) throws(JSONSyntaxError) -> Int64 {
        Int64(bitPattern: try readUnsigned(&reader))
    }

    /// A count (`dropped…Count`): an unsigned 32-bit number.
    private static func readCount(_ reader: inout JSONReader) throws(JSONSyntaxError) -> UInt32 {
        UInt32(clamping: try readUnsigned(&reader))
    }

    /// The decimal digits in `bytes[start..<end]` (an optional leading `-`), or nil.
    @inline(__always)
    private static func digitsValue(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (magnitude: UInt64, negative: Bool)? {
        var index = start
        let negative = index < end && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < end, end - index <= 20 else { return nil }
        var value: UInt64 = 0
        // The first 16 digits cannot overflow: they go eight at a time without checks.
        let fastEnd = index + min(16, (end - index) & ~7)
        while index < fastEnd {
            guard let eight = eightDigits(bytes, at: index) else { return nil }
            value = value &* 100_000_000 &+ eight
            index += 8
        }
        while index < end {
            let digit = bytes[index] &- 48
            guard digit < 10 else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = product.addingReportingOverflow(UInt64(digit))
            guard !overflow, !carry else { return nil }
            value = sum
            index += 1
        }
        return (value, negative)
    }

    /// The value of the eight ASCII digits at `index`, or nil when one is not a digit: one load,
    /// a check of all eight bytes and three multiply-and-add steps (Lemire's method).
    @inline(__always)
    private static func eightDigits(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt64? {
        let word = UnsafeRawPointer(bytes.baseAddress.unsafelyUnwrapped + index).loadUnaligned(as: UInt64.self).littleEndian
        let allDigits = ((word & 0xF0F0_F0F0_F0F0_F0F0) | (((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4))
            == 0x3333_3333_3333_3333
        guard allDigits else { return nil }
        var value = word &- 0x3030_3030_3030_3030
        value = value &* 10 &+ (value >> 8)
        value = ((value & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064
            &+ ((value >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001) >> 32
        return value
    }

    /// A boolean (or the strings "true"/"false"); anything else reads as false.
    private static func readBool(_ reader: inout JSONReader) throws(JSONSyntaxError) -> Bool {
        switch reader.peek() {
        case UInt8(ascii: "t"):
            try reader.readLiteral("true")
            return true
        case UInt8(ascii: "f"):
            try reader.readLiteral("false")
            return false
        default:
            return try reader.readValue(depth: 12).boolValue ?? false
        }
    }

    /// A double: a number, or a string holding one or `NaN`, `Infinity`, `-Infinity`.
    private static func readDouble(_ reader: inout JSONReader) throws(JSONSyntaxError) -> Double {
        guard let first = reader.peek() else { throw reader.endOfInput() }
        if first == UInt8(ascii: "\"") {
            let text = try reader.readString()
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: return Double(text) ?? 0
            }
        }
        guard first == UInt8(ascii: "-") || first &- 48 < 10 else {
            try reader.skipValue(depth: 12)
            return 0
        }
        let start = reader.position
        _ = try reader.readNumber()
        // The exact value: `Double(String)` rounds correctly, where `JSONNumber` keeps 19 digits.
        return Double(String(decoding: UnsafeBufferPointer(rebasing: reader.bytes[start..<reader.position]), as: UTF8.self)) ?? 0
    }

    static let kindNames = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"]
    static let statusNames = ["UNSET", "OK", "ERROR"]

    /// An enum written as its number or its name (`SPAN_KIND_SERVER`).
    private static func readEnum(_ reader: inout JSONReader, prefix: String, names: [String]) throws(JSONSyntaxError) -> UInt64 {
        if reader.peek() == UInt8(ascii: "\"") {
            let text = try reader.readString()
            let name = text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
            if let index = names.firstIndex(of: name) { return UInt64(index) }
            return UInt64(text) ?? 0
        }
        return try readUnsigned(&reader)
    }

    // MARK: Structure

    /// Reads the elements of an array with `body`; anything but an array is skipped.
    static func readArray(
        _ reader: inout JSONReader, _ body: (inout JSONReader) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        guard reader.peek() == UInt8(ascii: "[") else { return try reader.skipValue(depth: 8) }
        reader.position += 1
        if reader.consume(UInt8(ascii: "]")) { return }
        while true {
            try body(&reader)
            if reader.consume(UInt8(ascii: ",")) { continue }
            try reader.expect(UInt8(ascii: "]"), "or ',' in an array")
            return
        }
    }

    /// Whether `key` is the field under its lowerCamelCase or its protobuf (snake_case) name.
    @inline(__always)
    static func isKey(
        _ key: JSONReader.RawString, _ camelCase: StaticString, _ snakeCase: StaticString, in reader: JSONReader
    ) -> Bool {
        reader.matches(key, camelCase) || reader.matches(key, snakeCase)
    }
}
