import LanesModel

/// One OTLP span as a decoder read it, from any encoding: the JSON reader here, the protobuf
/// decoder of `lanes collect`. Strings are already interned (`OTLPTraceAssembler.intern`) and
/// values stored (`OTLPTraceAssembler.store`), so that a fast reader can intern straight from
/// its input bytes. Field names and meanings follow `opentelemetry.proto.trace.v1.Span`.
///
/// Ids that are all zero (or absent) make the span invalid: the assembler counts it and skips it.
public struct OTLPSpanData: Sendable {
    public var traceID = TraceID.zero
    public var spanID: UInt64 = 0
    /// 0 for a root.
    public var parentSpanID: UInt64 = 0
    /// W3C `tracestate` (a string index, 0: none).
    public var traceState: UInt32 = 0
    public var flags: UInt32 = 0
    /// A string index.
    public var name: UInt32 = 0
    public var kind = OpenTelemetryKind.unspecified
    public var startTimeUnixNano: UInt64 = 0
    public var endTimeUnixNano: UInt64 = 0
    /// In the producer's order.
    public var attributes: [TelemetryAttribute] = []
    public var droppedAttributesCount: UInt32 = 0
    public var events: [OTLPEventData] = []
    public var droppedEventsCount: UInt32 = 0
    public var links: [OTLPLinkData] = []
    public var droppedLinksCount: UInt32 = 0
    public var statusCode = OpenTelemetryStatusCode.unset
    /// A string index (0: none).
    public var statusMessage: UInt32 = 0
    /// Lanes' facts, when a reader already decoded them from the span's first attribute (the
    /// JSON reader does, for speed); nil otherwise, and the assembler reads that attribute.
    var lanesFacts: LanesFacts?

    public init() {}

    /// Empties the span for reuse, keeping its lists' storage (a reader decodes every span into
    /// one value, so a million spans cost no million allocations).
    public mutating func reset() {
        traceID = .zero
        spanID = 0
        parentSpanID = 0
        traceState = 0
        flags = 0
        name = 0
        kind = .unspecified
        startTimeUnixNano = 0
        endTimeUnixNano = 0
        attributes.removeAll(keepingCapacity: true)
        droppedAttributesCount = 0
        events.removeAll(keepingCapacity: true)
        droppedEventsCount = 0
        links.removeAll(keepingCapacity: true)
        droppedLinksCount = 0
        statusCode = .unset
        statusMessage = 0
        lanesFacts = nil
    }
}

/// A span event as decoded (`opentelemetry.proto.trace.v1.Span.Event`).
public struct OTLPEventData: Sendable {
    public var timeUnixNano: UInt64
    /// A string index.
    public var name: UInt32
    public var attributes: [TelemetryAttribute]
    public var droppedAttributesCount: UInt32

    public init(timeUnixNano: UInt64 = 0, name: UInt32 = 0, attributes: [TelemetryAttribute] = [], droppedAttributesCount: UInt32 = 0) {
        self.timeUnixNano = timeUnixNano
        self.name = name
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}

/// A span link as decoded (`opentelemetry.proto.trace.v1.Span.Link`).
public struct OTLPLinkData: Sendable {
    public var traceID: TraceID
    public var spanID: UInt64
    /// A string index (0: none).
    public var traceState: UInt32
    public var flags: UInt32
    public var attributes: [TelemetryAttribute]
    public var droppedAttributesCount: UInt32

    public init(
        traceID: TraceID = .zero, spanID: UInt64 = 0, traceState: UInt32 = 0, flags: UInt32 = 0,
        attributes: [TelemetryAttribute] = [], droppedAttributesCount: UInt32 = 0
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.traceState = traceState
        self.flags = flags
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}
