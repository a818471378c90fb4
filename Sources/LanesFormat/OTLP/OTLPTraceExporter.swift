import LanesModel

/// Writes a `Trace` as an OTLP/JSON `ExportTraceServiceRequest`, the body an OpenTelemetry
/// collector accepts on `/v1/traces` and the line its file exporter writes (the whole request
/// on one line, newline-terminated).
///
/// What OpenTelemetry said about a span (`TraceTelemetry`: spans imported from OTLP, spans
/// `LanesTracer` recorded) is written back as it was: ids, parent id, kind, flags, trace state,
/// typed attributes, events, links, status and dropped counts, under the span's own resource
/// and scope, so an OTLP trace read into Lanes exports as it came in.
///
/// Spans Lanes recorded itself go under one resource for the process (`service.name`,
/// `process.pid`) and Lanes' scope (`lanes`, whose attributes hold the recording's clock pair).
/// Their ids are derived reproducibly from the recording (each tree of spans one trace, unless a
/// span of the tree has a recorded trace id), their kind is INTERNAL, an error is status code 2
/// with the recorded message, and Lanes' facts (kind, task, thread, CPU time, flags) are their
/// first attribute, `lanes`, a key-value list (`WellKnownAttributeKey.Lanes`), so that
/// `OTLPTraceImporter` reads back the same spans. Times are Unix nanoseconds, from the trace's
/// clock pair.
public enum OTLPTraceExporter {
    /// The instrumentation scope name of the spans Lanes recorded.
    public static let scopeName = LanesArgumentKey.otlpScope

    /// The request as OTLP/JSON bytes (UTF-8, one line, newline-terminated).
    public static func export(_ trace: Trace) -> [UInt8] {
        var exporter = Exporter(trace: trace)
        return exporter.export()
    }

    /// The root of each span's parent chain (the trace breaks parent cycles, so chains end).
    static func rootOfEachSpan(_ trace: Trace) -> [Int32] {
        var roots = [Int32](repeating: -1, count: trace.spanCount)
        var path: [Int32] = []
        for span in 0..<trace.spanCount where roots[span] < 0 {
            path.removeAll(keepingCapacity: true)
            var node = Int32(span)
            while roots[Int(node)] < 0 {
                path.append(node)
                let parent = trace.spanParent[Int(node)]
                if parent < 0 { roots[Int(node)] = node; break }
                node = parent
            }
            let root = roots[Int(node)]
            for visited in path { roots[Int(visited)] = root }
        }
        return roots
    }
}

/// One export: ids, groups and the JSON being written.
private struct Exporter {
    let trace: Trace
    var writer: JSONWriter
    /// Each span's OpenTelemetry facts, or nil (a dense copy of the sparse table).
    let facts: [SpanTelemetry?]
    let traceIDs: [TraceID]
    let spanIDBase: UInt64
    /// Per scope of the trace (and -1, the scope of Lanes' own spans): whether it is Lanes' scope.
    let lanesScope: [Bool]

    init(trace: Trace) {
        self.trace = trace
        writer = JSONWriter(reservingCapacity: 512 + trace.spanCount * 400)
        var facts = [SpanTelemetry?](repeating: nil, count: trace.spanCount)
        for (span, spanFacts) in zip(trace.telemetry.spans, trace.telemetry.spanFacts) where Int(span) < facts.count {
            facts[Int(span)] = spanFacts
        }
        self.facts = facts
        let metadata = trace.metadata
        let seed = SplitMix64.mix(
            UInt64(bitPattern: metadata.unixNanosecondsAtClock) ^ UInt64(metadata.processID) << 40
                ^ UInt64(bitPattern: metadata.clockAtStart) &* 31)
        // The upper half from the recording, the lower half the span's number: unique, never zero.
        spanIDBase = SplitMix64.mix(seed ^ 0x5A5A) & 0xFFFF_FFFF_0000_0000
        traceIDs = Self.traceIDs(trace, facts: facts, seed: seed)
        lanesScope = trace.telemetry.scopes.map { trace.strings[$0.name] == LanesArgumentKey.otlpScope }
    }

