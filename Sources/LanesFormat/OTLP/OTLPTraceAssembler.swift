import LanesModel

/// Collects OTLP spans from requests and builds the trace.
struct OTLPTraceAssembler {
    struct Span {
        var trace: OTLPIdentifiers.TraceID
        var id: UInt64
        var parent: UInt64?
        var name: String
        var begin: Int64
        var end: Int64
        var resource: Int
        var facts: LanesFacts
        var thread: (id: UInt64, name: String)?
        var attributes: [(key: String, value: String)]
        var status: SpanStatus
        var isEvent: Bool
    }

    struct SpanKey: Hashable {
        var trace: OTLPIdentifiers.TraceID
        var span: UInt64
    }

    struct Resource {
        var serviceName = ""
        var processID: UInt32 = 0
        var clockAtStart: Int64?
        var unixNanosecondsAtClock: Int64?
    }

    var spans: [Span] = []
    var resources: [Resource] = []
    var malformedSpans = 0

    /// How much has been collected, so that a request that turns out damaged can be undone.
    struct Mark {
        var spans: Int
        var resources: Int
        var malformedSpans: Int
    }

    var mark: Mark { Mark(spans: spans.count, resources: resources.count, malformedSpans: malformedSpans) }

    /// Forgets everything collected after `mark`.
    mutating func rollBack(to mark: Mark) {
        spans.removeSubrange(mark.spans...)
        resources.removeSubrange(mark.resources...)
        malformedSpans = mark.malformedSpans
    }

    /// Adds a resource (the process or service spans come from) and returns its index.
    mutating func addResource(attributes: [OTLPAttribute]) -> Int {
        resources.append(Resource())
        setResourceAttributes(attributes.map { ($0.key, $0.value.json) }, of: resources.count - 1)
        return resources.count - 1
    }

    /// Records the attributes of a resource (service name, process id, Lanes' clock pair).
    mutating func setResourceAttributes(_ list: JSONValue?, of index: Int) {
        setResourceAttributes(attributes(list), of: index)
    }

    private mutating func setResourceAttributes(_ pairs: [(key: String, value: JSONValue)], of index: Int) {
        for (key, value) in pairs {
            switch key {
            case "service.name": resources[index].serviceName = value.stringValue ?? ""
            case "process.pid": resources[index].processID = UInt32(truncatingIfNeeded: value.numberValue?.int64Value ?? 0)
            case LanesArgumentKey.clockAtStart: resources[index].clockAtStart = value.numberValue?.int64Value
            case LanesArgumentKey.unixNanosecondsAtClock: resources[index].unixNanosecondsAtClock = value.numberValue?.int64Value
            default: break
            }
        }
    }

    /// Adds one span (and its events, as instant children); a span without valid ids is
    /// counted and skipped.
    mutating func addSpan(_ fields: OTLPSpanFields, resource: Int) {
        guard let traceID = fields.traceID, let spanID = fields.spanID else {
            malformedSpans += 1
            return
        }
        let parent = fields.parentSpanID
        var facts = LanesFacts()
        var thread: (id: UInt64, name: String)?
        var userAttributes: [(key: String, value: String)] = []
        for (key, attribute) in fields.attributes.lazy.map({ ($0.key, $0.value.json) }) {
            if key == "thread.id", let number = attribute.numberValue?.int64Value {
                thread = (UInt64(bitPattern: number), thread?.name ?? "")
            } else if key == "thread.name" {
                thread = (thread?.id ?? 0, attribute.stringValue ?? attribute.attributeText)
            } else if LanesArgumentKey.isReserved(key) {
                facts.record(key: key, value: attribute)
            } else {
                userAttributes.append((key, attribute.attributeText))
            }
        }
        var status = facts.status ?? .ok
        if fields.statusCode == 2 {
            status = .error
            if !fields.statusMessage.isEmpty, !userAttributes.contains(where: { $0.key == "error" }) {
                userAttributes.append(("error", fields.statusMessage))
            }
        }
        spans.append(Span(
            trace: traceID, id: spanID, parent: parent, name: fields.name, begin: fields.begin,
            end: max(fields.begin, fields.end), resource: resource,
            facts: facts, thread: thread, attributes: userAttributes, status: status, isEvent: false))

        // Span events are points in time inside the span: instant children.
        for event in fields.events {
            var eventFacts = LanesFacts()
            eventFacts.task = facts.task
            eventFacts.taskName = facts.taskName
            let eventAttributes = event.attributes.map { ($0.key, $0.value.json.attributeText) }
            spans.append(Span(
                trace: traceID, id: 0, parent: spanID,
                name: event.name, begin: event.time, end: event.time,
                resource: resource, facts: eventFacts, thread: thread, attributes: eventAttributes, status: .ok, isEvent: true))
        }
    }

    /// A time in Unix nanoseconds, written as a string (the OTLP/JSON way) or a number.
    func time(_ value: JSONValue?) -> Int64 {
        value?.numberValue?.int64Value ?? 0
    }

    /// An object member under its lowerCamelCase or its protobuf (snake_case) name.
    func field(_ value: JSONValue?, _ camelCase: String, _ snakeCase: String) -> JSONValue? {
        guard let value else { return nil }
        return value[camelCase] ?? (camelCase == snakeCase ? nil : value[snakeCase])
    }

