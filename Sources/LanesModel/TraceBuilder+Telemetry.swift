/// Adding OpenTelemetry facts: typed values, resources, scopes, span facts, events and links.
extension TraceBuilder {
    /// Stores `value` for use in an attribute: strings are interned, scalars kept in place, and
    /// bytes, arrays and lists added (once each) to the trace's table of composite values.
    public mutating func store(_ value: AttributeValue) -> StoredAttributeValue {
        if case .string(let text) = value { return .string(strings.intern(text)) }
        if let scalar = StoredAttributeValue(scalar: value) { return scalar }
        return StoredAttributeValue(type: value.type, bits: UInt64(telemetry.intern(value)))
    }

    /// The value `stored` stands for (the inverse of `store(_:)`).
    public func value(of stored: StoredAttributeValue) -> AttributeValue {
        TraceTelemetry.value(of: stored, strings: strings, values: telemetry.values)
    }

    /// Adds `resource` unless an equal one was added; returns its index either way, so that the
    /// spans of one service share one resource however many requests brought them.
    public mutating func addResource(_ resource: TelemetryResource) -> Int32 {
        telemetry.add(resource)
    }

    /// Adds `scope` unless an equal one was added; returns its index either way.
    public mutating func addScope(_ scope: TelemetryScope) -> Int32 {
        telemetry.add(scope)
    }

    /// Sets the OpenTelemetry facts of span `span` (a builder index).
    public mutating func setTelemetry(of span: Int32, _ facts: SpanTelemetry) {
        telemetry.set(facts, of: span)
    }

    /// Changes the OpenTelemetry facts of span `span`, starting from empty facts if it had none
    /// (a recorder writes ids when a span begins and its status when it ends).
    public mutating func updateTelemetry(of span: Int32, _ change: (inout SpanTelemetry) -> Void) {
        var facts = telemetry.facts(of: span) ?? SpanTelemetry()
        change(&facts)
        telemetry.set(facts, of: span)
    }

    /// Reserves room for the OpenTelemetry facts and attributes of `spans` spans (an importer's
    /// guess; capped).
    public mutating func reserveTelemetry(spans: Int) {
        let count = max(0, min(spans, 1 << 22))
        telemetry.reserve(count)
        attributeList.reserveCapacity(2 * count)
    }

    /// Replaces the scope of every span's facts by `transform(scope)` (for assemblers that learn
    /// the trace's scopes only at the end).
    public mutating func mapTelemetryScopes(_ transform: (Int32) -> Int32) {
        telemetry.mapScopes(transform)
    }

    /// The OpenTelemetry facts of span `span` (a builder index), if it has any.
    public func telemetry(ofSpan span: Int32) -> SpanTelemetry? { telemetry.facts(of: span) }

    /// Adds an event named `name` (a string index) at `time` to span `span`.
    public mutating func addEvent(
        to span: Int32, name: UInt32, time: Int64, attributes: [TelemetryAttribute],
        droppedAttributes: UInt32 = 0
    ) {
        let start = telemetry.append(attributes)
        telemetry.events.append(TelemetryEvent(
            span: span, time: time, name: name, droppedAttributes: droppedAttributes,
            attributeStart: start, attributeCount: Int32(attributes.count)))
    }

    /// The begin time of span `span` (a builder index).
    public func begin(ofSpan span: Int32) -> Int64 { spans.begin(Int(span)) }

    /// The name of span `span` (a builder index), an index into `strings`.
    public func name(ofSpan span: Int32) -> UInt32 { spans.name(Int(span)) }

    /// The earliest begin of the spans added so far, nil if none.
    public var earliestSpanBegin: Int64? {
        spans.count == 0 ? nil : (0..<spans.count).lazy.map { spans.begin($0) }.min()
    }

    /// Adds a link from span `span` to span `spanID` of trace `traceID`.
    public mutating func addLink(
        to span: Int32, traceID: TraceID, spanID: UInt64, traceState: UInt32 = 0, flags: UInt32 = 0,
        attributes: [TelemetryAttribute], droppedAttributes: UInt32 = 0
    ) {
        let start = telemetry.append(attributes)
        telemetry.links.append(TelemetryLink(
            span: span, traceID: traceID, spanID: spanID, traceState: traceState, flags: flags,
            droppedAttributes: droppedAttributes, attributeStart: start, attributeCount: Int32(attributes.count)))
    }
}

/// The OpenTelemetry facts a `TraceBuilder` collects, indexed by builder span index until
/// `build(newIndexOfOld:)` moves them to the spans' final indexes.
struct TelemetryBuilder: Sendable {
    private var resourceList = UniqueList<TelemetryResource>()
    private var scopeList = UniqueList<TelemetryScope>()
    private var valueList = UniqueList<AttributeValue>()
    /// Position in `facts` of each builder span's facts, or -1; only as long as the last span
    /// that has facts (it stays empty for traces without any).
    private var factsPosition: [Int32] = []
    private var facts: [(span: Int32, facts: SpanTelemetry)] = []
    var events: [TelemetryEvent] = []
    var links: [TelemetryLink] = []
    var attributes: [TelemetryAttribute] = []