    /// Each span's trace id: its own if it has one; else its nearest ancestor's that has one;
    /// else that of the first span of its tree that has one; else one derived from the tree's root.
    static func traceIDs(_ trace: Trace, facts: [SpanTelemetry?], seed: UInt64) -> [TraceID] {
        let roots = OTLPTraceExporter.rootOfEachSpan(trace)
        var treeTrace: [Int32: TraceID] = [:]
        for span in 0..<trace.spanCount {
            if let own = facts[span], own.hasIdentity, treeTrace[roots[span]] == nil { treeTrace[roots[span]] = own.traceID }
        }
        var result = [TraceID?](repeating: nil, count: trace.spanCount)
        var path: [Int] = []
        for start in 0..<trace.spanCount where result[start] == nil {
            path.removeAll(keepingCapacity: true)
            var node = start
            var found: TraceID?
            while true {
                if let known = result[node] { found = known; break }
                if let own = facts[node], own.hasIdentity {
                    result[node] = own.traceID
                    found = own.traceID
                    break
                }
                path.append(node)
                let parent = trace.spanParent[node]
                if parent < 0 { break }
                node = Int(parent)
            }
            if found == nil, let top = path.last {
                let root = roots[top]
                if let tree = treeTrace[root] {
                    found = tree
                } else {
                    var id = TraceID(high: SplitMix64.mix(seed ^ UInt64(root)), low: SplitMix64.mix(seed &+ UInt64(root) &* 2 &+ 1))
                    if id.isZero { id.low = 1 }
                    found = id
                }
            }
            for visited in path { result[visited] = found }
        }
        return result.map { $0 ?? .zero }
    }

    func spanID(_ span: Int) -> UInt64 {
        if let own = facts[span], own.hasIdentity { return own.spanID }
        return spanIDBase | UInt64(span + 1)
    }

    func unixNanoseconds(_ time: Int64) -> UInt64 {
        UInt64(bitPattern: trace.metadata.unixNanosecondsAtClock &+ (time &- trace.metadata.clockAtStart))
    }

    /// The scope of span `span`: an index into the trace's scopes, or -1 for Lanes' own.
    func scope(ofSpan span: Int) -> Int32 {
        guard let own = facts[span], own.scope >= 0, Int(own.scope) < trace.telemetry.scopes.count else { return -1 }
        return own.scope
    }

    func isLanesScope(_ scope: Int32) -> Bool { scope < 0 || lanesScope[Int(scope)] }

    // MARK: Structure

    mutating func export() -> [UInt8] {
        // Resources, then their scopes, then their spans, each in order of first appearance.
        var resourceOrder: [Int32] = []
        var scopesOfResource: [Int32: [Int32]] = [:]
        var spansOfScope: [Int32: [Int32]] = [:]
        for span in 0..<trace.spanCount {
            let scope = scope(ofSpan: span)
            if spansOfScope[scope] == nil {
                let resource = scope >= 0 ? trace.telemetry.scopes[Int(scope)].resource : -1
                if scopesOfResource[resource] == nil { resourceOrder.append(resource) }
                scopesOfResource[resource, default: []].append(scope)
            }
            spansOfScope[scope, default: []].append(Int32(span))
        }
        writer.writeRaw("{\"resourceSpans\":[")
        var writtenThreads = Set<Int32>()
        var namedTasks = Set<Int32>()
        for (resourcePosition, resource) in resourceOrder.enumerated() {
            if resourcePosition > 0 { writer.writeByte(UInt8(ascii: ",")) }
            writer.writeRaw("{\"resource\":")
            writeResource(resource)
            writer.writeRaw(",\"scopeSpans\":[")
            for (scopePosition, scope) in (scopesOfResource[resource] ?? []).enumerated() {
                if scopePosition > 0 { writer.writeByte(UInt8(ascii: ",")) }
                writer.writeRaw("{\"scope\":")
                writeScope(scope)
                writer.writeRaw(",\"spans\":[")
                for (position, span) in (spansOfScope[scope] ?? []).enumerated() {
                    if position > 0 { writer.writeByte(UInt8(ascii: ",")) }
                    writeSpan(Int(span), inLanesScope: isLanesScope(scope), writtenThreads: &writtenThreads, namedTasks: &namedTasks)
                }
                writer.writeByte(UInt8(ascii: "]"))
                if scope >= 0 { writeSchemaURL(trace.telemetry.scopes[Int(scope)].schemaURL) }
                writer.writeByte(UInt8(ascii: "}"))
            }
            writer.writeByte(UInt8(ascii: "]"))
            if resource >= 0 { writeSchemaURL(trace.telemetry.resources[Int(resource)].schemaURL) }
            writer.writeByte(UInt8(ascii: "}"))
        }
        writer.writeRaw("]}\n")
        return writer.bytes
    }

