/// Two traces are equal when they say the same thing: the same spans with the same names,
/// times, parents, kinds, tasks and threads, the same slices, attributes (typed), CPU times,
/// counters, totals, samples and OpenTelemetry facts. String indexes may differ (a round trip
/// through a file may intern in another order).
extension Trace: Equatable {
    public static func == (lhs: Trace, rhs: Trace) -> Bool {
        guard lhs.spanCount == rhs.spanCount,
              lhs.threads == rhs.threads,
              lhs.tasks == rhs.tasks,
              lhs.spanBegin == rhs.spanBegin,
              lhs.spanEnd == rhs.spanEnd,
              lhs.spanParent == rhs.spanParent,
              lhs.spanTask == rhs.spanTask,
              lhs.spanThread == rhs.spanThread,
              lhs.spanTraits == rhs.spanTraits,
              lhs.cpuSpans == rhs.cpuSpans,
              lhs.cpuNanoseconds == rhs.cpuNanoseconds,
              lhs.slices == rhs.slices,
              lhs.sampling == rhs.sampling,
              lhs.attributes.count == rhs.attributes.count,
              lhs.counters == rhs.counters,
              lhs.totals == rhs.totals
        else { return false }
        for index in 0..<lhs.spanCount where lhs.name(ofSpan: index) != rhs.name(ofSpan: index) {
            return false
        }
        for (left, right) in zip(lhs.attributes, rhs.attributes) {
            guard left.span == right.span,
                  lhs.strings[left.key] == rhs.strings[right.key],
                  lhs.value(of: left.value) == rhs.value(of: right.value)
            else { return false }
        }
        return lhs.resolvedTelemetry == rhs.resolvedTelemetry
    }

    /// The OpenTelemetry facts with every string and value resolved, for comparisons.
    var resolvedTelemetry: ResolvedTelemetry {
        let telemetry = self.telemetry
        func list(_ attributes: some Sequence<TelemetryAttribute>) -> [AttributeKeyValue] {
            attributes.map { AttributeKeyValue(key: strings[$0.key], value: value(of: $0.value)) }
        }
        var resolved = ResolvedTelemetry()
        resolved.resources = telemetry.resources.map { resource in
            [.array(list(resource.attributes).map { .keyValueList([$0]) }), .int(Int64(resource.droppedAttributes)),
             .string(strings[resource.schemaURL])]
        }
        resolved.scopes = telemetry.scopes.map { scope in
            [.int(Int64(scope.resource)), .string(strings[scope.name]), .string(strings[scope.version]),
             .array(list(scope.attributes).map { .keyValueList([$0]) }), .int(Int64(scope.droppedAttributes)),
             .string(strings[scope.schemaURL])]
        }
        resolved.spans = zip(telemetry.spans, telemetry.spanFacts).map { span, facts in
            var copy = facts
            copy.traceState = 0
            copy.statusMessage = 0
            return ResolvedTelemetry.Span(
                span: span, facts: copy, traceState: strings[facts.traceState], statusMessage: strings[facts.statusMessage])
        }
        resolved.events = telemetry.events.map { event in
            [.int(Int64(event.span)), .int(event.time), .string(strings[event.name]), .int(Int64(event.droppedAttributes)),
             .array(list(attributes(start: event.attributeStart, count: event.attributeCount)).map { .keyValueList([$0]) })]
        }
        resolved.links = telemetry.links.map { link in
            [.int(Int64(link.span)), .int(Int64(bitPattern: link.traceID.high)), .int(Int64(bitPattern: link.traceID.low)),
             .int(Int64(bitPattern: link.spanID)), .string(strings[link.traceState]), .int(Int64(link.flags)),
             .int(Int64(link.droppedAttributes)),
             .array(list(attributes(start: link.attributeStart, count: link.attributeCount)).map { .keyValueList([$0]) })]
        }
        return resolved
    }
}

/// `TraceTelemetry` with strings and values resolved, so two traces can be compared.
struct ResolvedTelemetry: Equatable {
    struct Span: Equatable {
        var span: Int32
        var facts: SpanTelemetry
        var traceState: String
        var statusMessage: String
    }

    var resources: [[AttributeValue]] = []
    var scopes: [[AttributeValue]] = []
    var spans: [Span] = []
    var events: [[AttributeValue]] = []
    var links: [[AttributeValue]] = []
}
