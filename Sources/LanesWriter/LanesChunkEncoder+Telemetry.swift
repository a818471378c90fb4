import LanesModel

/// OpenTelemetry facts as extension events (opcodes 0x90–0x94, `Traces/FORMAT.md` §4.6.1):
/// readers that predate them skip them by their length.
extension LanesChunkEncoder {
    /// The W3C ids and OpenTelemetry kind of `span` (written right after its begin): trace id,
    /// span id, the parent's span id as the producer knew it (0: none), OTLP flags, trace state
    /// (a string id, 0: none) and scope (a scope record's id, 0: Lanes' own).
    public mutating func spanIdentity(
        span: UInt64, kind: OpenTelemetryKind, traceID: TraceID, spanID: UInt64, parentSpanID: UInt64,
        flags: UInt32, traceState: UInt32, scope: UInt32
    ) {
        let reference = self.reference(span)
        events.appendExtension(opcode: LanesOpcode.spanIdentity) { bytes in
            bytes.appendSignedVarint(reference)
            bytes.append(kind.rawValue)
            bytes.appendLittleEndian(traceID.high.bigEndian)
            bytes.appendLittleEndian(traceID.low.bigEndian)
            bytes.appendLittleEndian(spanID.bigEndian)
            bytes.appendLittleEndian(parentSpanID.bigEndian)
            bytes.appendVarint(UInt64(flags))
            bytes.appendVarint(UInt64(traceState))
            bytes.appendVarint(UInt64(scope))
        }
        encodedEvents += 1
    }

    /// An attribute of `span` with a typed value; a string value is written as the plain
    /// `attribute` event, which every reader understands.
    public mutating func attribute(span: UInt64, key: UInt32, value: LanesFileValue) {
        if let string = value.stringID { return attribute(span: span, key: key, value: string) }
        let reference = self.reference(span)
        events.appendExtension(opcode: LanesOpcode.typedAttribute) { bytes in
            bytes.appendSignedVarint(reference)
            bytes.appendVarint(UInt64(key))
            value.write(to: &bytes)
        }
        encodedEvents += 1
    }

    /// A span event of `span` at `time` (which does not move the chunk's time: events may come
    /// after later spans began), named `name` (a string id).
    public mutating func spanEvent(
        span: UInt64, time: Int64, name: UInt32, attributes: [LanesFileAttribute], droppedAttributes: UInt32
    ) {
        let reference = self.reference(span)
        let offset = time &- currentTime
        events.appendExtension(opcode: LanesOpcode.spanEvent) { bytes in
            bytes.appendSignedVarint(reference)
            bytes.appendSignedVarint(offset)
            bytes.appendVarint(UInt64(name))
            bytes.appendVarint(UInt64(droppedAttributes))
            Self.write(attributes, to: &bytes)
        }
        encodedEvents += 1
    }

    /// A link from `span` to span `spanID` of trace `traceID`.
    public mutating func spanLink(
        span: UInt64, traceID: TraceID, spanID: UInt64, traceState: UInt32, flags: UInt32,
        attributes: [LanesFileAttribute], droppedAttributes: UInt32
    ) {
        let reference = self.reference(span)
        events.appendExtension(opcode: LanesOpcode.spanLink) { bytes in
            bytes.appendSignedVarint(reference)
            bytes.appendLittleEndian(traceID.high.bigEndian)
            bytes.appendLittleEndian(traceID.low.bigEndian)
            bytes.appendLittleEndian(spanID.bigEndian)
            bytes.appendVarint(UInt64(traceState))
            bytes.appendVarint(UInt64(flags))
            bytes.appendVarint(UInt64(droppedAttributes))
            Self.write(attributes, to: &bytes)
        }
        encodedEvents += 1
    }

    /// The OpenTelemetry status of `span` (message a string id, 0: none) and the counts of
    /// attributes, events and links its producer dropped.
    public mutating func spanStatus(
        span: UInt64, code: OpenTelemetryStatusCode, message: UInt32,
        droppedAttributes: UInt32 = 0, droppedEvents: UInt32 = 0, droppedLinks: UInt32 = 0
    ) {
        let reference = self.reference(span)
        events.appendExtension(opcode: LanesOpcode.spanStatus) { bytes in
            bytes.appendSignedVarint(reference)
            bytes.append(code.rawValue)
            bytes.appendVarint(UInt64(message))
            bytes.appendVarint(UInt64(droppedAttributes))
            bytes.appendVarint(UInt64(droppedEvents))
            bytes.appendVarint(UInt64(droppedLinks))
        }
        encodedEvents += 1
    }

    static func write(_ attributes: [LanesFileAttribute], to bytes: inout EventBytes) {
        bytes.reserve(16)
        bytes.appendVarint(UInt64(attributes.count))
        for attribute in attributes {
            bytes.reserve(16)
            bytes.appendVarint(UInt64(attribute.key))
            attribute.value.write(to: &bytes)
        }
    }
}
