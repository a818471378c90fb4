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
extension SpanRecorder {
    /// Adds an attribute with a typed value to an open span.
    static func attribute(span: UInt64, recorder: Unmanaged<Recorder>, key: String, value: AttributeValue) {
        guard recorder._withUnsafeGuaranteedRef({ $0.isRunning }) else { return }
        ThreadLocalBuffers.reference(for: recorder)._withUnsafeGuaranteedRef { buffer in
            let keyID = buffer.stringID(key)
            let fileValue = LanesFileValue(value, stringID: buffer.stringID)
            buffer.appendUntimed { $0.attribute(span: span, key: keyID, value: fileValue) }
        }
    }

    /// Records a span event named `name` with `attributes` in open span `span`, now.
    static func event(
        _ name: String, attributes: [AttributeKeyValue], span: UInt64, recorder: Unmanaged<Recorder>
    ) {
        guard recorder._withUnsafeGuaranteedRef({ $0.isRunning }) else { return }
        ThreadLocalBuffers.reference(for: recorder)._withUnsafeGuaranteedRef { buffer in
            let nameID = buffer.stringID(name)
            let fileAttributes = fileAttributes(attributes, buffer)
            let time = MonotonicClock.now()
            buffer.append(time: time) {
                $0.spanEvent(span: span, time: time, name: nameID, attributes: fileAttributes, droppedAttributes: 0)
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
            let fileAttributes = fileAttributes(attributes, buffer)
            buffer.appendUntimed {
                $0.spanLink(
                    span: span, traceID: traceID, spanID: spanID, traceState: 0, flags: flags,
                    attributes: fileAttributes, droppedAttributes: 0)
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
            let messageID = message.isEmpty ? 0 : buffer.stringID(message)
            buffer.append(time: time) { encoder in
                encoder.spanStatus(span: span.id, code: statusCode, message: messageID)
                if statusCode == .error {
                    encoder.end(span: span.id, time: time, errorMessage: 0)
                } else {
                    encoder.end(span: span.id, time: time)
                }
            }
        }
    }

    private static func fileAttributes(_ attributes: [AttributeKeyValue], _ buffer: ThreadBuffer) -> [LanesFileAttribute] {
        attributes.map { LanesFileAttribute(key: buffer.stringID($0.key), value: LanesFileValue($0.value, stringID: buffer.stringID)) }
    }
}
