import Lanes
import struct LanesModel.AttributeKeyValue
import struct LanesModel.TraceID
import enum LanesModel.WellKnownAttributeKey
import Synchronization
import Tracing

/// What a recording `LanesSpan` shares between its copies (a span is passed by value but its
/// attributes, status and end are shared): the recorder's span plus the state that
/// swift-distributed-tracing lets callers read back. Also the value that carries the span in an
/// `InstrumentationContext`, one reference, so binding a context costs no boxing.
final class LanesSpanRecord: Sendable {
    /// The span in the Lanes recording.
    let span: TracingBackend.Span
    /// The Lanes span that enclosed the caller when this span began (0 for none): if Lanes'
    /// enclosing span is still this one, nothing was begun through Lanes inside this span.
    let enclosingLanesSpan: UInt64
    /// The W3C identity of the span: its trace (shared by the whole request) and span id.
    let traceParent: TraceParent
    private let state: Mutex<State>

    struct State {
        var name: String
        var attributes: SpanAttributes = [:]
        var status: SpanStatus?
        var lastError: String?
        var isEnded = false
    }

    init(span: TracingBackend.Span, name: String, enclosingLanesSpan: UInt64, traceParent: TraceParent) {
        self.span = span
        self.enclosingLanesSpan = enclosingLanesSpan
        self.traceParent = traceParent
        self.state = Mutex(State(name: name))
    }

    var name: String { state.withLock { $0.name } }

    /// Renaming cannot change the name the file recorded at begin; the new name is kept as the
    /// `span.name` attribute.
    func rename(_ newName: String) {
        let changed = state.withLock { state -> Bool in
            guard !state.isEnded, state.name != newName else { return false }
            state.name = newName
            return true
        }
        if changed { TracingBackend.attribute("span.name", newName, of: span) }
    }

    var attributes: SpanAttributes { state.withLock { $0.attributes } }

    /// Replaces the attributes, recording those that are new or changed, with their types.
    /// Recorded under the lock, so that concurrent setters record their changes in the order
    /// they applied them.
    func setAttributes(_ newValue: SpanAttributes) {
        state.withLock { state in
            guard !state.isEnded else { return }
            let old = state.attributes
            state.attributes = newValue
            newValue.forEach { key, value in
                if old.isEmpty || old.get(key) != value {
                    TracingBackend.attribute(key, value.lanesValue, of: span)
                }
            }
        }
    }

    /// OpenTelemetry's rule: `ok` is final, `error` replaces unset or error.
    func setStatus(_ status: SpanStatus) {
        state.withLock { state in
            guard !state.isEnded, state.status?.code != .ok else { return }
            state.status = status
        }
    }

    /// A span event, now, with its attributes.
    func addEvent(_ event: SpanEvent) {
        guard !isEnded else { return }
        TracingBackend.event(event.name, attributes: event.attributes.isEmpty ? [] : event.attributes.lanesValues, in: span)
    }

    /// An `exception` event with the error's type and message (OpenTelemetry's semantic
    /// conventions); the message also becomes the span's error message if its status is error.
    func recordError(_ error: any Error, attributes: SpanAttributes) {
        let message = TracingBackend.describe(error)
        guard state.withLock({ state -> Bool in
            guard !state.isEnded else { return false }
            state.lastError = message
            return true
        }) else { return }
        var pairs = [
            AttributeKeyValue(key: WellKnownAttributeKey.exceptionType, value: .string(String(reflecting: type(of: error)))),
            AttributeKeyValue(key: WellKnownAttributeKey.exceptionMessage, value: .string(message)),
        ]
        pairs.append(contentsOf: attributes.lanesValues)
        TracingBackend.event(WellKnownAttributeKey.exceptionEvent, attributes: pairs, in: span)
    }

    /// A link to the span the linked context carries (a local span or an extracted remote one).
    func addLink(_ link: SpanLink) {
        guard !isEnded, let parent = link.context.lanesTraceParent else { return }
        TracingBackend.link(
            to: TraceID(high: parent.traceIDHigh, low: parent.traceIDLow), spanID: parent.spanID, traceFlags: parent.flags,
            attributes: link.attributes.lanesValues, of: span)
    }

    /// Ends the span once: later calls do nothing. The status set, if any, is recorded; an
    /// error's message is the status message, or else the last recorded error's.
    func end() {
        let outcome = state.withLock { state -> (ended: Bool, status: SpanStatus?, message: String) in
            guard !state.isEnded else { return (false, nil, "") }
            state.isEnded = true
            guard let status = state.status else { return (true, nil, "") }
            return (true, status, status.code == .error ? status.message ?? state.lastError ?? "" : "")
        }
        guard outcome.ended else { return }
        switch outcome.status?.code {
        case .ok?: TracingBackend.end(span, status: .ok, message: "")
        case .error?: TracingBackend.end(span, status: .error, message: outcome.message)
        default: TracingBackend.end(span, errorMessage: nil)
        }
    }

    var isEnded: Bool { state.withLock { $0.isEnded } }
}