    var values: [AttributeValue] { valueList.elements }
    mutating func intern(_ value: AttributeValue) -> Int32 { valueList.add(value) }
    mutating func add(_ resource: TelemetryResource) -> Int32 { resourceList.add(resource) }
    mutating func add(_ scope: TelemetryScope) -> Int32 { scopeList.add(scope) }

    func facts(of span: Int32) -> SpanTelemetry? {
        guard span >= 0, Int(span) < factsPosition.count, factsPosition[Int(span)] >= 0 else { return nil }
        return facts[Int(factsPosition[Int(span)])].facts
    }

    mutating func set(_ spanFacts: SpanTelemetry, of span: Int32) {
        guard span >= 0 else { return }
        if Int(span) >= factsPosition.count {
            factsPosition.append(contentsOf: repeatElement(-1, count: Int(span) + 1 - factsPosition.count))
        }
        if factsPosition[Int(span)] >= 0 {
            facts[Int(factsPosition[Int(span)])].facts = spanFacts
        } else {
            factsPosition[Int(span)] = Int32(facts.count)
            facts.append((span, spanFacts))
        }
    }

    mutating func reserve(_ spans: Int) {
        factsPosition.reserveCapacity(spans)
        facts.reserveCapacity(spans)
    }

    mutating func mapScopes(_ transform: (Int32) -> Int32) {
        for index in facts.indices { facts[index].facts.scope = transform(facts[index].facts.scope) }
    }

    /// Appends `list` to the shared attribute list; returns where it starts.
    /// (An array, not any collection: readers in other modules call it for every event and link,
    /// and a generic call across modules is not specialised.)
    mutating func append(_ list: [TelemetryAttribute]) -> Int32 {
        let start = Int32(attributes.count)
        attributes.append(contentsOf: list)
        return start
    }

    /// The facts with span indexes moved to where `build()` put the spans, sorted by span
    /// (events and links keep their order within a span).
    func build(newIndexOfOld: [Int32]) -> TraceTelemetry {
        var result = TraceTelemetry()
        result.resources = resourceList.elements
        result.scopes = scopeList.elements
        result.values = valueList.elements
        result.attributes = attributes
        func moved(_ span: Int32) -> Int32 {
            span >= 0 && Int(span) < newIndexOfOld.count ? newIndexOfOld[Int(span)] : -1
        }
        // Each span has facts at most once: place them by their new index, no sort needed.
        var factsOfNewSpan = [Int32](repeating: -1, count: newIndexOfOld.count)
        for (position, entry) in facts.enumerated() {
            let span = moved(entry.span)
            if span >= 0 { factsOfNewSpan[Int(span)] = Int32(position) }
        }
        result.spans.reserveCapacity(facts.count)
        result.spanFacts.reserveCapacity(facts.count)
        for (span, position) in factsOfNewSpan.enumerated() where position >= 0 {
            result.spans.append(Int32(span))
            result.spanFacts.append(facts[Int(position)].facts)
        }
        result.events = Self.movedStably(events, moved: moved)
        result.links = Self.movedStably(links, moved: moved)
        return result
    }

    /// `items` with their span moved, those of vanished spans dropped, sorted by span, stable.
    /// Items usually arrive in span order and stay in it (a reader adds spans as it meets them):
    /// then nothing is sorted.
    private static func movedStably<Item: BelongsToSpan>(_ items: [Item], moved: (Int32) -> Int32) -> [Item] {
        var kept: [Item] = []
        kept.reserveCapacity(items.count)
        var inOrder = true
        for var item in items {
            item.span = moved(item.span)
            guard item.span >= 0 else { continue }
            if let last = kept.last, last.span > item.span { inOrder = false }
            kept.append(item)
        }
        if inOrder { return kept }
        var positioned = kept.enumerated().map { (position: $0.offset, item: $0.element) }
        positioned.sort { ($0.item.span, $0.position) < ($1.item.span, $1.position) }
        return positioned.map(\.item)
    }
}

/// Span events and links: items that belong to a span, by index.
protocol BelongsToSpan {
    var span: Int32 { get set }
}

extension TelemetryEvent: BelongsToSpan {}
extension TelemetryLink: BelongsToSpan {}

/// Distinct elements in the order they were first added, each with a stable index.
struct UniqueList<Element: Hashable & Sendable>: Sendable {
    private(set) var elements: [Element] = []
    private var indexOf: [Element: Int32] = [:]

    /// The index of `element`, adding it if it is new.
    mutating func add(_ element: Element) -> Int32 {
        if let index = indexOf[element] { return index }
        let index = Int32(elements.count)
        elements.append(element)
        indexOf[element] = index
        return index
    }
}
