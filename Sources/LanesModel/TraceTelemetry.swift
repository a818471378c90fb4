/// What OpenTelemetry says about spans beyond Lanes' columns: W3C ids, OpenTelemetry kinds and
/// status, resources (one per service), instrumentation scopes, span events and links, and the
/// typed attribute values they carry.
///
/// Spans imported from OTLP have all of it, spans that `LanesTracer` recorded have ids, kinds,
/// events, links and status, and Lanes' own spans have none. It is kept apart from the span
/// columns and sparse, so that a recording without it costs nothing, and so that an OTLP trace
/// read into Lanes, written as `.lanes` and exported again comes out as it went in.
///
/// String fields are indexes into the trace's `strings`; span fields are span indexes.
public struct TraceTelemetry: Sendable {
    /// Resources (services), each once.
    public internal(set) var resources: [TelemetryResource] = []
    /// Instrumentation scopes, each once per resource.
    public internal(set) var scopes: [TelemetryScope] = []
    /// The spans that have OpenTelemetry facts, ascending; `spanFacts[k]` belongs to `spans[k]`.
    public internal(set) var spans: [Int32] = []
    /// See `spans`.
    public internal(set) var spanFacts: [SpanTelemetry] = []
    /// Span events, by span, each span's in the order they were added.
    public internal(set) var events: [TelemetryEvent] = []
    /// Span links, by span, each span's in the order they were added.
    public internal(set) var links: [TelemetryLink] = []
    /// The attributes of events and links (each names a range of this list).
    public internal(set) var attributes: [TelemetryAttribute] = []
    /// Bytes, array and key-value-list values, which `StoredAttributeValue` refers to by index.
    public internal(set) var values: [AttributeValue] = []

    public init() {}

    /// Whether the trace has no OpenTelemetry facts at all.
    public var isEmpty: Bool {
        spans.isEmpty && events.isEmpty && links.isEmpty && resources.isEmpty && scopes.isEmpty
    }
}

/// A 128-bit W3C trace id, as two big-endian halves (`high` holds the first eight bytes).
public struct TraceID: Sendable, Hashable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The all-zero id, which W3C and OTLP call invalid.
    public static let zero = TraceID(high: 0, low: 0)

    public var isZero: Bool { high == 0 && low == 0 }
}

/// OpenTelemetry's span kind, with OTLP's numbers.
public enum OpenTelemetryKind: UInt8, Sendable, CaseIterable {
    case unspecified = 0
    case `internal` = 1
    case server = 2
    case client = 3
    case producer = 4
    case consumer = 5

    /// The lowercase name ("server"), "unspecified" for 0.
    public var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .internal: "internal"
        case .server: "server"
        case .client: "client"
        case .producer: "producer"
        case .consumer: "consumer"
        }
    }
}

/// OpenTelemetry's status code, with OTLP's numbers.
public enum OpenTelemetryStatusCode: UInt8, Sendable {
    case unset = 0
    case ok = 1
    case error = 2
}

/// The OpenTelemetry facts of one span.
public struct SpanTelemetry: Sendable, Hashable {
    /// The trace the span belongs to; zero when only the status is known.
    public var traceID: TraceID
    /// The span's own id; 0 when only the status is known.
    public var spanID: UInt64
    /// The parent's span id as the producer gave it, 0 for none. Kept even when the parent is
    /// not in the trace (a remote caller, or a span another process recorded).
    public var parentSpanID: UInt64
    /// W3C `tracestate`, an index into the trace's strings (0: none).
    public var traceState: UInt32
    /// OTLP span flags: bits 0–7 the W3C trace flags, bits 8–9 whether the parent was remote.
    public var flags: UInt32
    public var kind: OpenTelemetryKind
    public var statusCode: OpenTelemetryStatusCode
    /// The status message, an index into the trace's strings (0: none).
    public var statusMessage: UInt32
    /// Index into `TraceTelemetry.scopes`; -1 for spans of Lanes' own scope (recorded by Lanes).
    public var scope: Int32
    /// Counts the producer reported dropping (its limits), kept so exports say so too.
    public var droppedAttributes: UInt32
    public var droppedEvents: UInt32
    public var droppedLinks: UInt32