    mutating func writeSchemaURL(_ url: UInt32) {
        guard url != 0 else { return }
        writer.writeRaw(",\"schemaUrl\":")
        writer.writeString(trace.strings[url])
    }

    mutating func writeResource(_ resource: Int32) {
        writer.writeRaw("{\"attributes\":[")
        if resource >= 0 {
            let stored = trace.telemetry.resources[Int(resource)]
            writeAttributes(stored.attributes)
            writer.writeByte(UInt8(ascii: "]"))
            writeCount("droppedAttributesCount", stored.droppedAttributes)
        } else {
            let metadata = trace.metadata
            writeKey(WellKnownAttributeKey.serviceName)
            writeString(metadata.processName.isEmpty ? "lanes" : metadata.processName)
            writer.writeByte(UInt8(ascii: ","))
            writeKey(WellKnownAttributeKey.processID)
            writeInteger(Int64(metadata.processID))
            writer.writeByte(UInt8(ascii: "]"))
        }
        writer.writeByte(UInt8(ascii: "}"))
    }

    mutating func writeScope(_ scope: Int32) {
        if scope >= 0 {
            let stored = trace.telemetry.scopes[Int(scope)]
            writer.writeRaw("{\"name\":")
            writer.writeString(trace.strings[stored.name])
            if stored.version != 0 {
                writer.writeRaw(",\"version\":")
                writer.writeString(trace.strings[stored.version])
            }
            if !stored.attributes.isEmpty {
                writer.writeRaw(",\"attributes\":[")
                writeAttributes(stored.attributes)
                writer.writeByte(UInt8(ascii: "]"))
            }
            writeCount("droppedAttributesCount", stored.droppedAttributes)
            writer.writeByte(UInt8(ascii: "}"))
        } else {
            writer.writeRaw("{\"name\":")
            writer.writeString(LanesArgumentKey.otlpScope)
            writer.writeRaw(",\"attributes\":[")
            writeKey(LanesArgumentKey.clockAtStart)
            writeInteger(trace.metadata.clockAtStart)
            writer.writeByte(UInt8(ascii: ","))
            writeKey(LanesArgumentKey.unixNanosecondsAtClock)
            writeInteger(trace.metadata.unixNanosecondsAtClock)
            writer.writeRaw("]}")
        }
    }

    // MARK: Spans

    mutating func writeSpan(_ span: Int, inLanesScope: Bool, writtenThreads: inout Set<Int32>, namedTasks: inout Set<Int32>) {
        let own = facts[span]
        writer.writeRaw("{\"traceId\":\"")
        appendHex(traceIDs[span])
        writer.writeRaw("\",\"spanId\":\"")
        OTLPIdentifiers.appendHex(spanID(span), to: &writer.bytes)
        writer.writeByte(UInt8(ascii: "\""))
        if let own, own.traceState != 0 {
            writer.writeRaw(",\"traceState\":")
            writer.writeString(trace.strings[own.traceState])
        }
        let parentID: UInt64 = trace.parent(ofSpan: span).map(spanID) ?? own?.parentSpanID ?? 0
        if parentID != 0 {
            writer.writeRaw(",\"parentSpanId\":\"")
            OTLPIdentifiers.appendHex(parentID, to: &writer.bytes)
            writer.writeByte(UInt8(ascii: "\""))
        }
        if let own, own.flags != 0 {
            writer.writeRaw(",\"flags\":")
            writer.writeUnsigned(UInt64(own.flags))
        }
        writer.writeRaw(",\"name\":")
        writer.writeString(trace.name(ofSpan: span))
        let kind = own.map { $0.hasIdentity ? $0.kind : .internal } ?? .internal
        if kind != .unspecified {
            writer.writeRaw(",\"kind\":")
            writer.writeUnsigned(UInt64(kind.rawValue))
        }
        writer.writeRaw(",\"startTimeUnixNano\":\"")
        writer.writeUnsigned(unixNanoseconds(trace.spanBegin[span]))
        writer.writeRaw("\",\"endTimeUnixNano\":\"")
        writer.writeUnsigned(unixNanoseconds(trace.spanEnd[span]))
        writer.writeRaw("\",\"attributes\":[")
        var needsComma = false
        if inLanesScope {
            writeFacts(ofSpan: span, writtenThreads: &writtenThreads, namedTasks: &namedTasks)
            needsComma = true
        }
        var position = trace.attributes.partitioningIndex { $0.span >= Int32(span) }
        while position < trace.attributes.count, trace.attributes[position].span == Int32(span) {
            if needsComma { writer.writeByte(UInt8(ascii: ",")) }
            needsComma = true
            writeAttribute(trace.attributes[position].key, trace.attributes[position].value)
            position += 1
        }
        writer.writeByte(UInt8(ascii: "]"))
        writeCount("droppedAttributesCount", own?.droppedAttributes ?? 0)
        writeEvents(ofSpan: span)
        writeCount("droppedEventsCount", own?.droppedEvents ?? 0)
        writeLinks(ofSpan: span)
        writeCount("droppedLinksCount", own?.droppedLinks ?? 0)
        writeStatus(ofSpan: span, own)
        writer.writeByte(UInt8(ascii: "}"))
    }

