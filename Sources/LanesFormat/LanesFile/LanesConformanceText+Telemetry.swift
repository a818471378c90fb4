import LanesModel

/// The OpenTelemetry lines of the canonical text (`Traces/FORMAT.md` §8): resources and scopes,
/// each span's identity, status, events and links, and typed values.
extension LanesConformanceText {
    /// `resource` and `scope` lines (each with its attributes), in the order the reader kept them.
    static func resourceAndScopeLines(_ trace: Trace) -> [String] {
        var lines: [String] = []
        let strings = trace.strings
        for (number, resource) in trace.telemetry.resources.enumerated() {
            lines.append("resource #\(number) schema \(quoted(strings[resource.schemaURL])) dropped \(resource.droppedAttributes)")
            lines += attributeLines(resource.attributes, indent: "  ", trace)
        }
        for (number, scope) in trace.telemetry.scopes.enumerated() {
            let resource = scope.resource >= 0 ? "#\(scope.resource)" : "-"
            lines.append("scope #\(number) resource \(resource) name \(quoted(strings[scope.name])) version \(quoted(strings[scope.version])) schema \(quoted(strings[scope.schemaURL])) dropped \(scope.droppedAttributes)")
            lines += attributeLines(scope.attributes, indent: "  ", trace)
        }
        return lines
    }

    /// The `identity`, `status`, `event` and `link` lines of span `span`.
    static func telemetryLines(ofSpan span: Int, _ trace: Trace) -> [String] {
        var lines: [String] = []
        let strings = trace.strings
        if let facts = trace.telemetry(ofSpan: span) {
            let scope = facts.scope >= 0 ? "#\(facts.scope)" : "-"
            lines.append("  identity \(facts.kind.name) \(hex(facts.traceID)) \(hex(facts.spanID)) \(hex(facts.parentSpanID)) flags 0x\(String(facts.flags, radix: 16)) state \(quoted(strings[facts.traceState])) scope \(scope)")
            lines.append("  status \(statusName(facts.statusCode)) \(quoted(strings[facts.statusMessage])) dropped \(facts.droppedAttributes) \(facts.droppedEvents) \(facts.droppedLinks)")
        }
        for event in trace.events(ofSpan: span) {
            lines.append("  event \(event.time) \(quoted(strings[event.name])) dropped \(event.droppedAttributes)")
            lines += attributeLines(trace.attributes(start: event.attributeStart, count: event.attributeCount), indent: "    ", trace)
        }
        for link in trace.links(ofSpan: span) {
            lines.append("  link \(hex(link.traceID)) \(hex(link.spanID)) state \(quoted(strings[link.traceState])) flags 0x\(String(link.flags, radix: 16)) dropped \(link.droppedAttributes)")
            lines += attributeLines(trace.attributes(start: link.attributeStart, count: link.attributeCount), indent: "    ", trace)
        }
        return lines
    }

    private static func attributeLines(_ attributes: some Collection<TelemetryAttribute>, indent: String, _ trace: Trace) -> [String] {
        attributes.map { "\(indent)attr \(quoted(trace.strings[$0.key])) \(valueText(trace.value(of: $0.value)))" }
    }

    /// A typed value's canonical text: a string quoted, `empty`, `true`/`false`, an int in
    /// decimal, `double(BITS)` with the IEEE 754 bits in 16 hex digits (exact, and the same in
    /// every language), `bytes(HEX)`, `[V, V]`, `{"KEY": V}`.
    static func valueText(_ value: AttributeValue) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .empty: "empty"
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .double(let number): "double(\(hex(number.bitPattern)))"
        case .bytes(let bytes): "bytes(\(hex(bytes)))"
        case .array(let values): "[" + values.map(valueText).joined(separator: ", ") + "]"
        case .keyValueList(let pairs): "{" + pairs.map { quoted($0.key) + ": " + valueText($0.value) }.joined(separator: ", ") + "}"
        }
    }

    /// A value as the span order compares it: a string itself, anything else its canonical text.
    static func sortText(_ value: AttributeValue) -> String {
        if case .string(let text) = value { return text }
        return valueText(value)
    }

    private static func statusName(_ code: OpenTelemetryStatusCode) -> String {
        switch code {
        case .unset: "unset"
        case .ok: "ok"
        case .error: "error"
        }
    }

    /// `value` in `digits` lowercase hex digits, zero-padded.
    static func hex(_ value: UInt64, digits: Int = 16) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    private static func hex(_ id: TraceID) -> String { hex(id.high) + hex(id.low) }

    /// Bytes as lowercase hex, two digits each.
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { hex(UInt64($0), digits: 2) }.joined()
    }
}