    public init(
        traceID: TraceID = .zero, spanID: UInt64 = 0, parentSpanID: UInt64 = 0, traceState: UInt32 = 0,
        flags: UInt32 = 0, kind: OpenTelemetryKind = .unspecified, statusCode: OpenTelemetryStatusCode = .unset,
        statusMessage: UInt32 = 0, scope: Int32 = -1, droppedAttributes: UInt32 = 0, droppedEvents: UInt32 = 0,
        droppedLinks: UInt32 = 0
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.traceState = traceState
        self.flags = flags
        self.kind = kind
        self.statusCode = statusCode
        self.statusMessage = statusMessage
        self.scope = scope
        self.droppedAttributes = droppedAttributes
        self.droppedEvents = droppedEvents
        self.droppedLinks = droppedLinks
    }

    /// Whether the span has W3C ids (a trace id and a span id, neither zero).
    public var hasIdentity: Bool { spanID != 0 && !traceID.isZero }

    /// OTLP span flags bits 8 and 9: "whether the parent is remote is known" and "it is".
    public static let remoteParentFlags: UInt32 = 0x300

    /// Whether the producer said the parent is remote (another process's span, which the trace
    /// may not hold).
    public var parentIsRemote: Bool { Self.parentIsRemote(flags: flags) }

    /// Whether OTLP span flags `flags` say the parent is remote.
    public static func parentIsRemote(flags: UInt32) -> Bool { flags & remoteParentFlags == remoteParentFlags }
}

/// A key and a typed value, the key an index into the trace's strings.
public struct TelemetryAttribute: Sendable, Hashable {
    public var key: UInt32
    public var value: StoredAttributeValue

    public init(key: UInt32, value: StoredAttributeValue) {
        self.key = key
        self.value = value
    }
}

/// A resource: the service (or process) that produced spans, described by its attributes.
public struct TelemetryResource: Sendable, Hashable {
    public var attributes: [TelemetryAttribute]
    public var droppedAttributes: UInt32
    /// `ResourceSpans.schema_url`, an index into the trace's strings (0: none).
    public var schemaURL: UInt32

    public init(attributes: [TelemetryAttribute] = [], droppedAttributes: UInt32 = 0, schemaURL: UInt32 = 0) {
        self.attributes = attributes
        self.droppedAttributes = droppedAttributes
        self.schemaURL = schemaURL
    }
}

/// An instrumentation scope (the library that made spans) within a resource.
public struct TelemetryScope: Sendable, Hashable {
    /// Index into `TraceTelemetry.resources`.
    public var resource: Int32
    public var name: UInt32
    public var version: UInt32
    public var attributes: [TelemetryAttribute]
    public var droppedAttributes: UInt32
    /// `ScopeSpans.schema_url`, an index into the trace's strings (0: none).
    public var schemaURL: UInt32

    public init(
        resource: Int32, name: UInt32 = 0, version: UInt32 = 0, attributes: [TelemetryAttribute] = [],
        droppedAttributes: UInt32 = 0, schemaURL: UInt32 = 0
    ) {
        self.resource = resource
        self.name = name
        self.version = version
        self.attributes = attributes
        self.droppedAttributes = droppedAttributes
        self.schemaURL = schemaURL
    }
}

/// A span event: a named point in time inside a span, with attributes (an exception, a log line).
public struct TelemetryEvent: Sendable, Hashable {
    public var span: Int32
    public var time: Int64
    public var name: UInt32
    public var droppedAttributes: UInt32
    /// `TraceTelemetry.attributes[attributeStart ..< attributeStart + attributeCount]`.
    public var attributeStart: Int32
    public var attributeCount: Int32

    public init(span: Int32, time: Int64, name: UInt32, droppedAttributes: UInt32, attributeStart: Int32, attributeCount: Int32) {
        self.span = span
        self.time = time
        self.name = name
        self.droppedAttributes = droppedAttributes
        self.attributeStart = attributeStart
        self.attributeCount = attributeCount
    }
}

/// A span link: a reference to another span (in this trace or another) that caused or relates
/// to this one.
public struct TelemetryLink: Sendable, Hashable {
    public var span: Int32
    public var traceID: TraceID
    public var spanID: UInt64
    public var traceState: UInt32
    public var flags: UInt32
    public var droppedAttributes: UInt32
    /// `TraceTelemetry.attributes[attributeStart ..< attributeStart + attributeCount]`.
    public var attributeStart: Int32
    public var attributeCount: Int32

    public init(
        span: Int32, traceID: TraceID, spanID: UInt64, traceState: UInt32, flags: UInt32, droppedAttributes: UInt32,
        attributeStart: Int32, attributeCount: Int32
    ) {
        self.span = span
        self.traceID = traceID
        self.spanID = spanID
        self.traceState = traceState
        self.flags = flags
        self.droppedAttributes = droppedAttributes
        self.attributeStart = attributeStart
        self.attributeCount = attributeCount
    }
}
