import LanesModel
import LanesWriter

/// Writes the spans of a `Trace` as `.lanes` events: a span's begin (or instant) with its
/// attributes and OpenTelemetry facts (identity, status, events, links), its end, and the
/// trace's resource and scope records.
///
/// One implementation for both writers of traces: `LanesTraceWriter` (a whole trace, its string
/// table written first, so file string ids are the trace's own indexes) and `OTLPStreamWriter`
/// (one OTLP request's trace at a time, appended to a growing file that numbers strings, scopes
/// and spans itself).
struct TraceEventWriting {
    let trace: Trace
    /// The file id of each of the trace's strings, by string index; nil when they are the same.
    var fileStrings: [UInt32]?
    /// The file id of `text`, for strings that may not be in the trace's table (inside bytes,
    /// array and list values, task names).
    var stringID: (String) -> UInt32
    /// The file id of each of the trace's scopes; nil when scope `i` is file scope `i + 1`.
    var fileScopes: [UInt32]?
    /// Added to the trace's times to give the file's.
    var timeOffset: Int64
    /// Where each span's attributes, facts, events and links are (one pass over the trace here
    /// instead of a binary search per span and list while writing).
    private let lists: SpanListIndex

    init(
        trace: Trace, fileStrings: [UInt32]? = nil, fileScopes: [UInt32]? = nil, timeOffset: Int64 = 0,
        stringID: @escaping (String) -> UInt32
    ) {
        self.trace = trace
        self.fileStrings = fileStrings
        self.fileScopes = fileScopes
        self.timeOffset = timeOffset
        self.stringID = stringID
        self.lists = SpanListIndex(trace)
    }

    /// The file id of the trace's string `index`.
    @inline(__always)
    func fileString(_ index: UInt32) -> UInt32 {
        guard let fileStrings else { return index }
        return Int(index) < fileStrings.count ? fileStrings[Int(index)] : 0
    }

    /// The file id of the trace's scope `scope` (0 for -1: Lanes' own scope).
    func fileScope(_ scope: Int32) -> UInt32 {
        guard scope >= 0 else { return 0 }
        guard let fileScopes else { return UInt32(scope + 1) }
        return Int(scope) < fileScopes.count ? fileScopes[Int(scope)] : 0
    }

    /// A stored value as written.
    func fileValue(_ stored: StoredAttributeValue) -> LanesFileValue {
        switch stored.type {
        case .string: .string(fileString(UInt32(truncatingIfNeeded: stored.bits)))
        case .bool: .bool(stored.bits != 0)
        case .int: .int(Int64(bitPattern: stored.bits))
        case .double: .double(Double(bitPattern: stored.bits))
        case .empty: .empty
        default: LanesFileValue(trace.value(of: stored), stringID: stringID)
        }
    }

    func fileAttributes(_ attributes: some Sequence<TelemetryAttribute>) -> [LanesFileAttribute] {
        attributes.map { LanesFileAttribute(key: fileString($0.key), value: fileValue($0.value)) }
    }

    /// The record of the trace's resource `index`, as file resource `id`.
    func resourceRecord(_ index: Int, id: UInt32) -> [UInt8] {
        let resource = trace.telemetry.resources[index]
        return RecordFraming.resource(
            id: id, schemaURL: fileString(resource.schemaURL), droppedAttributes: resource.droppedAttributes,
            attributes: fileAttributes(resource.attributes))
    }

    /// The record of the trace's scope `index`, as file scope `id` of file resource `resource`.
    func scopeRecord(_ index: Int, id: UInt32, resource: UInt32) -> [UInt8] {
        let scope = trace.telemetry.scopes[index]
        return RecordFraming.scope(
            id: id, resource: resource, name: fileString(scope.name), version: fileString(scope.version),
            schemaURL: fileString(scope.schemaURL), droppedAttributes: scope.droppedAttributes,
            attributes: fileAttributes(scope.attributes))
    }

    /// Resources then scopes: resource `i` is file resource `i + 1`, scope `i` file scope `i + 1`.
    func resourceAndScopeRecords() -> [UInt8] {
        var bytes: [UInt8] = []
        for index in trace.telemetry.resources.indices {
            bytes.append(contentsOf: resourceRecord(index, id: UInt32(index + 1)))
        }
        for (index, scope) in trace.telemetry.scopes.enumerated() {
            bytes.append(contentsOf: scopeRecord(index, id: UInt32(index + 1), resource: scope.resource >= 0 ? UInt32(scope.resource + 1) : 0))
        }
        return bytes
    }

    /// Whether span `span` is written as one `instant` event (no begin and end).
    func isInstantOnly(_ span: Int) -> Bool {
        trace.spanFlags[span] == .instant && trace.spanKind[span] == .unknown
            && trace.spanStatus[span] == .ok && trace.duration(ofSpan: span) == 0
    }

    /// Span `span`'s begin (or instant, see `isInstantOnly`) as file span `fileID` at file time
    /// `time`, child of file span `parent` (0: none) in task `task`, then its attributes and
    /// OpenTelemetry facts.
    func writeStart(ofSpan span: Int, as fileID: UInt64, parent: UInt64, task: UInt64, time: Int64, to encoder: inout LanesChunkEncoder) {
        let name = fileString(trace.spanName[span])
        if isInstantOnly(span) {
            encoder.instant(span: fileID, parent: parent, name: name, task: task, time: time)
        } else {
            encoder.begin(
                span: fileID, parent: parent, kind: trace.spanKind[span], name: name,
                task: task, onExecutor: trace.spanFlags[span].contains(.onExecutor), time: time)
            if trace.spanFlags[span].contains(.instant) { encoder.setFlags(span: fileID, flags: .instant) }
        }
        for position in lists.attributes(ofSpan: span) {
            let attribute = trace.attributes[position]
            encoder.attribute(span: fileID, key: fileString(attribute.key), value: fileValue(attribute.value))
        }
        writeFacts(ofSpan: span, as: fileID, to: &encoder)
    }

