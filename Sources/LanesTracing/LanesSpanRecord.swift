import Lanes
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
        /// What has been recorded, so that a new set finds its changes cheaply.
        var recorded = RecordedAttributes()
        var status: SpanStatus?
        var lastError: String?
        var links = 0
        var isInjected = false
        var isEnded = false
    }

    init(span: TracingBackend.Span, name: String, enclosingLanesSpan: UInt64, traceParent: TraceParent) {
        self.span = span
        self.enclosingLanesSpan = enclosingLanesSpan
        self.traceParent = traceParent
        self.state = Mutex(State(name: name))
    }

    var name: String { state.withLock { $0.name } }

    /// Renames the span in the recording too (until it ends). Recorded under the lock, so that
    /// the last rename applied is the last one in this thread's events.
    func rename(_ newName: String) {
        state.withLock { state in
            guard !state.isEnded, state.name != newName else { return }
            state.name = newName
            TracingBackend.rename(span, to: newName)
        }
    }

    var attributes: SpanAttributes { state.withLock { $0.attributes } }

    /// Replaces the attributes, recording those that are new or changed, in one append.
    /// Recorded under the lock, so that concurrent setters record their changes in the order
    /// they applied them.
    func setAttributes(_ newValue: SpanAttributes) {
        state.withLock { state in
            guard !state.isEnded else { return }
            let old = state.attributes
            state.attributes = newValue
            TracingBackend.attributes(of: span, upTo: newValue.count) { add in
                newValue.forEach { key, value in
                    if let text = state.recorded.change(key, to: value, previous: old) { add(key, text) }
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

    func addEvent(_ event: SpanEvent) {
        guard !isEnded else { return }
        let attributes = event.attributes.isEmpty ? [] : event.attributes.lanesTextPairs
        TracingBackend.event(event.name, attributes: attributes, in: span)
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
        var pairs = [("exception.type", String(reflecting: type(of: error))), ("exception.message", message)]
        pairs.append(contentsOf: attributes.lanesTextPairs)
        TracingBackend.event("exception", attributes: pairs.map { (key: $0.0, value: $0.1) }, in: span)
    }

    /// Keeps a link as a `link.N` attribute holding the linked span's `traceparent`.
    func addLink(_ link: SpanLink) {
        guard let parent = link.context.lanesTraceParent else { return }
        let number = state.withLock { state -> Int? in
            guard !state.isEnded else { return nil }
            state.links += 1
            return state.links
        }
        if let number { TracingBackend.attribute("link.\(number)", parent.description, of: span) }
    }

    /// Records the span's W3C ids the first time its context is injected into a request.
    func noteInjected() {
        let first = state.withLock { state -> Bool in
            defer { state.isInjected = true }
            return !state.isInjected
        }
        guard first else { return }
        TracingBackend.attribute("trace_id", traceParent.traceIDText, of: span)
        TracingBackend.attribute("span_id", traceParent.spanIDText, of: span)
    }

    /// Ends the span once: later calls do nothing. An error status ends it with the status
    /// message, or else the last recorded error's.
    func end() {
        let outcome = state.withLock { state -> (ended: Bool, errorMessage: String?) in
            guard !state.isEnded else { return (false, nil) }
            state.isEnded = true
            guard let status = state.status, status.code == .error else { return (true, nil) }
            return (true, status.message ?? state.lastError ?? "")
        }
        if outcome.ended { TracingBackend.end(span, errorMessage: outcome.errorMessage) }
    }

    var isEnded: Bool { state.withLock { $0.isEnded } }
}
