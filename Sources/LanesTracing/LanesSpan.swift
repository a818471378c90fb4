import Tracing

/// A span begun by `LanesTracer`: a value that refers to the span in the Lanes recording, or,
/// when nothing records, only carries its parent's context so propagation still works.
///
/// Copies share one span. A span must be ended exactly once; later calls to `end` do nothing,
/// as do changes after the end. Instants passed to `end(at:)` and `recordError(_:at:)` are not
/// used: Lanes times every event on its monotonic clock when the call happens, which keeps spans
/// from `withSpan` exactly ordered against Lanes' own spans.
public struct LanesSpan: Tracing.Span {
    /// The context of work inside this span: the parent's, plus this span.
    public let context: InstrumentationContext
    private let storage: Storage

    /// One of the two, so that a span fits an existential's inline buffer (three words) and
    /// `any Span` costs no extra allocation.
    private enum Storage {
        case recording(LanesSpanRecord)
        case notRecording(name: String)
    }

    /// A recording span.
    init(context: InstrumentationContext, record: LanesSpanRecord) {
        self.context = context
        self.storage = .recording(record)
    }

    /// A span that records nothing and carries `context` unchanged.
    init(notRecording name: String, context: InstrumentationContext) {
        self.context = context
        self.storage = .notRecording(name: name)
    }

    /// The shared state of a recording span; nil when nothing records.
    var record: LanesSpanRecord? {
        if case .recording(let record) = storage { return record }
        return nil
    }

    /// The span's name. The name recorded at begin stays in the file; a later name is kept as
    /// the span's `span.name` attribute.
    public var operationName: String {
        get {
            switch storage {
            case .recording(let record): record.name
            case .notRecording(let name): name
            }
        }
        nonmutating set { record?.rename(newValue) }
    }

    /// Attributes set so far; setting records new and changed values, with their types.
    public var attributes: SpanAttributes {
        get { record?.attributes ?? [:] }
        nonmutating set { record?.setAttributes(newValue) }
    }

    /// Whether the span is being recorded: false when nothing records or after `end`.
    public var isRecording: Bool {
        guard let record else { return false }
        return !record.isEnded
    }

    /// Sets the status: `.error` makes the span end with Lanes' error status and the message.
    public func setStatus(_ status: SpanStatus) {
        record?.setStatus(status)
    }

    /// Records the event as a span event (at the time of the call) with its attributes.
    public func addEvent(_ event: SpanEvent) {
        record?.addEvent(event)
    }

    /// Records an `exception` span event with `exception.type` and `exception.message`.
    public func recordError<Instant: TracerInstant>(
        _ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant
    ) {
        record?.recordError(error, attributes: attributes)
    }

    /// Records a link to the span the linked context carries, with the link's attributes.
    public func addLink(_ link: SpanLink) {
        record?.addLink(link)
    }

    /// Ends the span now.
    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        record?.end()
    }
}
