/// Reading typed attribute values and OpenTelemetry facts.
extension Trace {
    /// The value `stored` (from an attribute of this trace) stands for.
    public func value(of stored: StoredAttributeValue) -> AttributeValue {
        TraceTelemetry.value(of: stored, strings: strings, values: telemetry.values)
    }

    /// `stored` as readable text (see `AttributeValue.description`); strings cost no copy of
    /// the value's structure.
    public func text(of stored: StoredAttributeValue) -> String {
        stored.type == .string ? strings[UInt32(truncatingIfNeeded: stored.bits)] : value(of: stored).description
    }

    /// The typed attributes of span `span`, in recorded order.
    public func typedAttributes(ofSpan span: Int) -> [AttributeKeyValue] {
        var position = attributes.partitioningIndex { $0.span >= Int32(span) }
        var result: [AttributeKeyValue] = []
        while position < attributes.count, attributes[position].span == Int32(span) {
            result.append(AttributeKeyValue(key: strings[attributes[position].key], value: value(of: attributes[position].value)))
            position += 1
        }
        return result
    }

    /// The OpenTelemetry facts of span `span`, if it has any.
    public func telemetry(ofSpan span: Int) -> SpanTelemetry? {
        let position = Self.lowerBound(telemetry.spans, Int32(span))
        guard position < telemetry.spans.count, telemetry.spans[position] == Int32(span) else { return nil }
        return telemetry.spanFacts[position]
    }

    /// The span events of span `span`, in recorded order.
    public func events(ofSpan span: Int) -> ArraySlice<TelemetryEvent> {
        let events = telemetry.events
        let start = events.partitioningIndex { $0.span >= Int32(span) }
        let end = events[start...].partitioningIndex { $0.span > Int32(span) }
        return events[start..<end]
    }

    /// The links of span `span`, in recorded order.
    public func links(ofSpan span: Int) -> ArraySlice<TelemetryLink> {
        let links = telemetry.links
        let start = links.partitioningIndex { $0.span >= Int32(span) }
        let end = links[start...].partitioningIndex { $0.span > Int32(span) }
        return links[start..<end]
    }

    /// The attributes of an event or link of this trace.
    public func attributes(start: Int32, count: Int32) -> ArraySlice<TelemetryAttribute> {
        let lower = max(0, min(Int(start), telemetry.attributes.count))
        return telemetry.attributes[lower..<min(telemetry.attributes.count, lower + max(0, Int(count)))]
    }

    /// Why span `span` failed, if it did and the producer said: the OpenTelemetry status
    /// message, else the message Lanes recorded when the span's body threw (its `error`
    /// attribute). Nil for spans that did not fail.
    public func errorMessage(ofSpan span: Int) -> String? {
        guard spanStatus[span] == .error else { return nil }
        if let facts = telemetry(ofSpan: span), facts.statusMessage != 0 { return strings[facts.statusMessage] }
        return attribute("error", ofSpan: span)
    }
}

extension TraceTelemetry {
    /// The value `stored` stands for, given the trace's strings and composite values (an index
    /// out of range reads as empty: hostile files cannot make a lookup trap).
    static func value(of stored: StoredAttributeValue, strings: StringTable, values: [AttributeValue]) -> AttributeValue {
        switch stored.type {
        case .string: return .string(strings[UInt32(truncatingIfNeeded: stored.bits)])
        case .bytes, .array, .keyValueList:
            return stored.bits < UInt64(values.count) ? values[Int(stored.bits)] : .empty
        default: return stored.scalar ?? .empty
        }
    }
}