    mutating func writeStatus(ofSpan span: Int, _ own: SpanTelemetry?) {
        var code = own?.statusCode ?? .unset
        if trace.spanStatus[span] == .error { code = .error }
        var message = own.flatMap { $0.statusMessage != 0 ? trace.strings[$0.statusMessage] : nil }
        if code == .error, message == nil { message = trace.errorMessage(ofSpan: span) }
        writer.writeRaw(",\"status\":{")
        if let message, !message.isEmpty {
            writer.writeRaw("\"message\":")
            writer.writeString(message)
            if code != .unset { writer.writeByte(UInt8(ascii: ",")) }
        }
        if code != .unset {
            writer.writeRaw("\"code\":")
            writer.writeUnsigned(UInt64(code.rawValue))
        }
        writer.writeByte(UInt8(ascii: "}"))
    }

    mutating func writeEvents(ofSpan span: Int) {
        let events = trace.events(ofSpan: span)
        guard !events.isEmpty else { return }
        writer.writeRaw(",\"events\":[")
        for (position, event) in events.enumerated() {
            if position > 0 { writer.writeByte(UInt8(ascii: ",")) }
            writer.writeRaw("{\"timeUnixNano\":\"")
            writer.writeUnsigned(unixNanoseconds(event.time))
            writer.writeRaw("\",\"name\":")
            writer.writeString(trace.strings[event.name])
            writeAttributeList(start: event.attributeStart, count: event.attributeCount, dropped: event.droppedAttributes)
            writer.writeByte(UInt8(ascii: "}"))
        }
        writer.writeByte(UInt8(ascii: "]"))
    }

    mutating func writeLinks(ofSpan span: Int) {
        let links = trace.links(ofSpan: span)
        guard !links.isEmpty else { return }
        writer.writeRaw(",\"links\":[")
        for (position, link) in links.enumerated() {
            if position > 0 { writer.writeByte(UInt8(ascii: ",")) }
            writer.writeRaw("{\"traceId\":\"")
            appendHex(link.traceID)
            writer.writeRaw("\",\"spanId\":\"")
            OTLPIdentifiers.appendHex(link.spanID, to: &writer.bytes)
            writer.writeByte(UInt8(ascii: "\""))
            if link.traceState != 0 {
                writer.writeRaw(",\"traceState\":")
                writer.writeString(trace.strings[link.traceState])
            }
            writeAttributeList(start: link.attributeStart, count: link.attributeCount, dropped: link.droppedAttributes)
            if link.flags != 0 {
                writer.writeRaw(",\"flags\":")
                writer.writeUnsigned(UInt64(link.flags))
            }
            writer.writeByte(UInt8(ascii: "}"))
        }
        writer.writeByte(UInt8(ascii: "]"))
    }

