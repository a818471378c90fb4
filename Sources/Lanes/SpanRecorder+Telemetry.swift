import LanesWriter
import LanesModel

/// The W3C ids and OpenTelemetry kind a tracing backend gives a span, recorded with its begin.
struct RecordedIdentity: Sendable {
    var traceID: TraceID
    var spanID: UInt64
    /// The parent's span id in W3C terms (a local parent's or a remote caller's), 0 for none.
    var parentSpanID: UInt64
    var kind: OpenTelemetryKind
    /// OTLP span flags: the W3C trace flags, plus whether the parent was remote (bits 8–9).
    var flags: UInt32
}

/// Recording OpenTelemetry facts of open spans: typed attributes, span events, links, status.
/// Each resolves its strings to file ids before it takes the thread's buffer.
///
/// When the recording's bounded string table is full (`StringInterning`), nothing is lost
/// silently: a typed attribute is written as an inline string attribute (its text, without its
/// type), an event's or link's attribute that cannot be interned is left out and counted in the
/// event's or link's dropped-attribute count (as OpenTelemetry counts attributes over a limit),
/// a status message is written as an inline `error` attribute (as a thrown error's is), and an
/// event whose name cannot be interned is counted as dropped by the recorder.
extension SpanRecorder {
    /// Adds an attribute with a typed value to an open span.
    static func attribute(span: UInt64, recorder: Unmanaged<Recorder>, key: String, value: AttributeValue) {
        guard recorder._withUnsafeGuaranteedRef({ $0.isRunning }) else { return }
        ThreadLocalBuffers.reference(for: recorder)._withUnsafeGuaranteedRef { buffer in
            if let keyID = buffer.stringID(key),
               let fileValue = LanesFileValue(value, internedBy: { buffer.stringID($0, isValue: true) }) {
                buffer.appendUntimed { $0.attribute(span: span, key: keyID, value: fileValue) }
            } else {
                let text = value.description
                buffer.appendUntimed { $0.attribute(span: span, inlineKey: key, inlineValue: text) }
            }
        }
    }

    /// Records a span event named `name` with `attributes` in open span `span`, now.
    static func event(
        _ name: String, attributes: [AttributeKeyValue], span: UInt64, recorder: Unmanaged<Recorder>
    ) {
        guard recorder._withUnsafeGuaranteedRef({ $0.isRunning }) else { return }
        ThreadLocalBuffers.reference(for: recorder)._withUnsafeGuaranteedRef { buffer in
            guard let nameID = buffer.stringID(name) else {
                return recorder._withUnsafeGuaranteedRef { $0.noteDropped(events: 1, from: buffer.writerID) }
            }
            let (fileAttributes, dropped) = fileAttributes(attributes, buffer)
            let time = MonotonicClock.now()
            buffer.append(time: time) {
                $0.spanEvent(span: span, time: time, name: nameID, attributes: fileAttributes, droppedAttributes: dropped)
            }
        }
    }

    /// Records a link from open span `span` to span `spanID` of trace `traceID`.
    static func link(
        span: UInt64, traceID: TraceID, spanID: UInt64, flags: UInt32, attributes: [AttributeKeyValue],
        recorder: Unmanaged<Recorder>
    ) {
        guard recorder._withUnsafeGuaranteedRef({ $0.isRunning }) else { return }
        ThreadLocalBuffers.reference(for: recorder)._withUnsafeGuaranteedRef { buffer in
            let (fileAttributes, dropped) = fileAttributes(attributes, buffer)
            buffer.appendUntimed {
                $0.spanLink(
                    span: span, traceID: traceID, spanID: spanID, traceState: 0, flags: flags,
                    attributes: fileAttributes, droppedAttributes: dropped)
            }
        }
    }

    /// Ends `span` with an OpenTelemetry status: `ok` and `error` are recorded as such (an error
    /// also as Lanes' error status, so readers that predate statuses still see it failed);
    /// `unset` ends it plainly.
    static func end(_ span: OpenSpan, statusCode: OpenTelemetryStatusCode, message: String) {
        guard statusCode != .unset else { return end(span, errorMessage: nil) }
        let time = MonotonicClock.now()
        guard span.recorderReference._withUnsafeGuaranteedRef({ $0.isRunning }) else { return }
        ThreadLocalBuffers.reference(for: span.recorderReference)._withUnsafeGuaranteedRef { buffer in
            let messageID = message.isEmpty ? 0 : buffer.stringID(message, isValue: true)
            buffer.append(time: time) { encoder in
                if messageID == nil {
                    encoder.attribute(span: span.id, inlineKey: WellKnownAttributeKey.error, inlineValue: message)
                }
                encoder.spanStatus(span: span.id, code: statusCode, message: messageID ?? 0)
                if statusCode == .error {
                    encoder.end(span: span.id, time: time, errorMessage: 0)
                } else {
                    encoder.end(span: span.id, time: time)
                }
            }
        }
    }

    /// The attributes whose strings could be interned, and how many could not.
    private static func fileAttributes(
        _ attributes: [AttributeKeyValue], _ buffer: ThreadBuffer
    ) -> (attributes: [LanesFileAttribute], dropped: UInt32) {
        var converted: [LanesFileAttribute] = []
        converted.reserveCapacity(attributes.count)
        for attribute in attributes {
            if let key = buffer.stringID(attribute.key),
               let value = LanesFileValue(attribute.value, internedBy: { buffer.stringID($0, isValue: true) }) {
                converted.append(LanesFileAttribute(key: key, value: value))
            }
        }
        return (converted, UInt32(attributes.count - converted.count))
    }
}