    /// `[{"key": …, "value": {"stringValue": …}}]` as (key, plain value) pairs.
    func attributes(_ list: JSONValue?) -> [(key: String, value: JSONValue)] {
        guard let elements = list?.elements else { return [] }
        return elements.compactMap { element in
            guard let key = element["key"]?.stringValue else { return nil }
            return (key, anyValue(element["value"]))
        }
    }

    /// An OTLP `AnyValue` as a plain JSON value (int64 strings stay strings; readers accept both).
    func anyValue(_ value: JSONValue?) -> JSONValue {
        guard let value else { return .null }
        if let text = field(value, "stringValue", "string_value") { return text }
        if let integer = field(value, "intValue", "int_value") { return integer.numberValue.map { .number($0) } ?? integer }
        if let double = field(value, "doubleValue", "double_value") { return double }
        if let flag = field(value, "boolValue", "bool_value") { return flag }
        if let bytes = field(value, "bytesValue", "bytes_value") { return bytes }
        if let array = field(value, "arrayValue", "array_value") {
            return .array((field(array, "values", "values")?.elements ?? []).map { anyValue($0) })
        }
        if let list = field(value, "kvlistValue", "kvlist_value") {
            return .object(attributes(field(list, "values", "values")).map { JSONMember(key: $0.key, value: $0.value) })
        }
        return .null
    }

    /// Builds the trace: lanes, threads, parents, times on the recording's clock.
    mutating func finish() -> (trace: Trace, warnings: [TraceReadWarning]) {
        var builder = TraceBuilder()
        builder.metadata.sourceFormat = "otlp"
        let first = resources.first ?? Resource()
        builder.metadata.processName = first.serviceName
        builder.metadata.processID = first.processID
        // Times stay Unix nanoseconds unless Lanes wrote its clock pair (then they go back to it).
        var clockOffset: Int64 = 0
        if let clock = first.clockAtStart, let unix = first.unixNanosecondsAtClock {
            builder.metadata.clockAtStart = clock
            builder.metadata.unixNanosecondsAtClock = unix
            clockOffset = clock &- unix
        } else {
            let earliest = spans.lazy.map(\.begin).min() ?? 0
            builder.metadata.clockAtStart = earliest
            builder.metadata.unixNanosecondsAtClock = earliest
        }

        // Lanes: one per (resource, trace id), named after that trace's first root span.
        struct LaneKey: Hashable { var resource: Int; var trace: OTLPIdentifiers.TraceID }
        var laneNames: [LaneKey: String] = [:]
        for span in spans where span.parent == nil && span.facts.task == nil {
            let key = LaneKey(resource: span.resource, trace: span.trace)
            if laneNames[key] == nil { laneNames[key] = span.name }
        }
        var laneTasks: [LaneKey: Int32] = [:]
        var indexByKey: [SpanKey: Int32] = [:]
        indexByKey.reserveCapacity(spans.count)
        var builderIndexes: [Int32] = []
        builder.reserveSpans(spans.count)
        for span in spans {
            let task: Int32
            if let taskID = span.facts.task {
                task = builder.task(id: taskID, name: span.facts.taskName ?? "")
            } else {
                let key = LaneKey(resource: span.resource, trace: span.trace)
                if let existing = laneTasks[key] {
                    task = existing
                } else {
                    task = builder.task(id: UInt64(1) << 62 | UInt64(laneTasks.count), name: laneNames[key] ?? span.name)
                    laneTasks[key] = task
                }
            }
            var thread: Int32 = -1
            if let info = span.thread {
                thread = builder.thread(id: info.id, name: info.name, isExecutor: span.facts.executorThread)
            }
            var flags: SpanFlags = []
            if span.facts.onExecutor { flags.insert(.onExecutor) }
            if span.facts.isInstant || span.isEvent { flags.insert(.instant) }
            let index = builder.addSpan(
                name: builder.intern(span.name), kind: span.facts.kind ?? .unknown,
                begin: span.begin &+ clockOffset, end: span.end &+ clockOffset,
                task: task, thread: thread, status: span.status, flags: flags)
            if let cpu = span.facts.cpuNanoseconds { builder.setCPUTime(of: index, nanoseconds: cpu) }
            for attribute in span.attributes {
                builder.addAttribute(to: index, key: attribute.key, value: attribute.value)
            }
            if !span.isEvent { indexByKey[SpanKey(trace: span.trace, span: span.id)] = index }
            builderIndexes.append(index)
        }
        var missingParents = 0
        for (position, span) in spans.enumerated() {
            guard let parent = span.parent else { continue }
            if let parentIndex = indexByKey[SpanKey(trace: span.trace, span: parent)] {
                builder.setParent(of: builderIndexes[position], to: parentIndex)
            } else {
                missingParents += 1
            }
        }
        var warnings: [TraceReadWarning] = []
        if malformedSpans > 0 {
            warnings.append(TraceReadWarning(
                "skipped \(counted(malformedSpans, "span")) without a valid traceId (32 hex digits) and spanId (16 hex digits)"))
        }
        if missingParents > 0 {
            warnings.append(TraceReadWarning(
                "\(counted(missingParents, "span")) named a parent that is not in the file; shown as roots"))
        }
        return (builder.build(), warnings)
    }
}
