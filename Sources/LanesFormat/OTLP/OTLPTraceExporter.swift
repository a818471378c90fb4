import LanesModel

/// Writes a `Trace` as an OTLP/JSON `ExportTraceServiceRequest`, the body an OpenTelemetry
/// collector accepts on `/v1/traces` and the line its file exporter writes.
///
/// One resource (service.name = the process name) holds one scope named "lanes" with every
/// span. Ids are hex (32 digits for a trace, 16 for a span) and derived reproducibly from the
/// recording: each root span starts a trace, its descendants share that trace id. Times are
/// Unix nanoseconds as strings, from `TraceMetadata.unixNanosecondsAtClock` + (t −
/// `clockAtStart`); enums are integers (every span is INTERNAL; errors have status code 2).
/// The thread is `thread.id`/`thread.name`; the task and the other Lanes facts are `lanes.*`
/// attributes (see `LanesArgumentKey`), so `OTLPTraceImporter` reads back the same spans. The
/// whole request is one line, as the collector's file exporter and receiver expect.
///
/// Where a span recorded W3C trace context (as `LanesTracer` does where a request crosses a
/// process: attributes `trace_id`, `span_id`, `parent_span_id`) those ids are used instead, so
/// the exported spans join the same trace as the other services' spans; a recorded `span.kind`
/// (server, client, producer, consumer) becomes the OTLP kind.
public enum OTLPTraceExporter {
    /// The instrumentation scope name of every exported span.
    public static let scopeName = "lanes"

    /// The request as OTLP/JSON bytes (UTF-8, one line, newline-terminated).
    public static func export(_ trace: Trace) -> [UInt8] {
        let metadata = trace.metadata
        let seed = SplitMix64.mix(
            UInt64(bitPattern: metadata.unixNanosecondsAtClock) ^ UInt64(metadata.processID) << 40
                ^ UInt64(bitPattern: metadata.clockAtStart) &* 31)
        let roots = rootOfEachSpan(trace)
        let recorded = RecordedContext(trace)
        func traceID(ofSpan span: Int) -> OTLPIdentifiers.TraceID {
            if let id = recorded.traceIDs[roots[span]] ?? recorded.traceIDs[Int32(span)] { return id }
            let root = UInt64(roots[span])
            var id = OTLPIdentifiers.TraceID(high: SplitMix64.mix(seed ^ root), low: SplitMix64.mix(seed &+ root &* 2 &+ 1))
            if id.high == 0 && id.low == 0 { id.low = 1 }
            return id
        }
        // The upper half from the recording, the lower half the span's number: unique, never zero.
        let spanIDBase = SplitMix64.mix(seed ^ 0x5A5A) & 0xFFFF_FFFF_0000_0000
        func spanID(_ span: Int) -> UInt64 { recorded.spanIDs[Int32(span)] ?? (spanIDBase | UInt64(span + 1)) }
        func unixNanoseconds(_ time: Int64) -> Int64 {
            metadata.unixNanosecondsAtClock &+ (time &- metadata.clockAtStart)
        }

        var writer = JSONWriter(reservingCapacity: 512 + trace.spanCount * 400)
        writer.writeRaw("{\"resourceSpans\":[{\"resource\":{\"attributes\":[")
        writeAttribute("service.name", string: metadata.processName.isEmpty ? "lanes" : metadata.processName, to: &writer)
        writer.writeByte(UInt8(ascii: ","))
        writeAttribute("process.pid", integer: Int64(metadata.processID), to: &writer)
        writer.writeByte(UInt8(ascii: ","))
        writeAttribute(LanesArgumentKey.clockAtStart, integer: metadata.clockAtStart, to: &writer)
        writer.writeByte(UInt8(ascii: ","))
        writeAttribute(LanesArgumentKey.unixNanosecondsAtClock, integer: metadata.unixNanosecondsAtClock, to: &writer)
        writer.writeRaw("]},\"scopeSpans\":[{\"scope\":{\"name\":")
        writer.writeString(scopeName)
        writer.writeRaw("},\"spans\":[")
        for span in 0..<trace.spanCount {
            if span > 0 { writer.writeByte(UInt8(ascii: ",")) }
            writer.writeRaw("{\"traceId\":\"")
            writer.bytes.append(contentsOf: OTLPIdentifiers.hex(traceID(ofSpan: span)).utf8)
            writer.writeRaw("\",\"spanId\":\"")
            writer.bytes.append(contentsOf: OTLPIdentifiers.hex(spanID(span)).utf8)
            if let parent = trace.parent(ofSpan: span) {
                writer.writeRaw("\",\"parentSpanId\":\"")
                writer.bytes.append(contentsOf: OTLPIdentifiers.hex(spanID(parent)).utf8)
            } else if let remoteParent = recorded.remoteParents[Int32(span)] {
                writer.writeRaw("\",\"parentSpanId\":\"")
                writer.bytes.append(contentsOf: OTLPIdentifiers.hex(remoteParent).utf8)
            }
            writer.writeRaw("\",\"name\":")
            writer.writeString(trace.name(ofSpan: span))
            writer.writeRaw(",\"kind\":")
            writer.writeInteger(Int64(recorded.kinds[Int32(span)] ?? 1))
            writer.writeRaw(",\"startTimeUnixNano\":\"")
            writer.writeInteger(unixNanoseconds(trace.spanBegin[span]))
            writer.writeRaw("\",\"endTimeUnixNano\":\"")
            writer.writeInteger(unixNanoseconds(trace.spanEnd[span]))
            writer.writeRaw("\",\"attributes\":[")
            writeAttributes(of: span, in: trace, to: &writer)
            writer.writeByte(UInt8(ascii: "]"))
            if trace.spanStatus[span] == .error {
                writer.writeRaw(",\"status\":{\"code\":2")
                if let message = trace.attribute("error", ofSpan: span) {
                    writer.writeRaw(",\"message\":")
                    writer.writeString(message)
                }
                writer.writeByte(UInt8(ascii: "}"))
            }
            writer.writeByte(UInt8(ascii: "}"))
        }
        writer.writeRaw("]}]}]}\n")
        return writer.bytes
    }