    /// Span `span`'s end (with its status and CPU time) as file span `fileID` at file time `time`.
    func writeEnd(ofSpan span: Int, as fileID: UInt64, time: Int64, to encoder: inout LanesChunkEncoder) {
        if trace.spanStatus[span] != .ok {
            encoder.end(span: fileID, time: time, status: trace.spanStatus[span], cpuNanoseconds: trace.cpuNanoseconds(ofSpan: span))
        } else if let cpu = trace.cpuNanoseconds(ofSpan: span) {
            encoder.end(span: fileID, time: time, cpuNanoseconds: cpu)
        } else {
            encoder.end(span: fileID, time: time)
        }
    }

    /// Span `span`'s identity, status, events and links, as file span `fileID`.
    func writeFacts(ofSpan span: Int, as fileID: UInt64, to encoder: inout LanesChunkEncoder) {
        let telemetry = trace.telemetry
        if let position = lists.facts(ofSpan: span) {
            let facts = telemetry.spanFacts[position]
            if facts.hasIdentity || facts.scope >= 0 || facts.kind != .unspecified || facts.parentSpanID != 0
                || facts.flags != 0 || facts.traceState != 0 {
                encoder.spanIdentity(
                    span: fileID, kind: facts.kind, traceID: facts.traceID, spanID: facts.spanID,
                    parentSpanID: facts.parentSpanID, flags: facts.flags, traceState: fileString(facts.traceState),
                    scope: fileScope(facts.scope))
            }
            if facts.statusCode != .unset || facts.statusMessage != 0 || facts.droppedAttributes != 0
                || facts.droppedEvents != 0 || facts.droppedLinks != 0 {
                encoder.spanStatus(
                    span: fileID, code: facts.statusCode, message: fileString(facts.statusMessage),
                    droppedAttributes: facts.droppedAttributes, droppedEvents: facts.droppedEvents,
                    droppedLinks: facts.droppedLinks)
            }
        }
        for position in lists.events(ofSpan: span) {
            let event = telemetry.events[position]
            encoder.spanEvent(
                span: fileID, time: event.time &+ timeOffset, name: fileString(event.name),
                attributes: fileAttributes(trace.attributes(start: event.attributeStart, count: event.attributeCount)),
                droppedAttributes: event.droppedAttributes)
        }
        for position in lists.links(ofSpan: span) {
            let link = telemetry.links[position]
            encoder.spanLink(
                span: fileID, traceID: link.traceID, spanID: link.spanID, traceState: fileString(link.traceState), flags: link.flags,
                attributes: fileAttributes(trace.attributes(start: link.attributeStart, count: link.attributeCount)),
                droppedAttributes: link.droppedAttributes)
        }
    }
}

/// Where each span's items are in a trace's span-sorted lists (attributes, OpenTelemetry facts,
/// events, links): ranges from one counting pass, for writers that visit spans in another order.
struct SpanListIndex {
    private let attributeBounds: [Int32]
    private let eventBounds: [Int32]
    private let linkBounds: [Int32]
    /// The position of each span's facts in `telemetry.spanFacts`, or -1.
    private let factsPosition: [Int32]

    init(_ trace: Trace) {
        let count = trace.spanCount
        attributeBounds = Self.bounds(count: count, trace.attributes.lazy.map { $0.span })
        eventBounds = Self.bounds(count: count, trace.telemetry.events.lazy.map { $0.span })
        linkBounds = Self.bounds(count: count, trace.telemetry.links.lazy.map { $0.span })
        var facts = [Int32](repeating: -1, count: count)
        for (position, span) in trace.telemetry.spans.enumerated() where span >= 0 && Int(span) < count {
            facts[Int(span)] = Int32(position)
        }
        factsPosition = facts
    }

    /// `bounds[s]..<bounds[s + 1]` holds span `s`'s items, for a list sorted by span (items of
    /// spans out of range, first or last in the list, are never visited).
    private static func bounds(count: Int, _ spans: some Sequence<Int32>) -> [Int32] {
        var bounds = [Int32](repeating: 0, count: count + 1)
        var before: Int32 = 0
        for span in spans {
            if span < 0 {
                before += 1
            } else if Int(span) < count {
                bounds[Int(span) + 1] += 1
            }
        }
        bounds[0] = before
        for span in 0..<count { bounds[span + 1] += bounds[span] }
        return bounds
    }

    private func range(_ bounds: [Int32], _ span: Int) -> Range<Int> {
        guard span >= 0, span + 1 < bounds.count else { return 0..<0 }
        return Int(bounds[span])..<Int(bounds[span + 1])
    }

    func attributes(ofSpan span: Int) -> Range<Int> { range(attributeBounds, span) }
    func events(ofSpan span: Int) -> Range<Int> { range(eventBounds, span) }
    func links(ofSpan span: Int) -> Range<Int> { range(linkBounds, span) }

    func facts(ofSpan span: Int) -> Int? {
        guard span >= 0, span < factsPosition.count, factsPosition[span] >= 0 else { return nil }
        return Int(factsPosition[span])
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
