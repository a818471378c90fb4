/// Reading requests straight from JSON: the request's outer levels and each span's fields
/// are read as they come, so a large request is never held as a tree of values.
extension OTLPTraceAssembler {
    /// Reads one `ExportTraceServiceRequest` at the reader's position. Returns why it is not
    /// OTLP, if it is not; throws when it is not valid JSON.
    mutating func readRequest(_ reader: inout JSONReader) throws(JSONSyntaxError) -> String? {
        guard reader.peek() == UInt8(ascii: "{") else {
            let value = try reader.readValue()
            return "not OTLP JSON: expected an ExportTraceServiceRequest object, found \(value.kindDescription)"
        }
        var sawResourceSpans = false
        var problem: String?
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            guard problem == nil, Self.isKey(key, "resourceSpans", "resource_spans", in: reader) else {
                return try reader.skipValue(depth: 1)
            }
            guard reader.peek() == UInt8(ascii: "[") else {
                let value = try reader.readValue(depth: 1)
                problem = "not OTLP JSON: \"resourceSpans\" is \(value.kindDescription), not an array"
                return
            }
            sawResourceSpans = true
            try Self.readArray(&reader) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                try self.readResourceSpans(&reader)
            }
        }
        if let problem { return problem }
        return sawResourceSpans ? nil : "not OTLP JSON: the object has no \"resourceSpans\""
    }

    private mutating func readResourceSpans(_ reader: inout JSONReader) throws(JSONSyntaxError) {
        guard reader.peek() == UInt8(ascii: "{") else { return try reader.skipValue(depth: 2) }
        let resource = resources.count
        resources.append(Resource())
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            if Self.isKey(key, "resource", "resource", in: reader) {
                let value = try reader.readValue(depth: 3)
                self.setResourceAttributes(field(value, "attributes", "attributes"), of: resource)
            } else if Self.isKey(key, "scopeSpans", "scope_spans", in: reader)
                        || Self.isKey(key, "instrumentationLibrarySpans", "instrumentation_library_spans", in: reader) {
                try Self.readArray(&reader) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                    try self.readScopeSpans(&reader, resource: resource)
                }
            } else {
                try reader.skipValue(depth: 3)
            }
        }
    }

    private mutating func readScopeSpans(_ reader: inout JSONReader, resource: Int) throws(JSONSyntaxError) {
        guard reader.peek() == UInt8(ascii: "{") else { return try reader.skipValue(depth: 4) }
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            guard Self.isKey(key, "spans", "spans", in: reader) else { return try reader.skipValue(depth: 5) }
            try Self.readArray(&reader) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                guard reader.peek() == UInt8(ascii: "{") else { return try reader.skipValue(depth: 6) }
                self.addSpan(try self.readSpan(&reader), resource: resource)
            }
        }
    }

    /// One span object's fields; unknown fields (kind, flags, links, …) are skipped.
    func readSpan(_ reader: inout JSONReader) throws(JSONSyntaxError) -> OTLPSpanFields {
        var fields = OTLPSpanFields()
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            if Self.isKey(key, "traceId", "trace_id", in: reader) {
                fields.traceID = try Self.readText(&reader).flatMap(OTLPIdentifiers.traceID)
            } else if Self.isKey(key, "spanId", "span_id", in: reader) {
                fields.spanID = try Self.readText(&reader).flatMap(OTLPIdentifiers.spanID)
            } else if Self.isKey(key, "parentSpanId", "parent_span_id", in: reader) {
                fields.parentSpanID = try Self.readText(&reader).flatMap(OTLPIdentifiers.spanID)
            } else if Self.isKey(key, "name", "name", in: reader) {
                let value = try reader.readValue(depth: 7)
                fields.name = value.stringValue ?? value.attributeText
            } else if Self.isKey(key, "startTimeUnixNano", "start_time_unix_nano", in: reader) {
                fields.begin = try reader.readValue(depth: 7).numberValue?.int64Value ?? 0
            } else if Self.isKey(key, "endTimeUnixNano", "end_time_unix_nano", in: reader) {
                fields.end = try reader.readValue(depth: 7).numberValue?.int64Value ?? 0
            } else if Self.isKey(key, "attributes", "attributes", in: reader) {
                try Self.readArray(&reader) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                    if let attribute = try self.readAttribute(&reader) {
                        fields.attributes.append(OTLPAttribute(key: attribute.key, value: OTLPValue(json: attribute.value)))
                    }
                }
            } else if Self.isKey(key, "status", "status", in: reader) {
                let status = try reader.readValue(depth: 7)
                let code = field(status, "code", "code")
                fields.statusCode = code?.stringValue == "STATUS_CODE_ERROR" ? 2 : code?.numberValue?.int64Value ?? 0
                fields.statusMessage = field(status, "message", "message")?.stringValue ?? ""
            } else if Self.isKey(key, "events", "events", in: reader) {
                fields.events = (try reader.readValue(depth: 7).elements ?? []).map { event in
                    OTLPSpanEventFields(
                        time: time(field(event, "timeUnixNano", "time_unix_nano")),
                        name: field(event, "name", "name")?.stringValue ?? "",
                        attributes: attributes(field(event, "attributes", "attributes")).map {
                            OTLPAttribute(key: $0.key, value: OTLPValue(json: $0.value))
                        })
                }
            } else {
                try reader.skipValue(depth: 7)
            }
        }
        return fields
    }

    /// `{"key": …, "value": {"stringValue": …}}` as (key, plain value); nil without a key.
    func readAttribute(_ reader: inout JSONReader) throws(JSONSyntaxError) -> (key: String, value: JSONValue)? {
        guard reader.peek() == UInt8(ascii: "{") else {
            try reader.skipValue(depth: 9)
            return nil
        }
        var key: String?
        var value = JSONValue.null
        try reader.readObject { (reader: inout JSONReader, member: JSONReader.RawString) throws(JSONSyntaxError) in
            if reader.matches(member, "key") {
                key = try Self.readText(&reader)
            } else if reader.matches(member, "value") {
                value = self.anyValue(try reader.readValue(depth: 10))
            } else {
                try reader.skipValue(depth: 10)
            }
        }
        return key.map { ($0, value) }
    }

    /// A string value; anything else is skipped and reads as nil.
    private static func readText(_ reader: inout JSONReader) throws(JSONSyntaxError) -> String? {
        if reader.peek() == UInt8(ascii: "\"") { return try reader.readString() }
        try reader.skipValue(depth: 8)
        return nil
    }

    /// Reads the elements of an array with `body`; anything but an array is skipped.
    private static func readArray(
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
    private static func isKey(
        _ key: JSONReader.RawString, _ camelCase: StaticString, _ snakeCase: StaticString, in reader: JSONReader
    ) -> Bool {
        reader.matches(key, camelCase) || reader.matches(key, snakeCase)
    }
}