    private static func writeAttributes(of span: Int, in trace: Trace, to writer: inout JSONWriter) {
        let task = trace.tasks[Int(trace.spanTask[span])]
        let flags = trace.spanFlags[span]
        writeAttribute(LanesArgumentKey.kind, string: trace.spanKind[span].description, to: &writer)
        writer.writeByte(UInt8(ascii: ","))
        writeAttribute(LanesArgumentKey.task, integer: Int64(bitPattern: task.id), to: &writer)
        writer.writeByte(UInt8(ascii: ","))
        writeAttribute(LanesArgumentKey.taskName, string: task.name, to: &writer)
        let threadIndex = Int(trace.spanThread[span])
        if threadIndex >= 0 {
            let thread = trace.threads[threadIndex]
            writer.writeByte(UInt8(ascii: ","))
            writeAttribute("thread.id", integer: Int64(bitPattern: thread.id), to: &writer)
            writer.writeByte(UInt8(ascii: ","))
            writeAttribute("thread.name", string: thread.name, to: &writer)
            if thread.isExecutor {
                writer.writeByte(UInt8(ascii: ","))
                writeAttribute(LanesArgumentKey.executorThread, bool: true, to: &writer)
            }
        }
        if flags.contains(.onExecutor) {
            writer.writeByte(UInt8(ascii: ","))
            writeAttribute(LanesArgumentKey.onExecutor, bool: true, to: &writer)
        }
        if flags.contains(.instant) {
            writer.writeByte(UInt8(ascii: ","))
            writeAttribute(LanesArgumentKey.instant, bool: true, to: &writer)
        }
        if let cpu = trace.cpuNanoseconds(ofSpan: span) {
            writer.writeByte(UInt8(ascii: ","))
            writeAttribute(LanesArgumentKey.cpuNanoseconds, integer: cpu, to: &writer)
        }
        if trace.spanStatus[span] == .unfinished {
            writer.writeByte(UInt8(ascii: ","))
            writeAttribute(LanesArgumentKey.status, string: "unfinished", to: &writer)
        }
        for attribute in trace.attributes(ofSpan: span) {
            writer.writeByte(UInt8(ascii: ","))
            writeAttribute(attribute.key, string: attribute.value, to: &writer)
        }
    }

    private static func writeAttribute(_ key: String, string: String, to writer: inout JSONWriter) {
        writer.writeRaw("{\"key\":")
        writer.writeString(key)
        writer.writeRaw(",\"value\":{\"stringValue\":")
        writer.writeString(string)
        writer.writeRaw("}}")
    }

    /// int64 values are JSON strings in OTLP/JSON (protobuf's mapping of 64-bit integers).
    private static func writeAttribute(_ key: String, integer: Int64, to writer: inout JSONWriter) {
        writer.writeRaw("{\"key\":")
        writer.writeString(key)
        writer.writeRaw(",\"value\":{\"intValue\":\"")
        writer.writeInteger(integer)
        writer.writeRaw("\"}}")
    }

    private static func writeAttribute(_ key: String, bool: Bool, to writer: inout JSONWriter) {
        writer.writeRaw("{\"key\":")
        writer.writeString(key)
        writer.writeRaw(bool ? ",\"value\":{\"boolValue\":true}}" : ",\"value\":{\"boolValue\":false}}")
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

/// W3C trace context and OpenTelemetry kinds a recording kept as span attributes.
struct RecordedContext {
    var traceIDs: [Int32: OTLPIdentifiers.TraceID] = [:]
    var spanIDs: [Int32: UInt64] = [:]
    var remoteParents: [Int32: UInt64] = [:]
    /// OTLP `SpanKind` numbers: 2 server, 3 client, 4 producer, 5 consumer.
    var kinds: [Int32: Int] = [:]

    /// One pass over the attributes, comparing interned key indexes only.
    init(_ trace: Trace) {
        let strings = trace.strings
        let traceKey = strings.index(of: "trace_id")
        let spanKey = strings.index(of: "span_id")
        let parentKey = strings.index(of: "parent_span_id")
        let kindKey = strings.index(of: "span.kind")
        guard traceKey != nil || spanKey != nil || parentKey != nil || kindKey != nil else { return }
        var usedSpanIDs = Set<UInt64>()
        for attribute in trace.attributes {
            let value = strings[attribute.value]
            switch attribute.key {
            case traceKey:
                if let id = OTLPIdentifiers.traceID(value), id.high != 0 || id.low != 0 { traceIDs[attribute.span] = id }
            case spanKey:
                // A recorded id is kept only while it stays unique in the export.
                if let id = OTLPIdentifiers.spanID(value), id != 0, usedSpanIDs.insert(id).inserted { spanIDs[attribute.span] = id }
            case parentKey:
                if let id = OTLPIdentifiers.spanID(value), id != 0 { remoteParents[attribute.span] = id }
            case kindKey:
                let number = ["server": 2, "client": 3, "producer": 4, "consumer": 5][value]
                if let number { kinds[attribute.span] = number }
            default:
                break
            }
        }
    }
}
