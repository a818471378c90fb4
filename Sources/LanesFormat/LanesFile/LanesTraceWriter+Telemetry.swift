import LanesModel
import LanesWriter

/// Writing a trace's OpenTelemetry facts with `LanesTraceWriter`: resource and scope records,
/// and per span its identity, status, typed attributes, events and links.
struct TelemetryWriting {
    let trace: Trace
    /// File ids of strings the trace's table lacks (written after it).
    let extraStringIDs: [String: Int]

    /// The file string id of `text`.
    func stringID(_ text: String) -> UInt32 {
        if let index = trace.strings.index(of: text) { return index }
        return UInt32(extraStringIDs[text] ?? 0)
    }

    /// A stored value as written: string indexes are file ids already (the file's strings
    /// begin with the trace's table).
    func fileValue(_ stored: StoredAttributeValue) -> LanesFileValue {
        switch stored.type {
        case .string: .string(UInt32(truncatingIfNeeded: stored.bits))
        case .bool: .bool(stored.bits != 0)
        case .int: .int(Int64(bitPattern: stored.bits))
        case .double: .double(Double(bitPattern: stored.bits))
        case .empty: .empty
        default: LanesFileValue(trace.value(of: stored), stringID: stringID)
        }
    }

    func fileAttributes(_ attributes: some Sequence<TelemetryAttribute>) -> [LanesFileAttribute] {
        attributes.map { LanesFileAttribute(key: $0.key, value: fileValue($0.value)) }
    }

    /// Resources then scopes: resource `i` is file resource `i + 1`, scope `i` file scope `i + 1`.
    func resourceAndScopeRecords() -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, resource) in trace.telemetry.resources.enumerated() {
            bytes.append(contentsOf: RecordFraming.resource(
                id: UInt32(index + 1), schemaURL: resource.schemaURL, droppedAttributes: resource.droppedAttributes,
                attributes: fileAttributes(resource.attributes)))
        }
        for (index, scope) in trace.telemetry.scopes.enumerated() {
            bytes.append(contentsOf: RecordFraming.scope(
                id: UInt32(index + 1), resource: scope.resource >= 0 ? UInt32(scope.resource + 1) : 0, name: scope.name,
                version: scope.version, schemaURL: scope.schemaURL, droppedAttributes: scope.droppedAttributes,
                attributes: fileAttributes(scope.attributes)))
        }
        return bytes
    }

    /// Span `span`'s identity, status, events and links, as file span `fileID`.
    func writeFacts(ofSpan span: Int, as fileID: UInt64, to encoder: inout LanesChunkEncoder) {
        if let facts = trace.telemetry(ofSpan: span) {
            if facts.hasIdentity || facts.scope >= 0 || facts.kind != .unspecified || facts.parentSpanID != 0
                || facts.flags != 0 || facts.traceState != 0 {
                encoder.spanIdentity(
                    span: fileID, kind: facts.kind, traceID: facts.traceID, spanID: facts.spanID,
                    parentSpanID: facts.parentSpanID, flags: facts.flags, traceState: facts.traceState,
                    scope: facts.scope >= 0 ? UInt32(facts.scope + 1) : 0)
            }
            if facts.statusCode != .unset || facts.statusMessage != 0 || facts.droppedAttributes != 0
                || facts.droppedEvents != 0 || facts.droppedLinks != 0 {
                encoder.spanStatus(
                    span: fileID, code: facts.statusCode, message: facts.statusMessage,
                    droppedAttributes: facts.droppedAttributes, droppedEvents: facts.droppedEvents,
                    droppedLinks: facts.droppedLinks)
            }
        }
        for event in trace.events(ofSpan: span) {
            encoder.spanEvent(
                span: fileID, time: event.time, name: event.name,
                attributes: fileAttributes(trace.attributes(start: event.attributeStart, count: event.attributeCount)),
                droppedAttributes: event.droppedAttributes)
        }
        for link in trace.links(ofSpan: span) {
            encoder.spanLink(
                span: fileID, traceID: link.traceID, spanID: link.spanID, traceState: link.traceState, flags: link.flags,
                attributes: fileAttributes(trace.attributes(start: link.attributeStart, count: link.attributeCount)),
                droppedAttributes: link.droppedAttributes)
        }
    }
}

extension AttributeValue {
    /// Calls `body` with every string inside the value (strings and list keys, nested too).
    func forEachString(_ body: (String) -> Void) {
        switch self {
        case .string(let text): body(text)
        case .array(let values): for value in values { value.forEachString(body) }
        case .keyValueList(let pairs):
            for pair in pairs {
                body(pair.key)
                pair.value.forEachString(body)
            }
        default: break
        }
    }
}