    /// The `lanes` attribute: Lanes' facts of a span of Lanes' scope. The task is left out when
    /// the parent (in Lanes' scope too) has the same one; a task's and a thread's name are
    /// written once, on the first span that names the task or the thread.
    mutating func writeFacts(ofSpan span: Int, writtenThreads: inout Set<Int32>, namedTasks: inout Set<Int32>) {
        writeKey(LanesArgumentKey.otlpFacts)
        writer.writeRaw("{\"kvlistValue\":{\"values\":[")
        var first = true
        func separator(_ writer: inout JSONWriter) {
            if !first { writer.writeByte(UInt8(ascii: ",")) }
            first = false
        }
        let kind = trace.spanKind[span]
        if kind != .unknown {
            separator(&writer)
            writeFactKey(LanesArgumentKey.kind)
            writeString(kind.description)
        }
        let task = trace.spanTask[span]
        let parent = trace.spanParent[span]
        let inheritsTask = parent >= 0 && isLanesScope(scope(ofSpan: Int(parent))) && trace.spanTask[Int(parent)] == task
        if !inheritsTask {
            let info = trace.tasks[Int(task)]
            separator(&writer)
            writeFactKey(LanesArgumentKey.task)
            writeInteger(Int64(bitPattern: info.id))
            if !info.name.isEmpty, namedTasks.insert(task).inserted {
                separator(&writer)
                writeFactKey(LanesArgumentKey.taskName)
                writeString(info.name)
            }
        }
        let thread = trace.spanThread[span]
        if thread >= 0, Int(thread) < trace.threads.count {
            let info = trace.threads[Int(thread)]
            separator(&writer)
            writeFactKey(LanesArgumentKey.thread)
            writeInteger(Int64(bitPattern: info.id))
            if writtenThreads.insert(thread).inserted {
                if !info.name.isEmpty {
                    separator(&writer)
                    writeFactKey(LanesArgumentKey.threadName)
                    writeString(info.name)
                }
                if info.isExecutor {
                    separator(&writer)
                    writeFactKey(LanesArgumentKey.executorThread)
                    writer.writeRaw("{\"boolValue\":true}}")
                }
            }
        }
        let flags = trace.spanFlags[span]
        if flags.contains(.onExecutor) {
            separator(&writer)
            writeFactKey(LanesArgumentKey.onExecutor)
            writer.writeRaw("{\"boolValue\":true}}")
        }
        if flags.contains(.instant) {
            separator(&writer)
            writeFactKey(LanesArgumentKey.instant)
            writer.writeRaw("{\"boolValue\":true}}")
        }
        if let cpu = trace.cpuNanoseconds(ofSpan: span) {
            separator(&writer)
            writeFactKey(LanesArgumentKey.cpuNanoseconds)
            writeInteger(cpu)
        }
        if trace.spanStatus[span] == .unfinished {
            separator(&writer)
            writeFactKey(LanesArgumentKey.status)
            writeString("unfinished")
        }
        writer.writeRaw("]}}}")
    }

    // MARK: Attributes and values

    /// `,"attributes":[…]` of an event or link (when it has any) and its dropped count.
    mutating func writeAttributeList(start: Int32, count: Int32, dropped: UInt32) {
        if count > 0 {
            writer.writeRaw(",\"attributes\":[")
            writeAttributes(trace.attributes(start: start, count: count))
            writer.writeByte(UInt8(ascii: "]"))
        }
        writeCount("droppedAttributesCount", dropped)
    }

    mutating func writeAttributes(_ attributes: some Sequence<TelemetryAttribute>) {
        var first = true
        for attribute in attributes {
            if !first { writer.writeByte(UInt8(ascii: ",")) }
            first = false
            writeAttribute(attribute.key, attribute.value)
        }
    }

    mutating func writeAttribute(_ key: UInt32, _ value: StoredAttributeValue) {
        writer.writeRaw("{\"key\":")
        writer.writeString(trace.strings[key])
        writer.writeRaw(",\"value\":")
        switch value.type {
        case .string:
            writer.writeRaw("{\"stringValue\":")
            writer.writeString(trace.strings[UInt32(truncatingIfNeeded: value.bits)])
            writer.writeByte(UInt8(ascii: "}"))
        case .int:
            writer.writeRaw("{\"intValue\":\"")
            writer.writeInteger(Int64(bitPattern: value.bits))
            writer.writeRaw("\"}")
        default:
            writeValue(trace.value(of: value))
        }
        writer.writeByte(UInt8(ascii: "}"))
    }

    /// An `AnyValue` object.
    mutating func writeValue(_ value: AttributeValue) {
        switch value {
        case .string(let text):
            writer.writeRaw("{\"stringValue\":")
            writer.writeString(text)
            writer.writeByte(UInt8(ascii: "}"))
        case .bool(let flag):
            writer.writeRaw(flag ? "{\"boolValue\":true}" : "{\"boolValue\":false}")
        case .int(let number):
            writer.writeRaw("{\"intValue\":\"")
            writer.writeInteger(number)
            writer.writeRaw("\"}")
        case .double(let number):
            writer.writeRaw("{\"doubleValue\":")
            if number.isNaN {
                writer.writeRaw("\"NaN\"")
            } else if number.isInfinite {
                writer.writeRaw(number < 0 ? "\"-Infinity\"" : "\"Infinity\"")
            } else {
                // Swift prints the shortest digits that read back as the same double.
                writer.bytes.append(contentsOf: String(number).utf8)
            }
            writer.writeByte(UInt8(ascii: "}"))
        case .bytes(let bytes):
            writer.writeRaw("{\"bytesValue\":")
            writer.writeString(Base64.encode(bytes))
            writer.writeByte(UInt8(ascii: "}"))
        case .array(let values):
            writer.writeRaw("{\"arrayValue\":{")
            if !values.isEmpty {
                writer.writeRaw("\"values\":[")
                for (index, element) in values.enumerated() {
                    if index > 0 { writer.writeByte(UInt8(ascii: ",")) }
                    writeValue(element)
                }
                writer.writeByte(UInt8(ascii: "]"))
            }
            writer.writeRaw("}}")
        case .keyValueList(let pairs):
            writer.writeRaw("{\"kvlistValue\":{")
            if !pairs.isEmpty {
                writer.writeRaw("\"values\":[")
                for (index, pair) in pairs.enumerated() {
                    if index > 0 { writer.writeByte(UInt8(ascii: ",")) }
                    writer.writeRaw("{\"key\":")
                    writer.writeString(pair.key)
                    writer.writeRaw(",\"value\":")
                    writeValue(pair.value)
                    writer.writeByte(UInt8(ascii: "}"))
                }
                writer.writeByte(UInt8(ascii: "]"))
            }
            writer.writeRaw("}}")
        case .empty:
            writer.writeRaw("{}")
        }
    }

    // MARK: Pieces

    /// `{"key":KEY,"value":` (the caller writes the value and the closing brace).
    mutating func writeKey(_ key: String) {
        writer.writeRaw("{\"key\":")
        writer.writeString(key)
        writer.writeRaw(",\"value\":")
    }

    /// A fact's key inside the `lanes` list (the key without `lanes.`).
    mutating func writeFactKey(_ key: String) {
        writeKey(LanesArgumentKey.otlpFactName(key))
    }

    /// `{"stringValue":TEXT}}`, closing the attribute `writeKey` opened.
    mutating func writeString(_ text: String) {
        writer.writeRaw("{\"stringValue\":")
        writer.writeString(text)
        writer.writeRaw("}}")
    }

    /// `{"intValue":"N"}}`, closing the attribute `writeKey` opened (64-bit integers are JSON
    /// strings in OTLP/JSON, protobuf's mapping).
    mutating func writeInteger(_ value: Int64) {
        writer.writeRaw("{\"intValue\":\"")
        writer.writeInteger(value)
        writer.writeRaw("\"}}")
    }

    mutating func writeCount(_ name: StaticString, _ count: UInt32) {
        guard count != 0 else { return }
        writer.writeRaw(",\"")
        writer.writeRaw(name)
        writer.writeRaw("\":")
        writer.writeUnsigned(UInt64(count))
    }

    mutating func appendHex(_ id: TraceID) {
        OTLPIdentifiers.appendHex(id.high, to: &writer.bytes)
        OTLPIdentifiers.appendHex(id.low, to: &writer.bytes)
    }
}
