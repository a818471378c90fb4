import LanesModel

/// Turns decoded OTLP trace data into a `Trace`: the one conversion from OpenTelemetry's model
/// to Lanes', fed by the JSON reader (`OTLPTraceImporter`) and by any other decoder (the
/// protobuf bodies of `lanes collect`).
///
/// Feed it in the order the data nests: `addResource`, then `addScope` for that resource, then
/// `addSpan` for that scope, as many times as requests bring them; `setResource`/`setScope`
/// replace one added earlier when a decoder meets its fields after its spans. Then `finish()`.
///
/// Everything OpenTelemetry says is kept (`TraceTelemetry`): ids, kinds, status, typed
/// attributes, events, links, and resources and scopes, each once however many requests repeat
/// them. On top of it the assembler builds Lanes' view: one lane per service (resource) and
/// trace, named after the trace's root span there; parents found by span id; threads from
/// `thread.id`/`thread.name`. Spans of Lanes' own scope (`lanes`, from Lanes' exports) get
/// back their Lanes kinds, tasks, threads and CPU times from the facts in their first
/// attribute. Times stay Unix nanoseconds, unless Lanes' scope carries the clock pair of the
/// recording it came from.
public struct OTLPTraceAssembler {
    var builder = TraceBuilder(metadata: TraceMetadata(sourceFormat: "otlp"))

    /// Resources and scopes as added (a request each); `finish()` adds each to the trace once.
    private var addedResources: [TelemetryResource] = []
    private var addedScopes: [TelemetryScope] = []

    /// What `finish()` needs of each added span, by builder index.
    private struct AddedSpan {
        var trace: TraceID
        var span: UInt64
        var parent: UInt64
        /// Whether the producer said the parent is remote (another process: not in the file).
        var parentIsRemote: Bool
        /// The added scope the span came in.
        var scope: Int32
        /// Whether the span's task was given (Lanes' facts) rather than left to `finish()`.
        var hasTask: Bool
        /// Whether the span is in Lanes' scope (a missing task there means "the parent's").
        var inLanesScope: Bool
    }

    private var spans: [AddedSpan] = []
    /// Spans without valid ids, counted and skipped.
    private(set) var malformedSpans = 0
    /// Unix time + this = the trace's time (0, or the Lanes clock pair's difference); decided
    /// by the first span.
    private var clockOffset: Int64?
    private let keys: Keys

    /// String indexes of the keys the assembler looks for, interned once.
    private struct Keys {
        var lanesScope: UInt32
        var lanesFacts: UInt32
        var threadID: UInt32
        var threadName: UInt32
        var serviceName: UInt32
        var processID: UInt32
        var clockAtStart: UInt32
        var unixAtClock: UInt32
    }

    /// An assembler for about `expectedSpans` spans (a hint: room is reserved for at most a few
    /// million, and more is added as needed).
    public init(expectedSpans: Int = 0) {
        let reserved = max(0, min(expectedSpans, 1 << 22))
        builder.reserveSpans(reserved)
        builder.reserveTelemetry(spans: reserved)
        spans.reserveCapacity(reserved)
        keys = Keys(
            lanesScope: builder.intern(LanesArgumentKey.otlpScope), lanesFacts: builder.intern(LanesArgumentKey.otlpFacts),
            threadID: builder.intern(WellKnownAttributeKey.threadID), threadName: builder.intern(WellKnownAttributeKey.threadName),
            serviceName: builder.intern(WellKnownAttributeKey.serviceName),
            processID: builder.intern(WellKnownAttributeKey.processID),
            clockAtStart: builder.intern(LanesArgumentKey.clockAtStart),
            unixAtClock: builder.intern(LanesArgumentKey.unixNanosecondsAtClock))
    }

    /// Set in the id of every lane the assembler makes for a service and trace (the lower bits
    /// number the lanes); Lanes' own task ids are far below it.
    public static let serviceLaneBit: UInt64 = 1 << 62

    /// Whether `taskID` is a lane the assembler made for a service and trace (not a task of
    /// Lanes' own scope).
    public static func isServiceLane(_ taskID: UInt64) -> Bool {
        taskID & serviceLaneBit != 0 && taskID != UInt64.max
    }

    /// The number of valid spans added so far.
    public var spanCount: Int { spans.count }

    // MARK: Strings and values

    /// The string index of `text`, for the fields of `OTLPSpanData` and the model types.
    public mutating func intern(_ text: String) -> UInt32 { builder.intern(text) }

    /// `value` stored for an attribute.
    public mutating func store(_ value: AttributeValue) -> StoredAttributeValue { builder.store(value) }

    /// The builder's strings, for readers that intern from raw bytes (`RawStringInterner`).
    var strings: StringTable { builder.strings }

    // MARK: Resources, scopes, spans

    /// Adds a resource (a request's `ResourceSpans.resource` and schema URL); returns its handle
    /// for `addScope`.
    public mutating func addResource(_ resource: TelemetryResource) -> Int32 {
        addedResources.append(resource)
        return Int32(addedResources.count - 1)
    }

    /// Replaces the resource `handle` names (for decoders that meet its fields after its spans).
    public mutating func setResource(_ handle: Int32, to resource: TelemetryResource) {
        guard addedResources.indices.contains(Int(handle)) else { return }
        addedResources[Int(handle)] = resource
    }

    /// Adds a scope (a `ScopeSpans.scope` and its schema URL) whose `resource` is a handle from
    /// `addResource`; returns its handle for `addSpan`.
    public mutating func addScope(_ scope: TelemetryScope) -> Int32 {
        addedScopes.append(scope)
        return Int32(addedScopes.count - 1)
    }

    /// Replaces the scope `handle` names (its resource handle included).
    public mutating func setScope(_ handle: Int32, to scope: TelemetryScope) {
        guard addedScopes.indices.contains(Int(handle)) else { return }
        addedScopes[Int(handle)] = scope
    }

    /// Whether added scope `handle` is Lanes' own (its spans carry Lanes' facts).
    func isLanesScope(_ handle: Int32) -> Bool {
        addedScopes.indices.contains(Int(handle)) && addedScopes[Int(handle)].name == keys.lanesScope
    }

    /// Adds one span of scope `scope` (a handle from `addScope`).
    public mutating func addSpan(_ span: OTLPSpanData, scope: Int32) {
        guard !span.traceID.isZero, span.spanID != 0 else {
            malformedSpans += 1
            return
        }
        let inLanesScope = isLanesScope(scope)
        var facts = span.lanesFacts
        var userAttributes = span.attributes[...]
        if inLanesScope, let first = span.attributes.first, first.key == keys.lanesFacts {
            if facts == nil { facts = LanesFacts(otlpFacts: builder.value(of: first.value)) }
            userAttributes = userAttributes.dropFirst()
        } else if !inLanesScope {
            facts = nil
        }
        let offset = clockOffset ?? decideClockOffset(scope: scope, inLanesScope: inLanesScope)
        let begin = Int64(bitPattern: span.startTimeUnixNano) &+ offset
        let end = Int64(bitPattern: span.endTimeUnixNano) &+ offset

        var thread: Int32 = -1
        if let facts, let threadID = facts.thread {
            thread = builder.thread(id: threadID, name: facts.threadName ?? "", isExecutor: facts.executorThread)
        } else if !inLanesScope {
            thread = threadFromAttributes(userAttributes)
        }
        var task: Int32 = -1
        if let taskID = facts?.task { task = builder.task(id: taskID, name: facts?.taskName ?? "") }
        var flags: SpanFlags = []
        if facts?.onExecutor == true { flags.insert(.onExecutor) }
        if facts?.isInstant == true { flags.insert(.instant) }
        let status: SpanStatus = span.statusCode == .error ? .error : (facts?.status ?? .ok)
        let index = builder.addSpan(
            name: span.name, kind: facts?.kind ?? .unknown, begin: begin, end: end, task: task, thread: thread,
            status: status, flags: flags)
        if let cpu = facts?.cpuNanoseconds { builder.setCPUTime(of: index, nanoseconds: cpu) }
        for attribute in userAttributes { builder.addAttribute(to: index, key: attribute.key, value: attribute.value) }
        builder.setTelemetry(of: index, SpanTelemetry(
            traceID: span.traceID, spanID: span.spanID, parentSpanID: span.parentSpanID, traceState: span.traceState,
            flags: span.flags, kind: span.kind, statusCode: span.statusCode, statusMessage: span.statusMessage,
            scope: scope, droppedAttributes: span.droppedAttributesCount,
            droppedEvents: span.droppedEventsCount, droppedLinks: span.droppedLinksCount))
        for event in span.events {
            builder.addEvent(
                to: index, name: event.name, time: Int64(bitPattern: event.timeUnixNano) &+ offset,
                attributes: event.attributes, droppedAttributes: event.droppedAttributesCount)
        }
        for link in span.links {
            builder.addLink(
                to: index, traceID: link.traceID, spanID: link.spanID, traceState: link.traceState, flags: link.flags,
                attributes: link.attributes, droppedAttributes: link.droppedAttributesCount)
        }
        spans.append(AddedSpan(
            trace: span.traceID, span: span.spanID, parent: span.parentSpanID,
            parentIsRemote: SpanTelemetry.parentIsRemote(flags: span.flags), scope: scope, hasTask: task >= 0,
            inLanesScope: inLanesScope))
    }

    /// The thread named by `thread.id` (an integer) and `thread.name`, if the span has one.
    private mutating func threadFromAttributes(_ attributes: ArraySlice<TelemetryAttribute>) -> Int32 {
        var id: UInt64?
        var name = ""
        for attribute in attributes {
            if attribute.key == keys.threadID, attribute.value.type == .int {
                id = attribute.value.bits
            } else if attribute.key == keys.threadName, attribute.value.type == .string {
                name = builder.strings[UInt32(truncatingIfNeeded: attribute.value.bits)]
            }
        }
        guard let id else { return -1 }
        return builder.thread(id: id, name: name)
    }

    /// The first span decides the clock: a Lanes scope's clock pair gives back the recording's
    /// monotonic times; anything else keeps Unix nanoseconds.
    private mutating func decideClockOffset(scope: Int32, inLanesScope: Bool) -> Int64 {
        var offset: Int64 = 0
        if inLanesScope {
            var clock: Int64?
            var unix: Int64?
            for attribute in addedScopes[Int(scope)].attributes where attribute.value.type == .int {
                if attribute.key == keys.clockAtStart { clock = Int64(bitPattern: attribute.value.bits) }
                if attribute.key == keys.unixAtClock { unix = Int64(bitPattern: attribute.value.bits) }
            }
            if let clock, let unix {
                builder.metadata.clockAtStart = clock
                builder.metadata.unixNanosecondsAtClock = unix
                offset = clock &- unix
            }
        }
        clockOffset = offset
        return offset
    }

    // MARK: Building

    /// Resolves parents, puts every span in a lane and builds the trace.
    public mutating func finish() -> (trace: Trace, warnings: [TraceReadWarning]) {
        let resourceOfScope = addScopesToTrace()
        setProcessFacts()

        let table = SpanIDTable(traces: spans.map(\.trace), spanIDs: spans.map(\.span))
        var parentOf = [Int32](repeating: -1, count: spans.count)
        var missingParents = 0
        for (index, span) in spans.enumerated() where span.parent != 0 {
            if let parent = table.index(of: span.trace, span.parent), parent != Int32(index) {
                parentOf[index] = parent
                builder.setParent(of: Int32(index), to: parent)
            } else if !span.parentIsRemote {
                missingParents += 1
            }
        }
        assignLanes(parentOf: parentOf, resourceOfScope: resourceOfScope)

        var warnings: [TraceReadWarning] = []
        if malformedSpans > 0 {
            warnings.append(TraceReadWarning(
                "skipped \(counted(malformedSpans, "span")) without a valid traceId (32 hex digits) and spanId (16 hex digits)"))
        }
        if missingParents > 0 {
            warnings.append(TraceReadWarning(
                "\(counted(missingParents, "span")) named a parent that is not in the file (and not remote); shown as roots"))
        }
        return (builder.build(), warnings)
    }

    /// Gives every span without a task its lane: spans of Lanes' scope take their parent's
    /// task; the others share one lane per (service, trace), named after the trace's root span
    /// there (a span without a parent id, else the earliest whose parent is not in the lane:
    /// a server span called from another service).
    private mutating func assignLanes(parentOf: [Int32], resourceOfScope: [Int32]) {
        struct LaneKey: Hashable {
            var resource: Int32
            var trace: TraceID
        }
        var laneOf: [LaneKey: Int32] = [:]
        var laneKeys: [LaneKey] = []
        /// Per lane: the span it is named after, and whether that span has no parent id at all.
        var laneRoot: [(span: Int32, isTrueRoot: Bool)] = []
        var taskOf = [Int32](repeating: -1, count: spans.count)
        for index in spans.indices where spans[index].hasTask { taskOf[index] = builder.task(ofSpan: Int32(index)) }

        // The spans of one trace mostly come together: the last lane found is tried first.
        var lastKey = LaneKey(resource: -2, trace: .zero)
        var lastLane: Int32 = -1
        func laneTask(_ index: Int) -> Int32 {
            let span = spans[index]
            let resource = resourceOfScope.indices.contains(Int(span.scope)) ? resourceOfScope[Int(span.scope)] : -1
            let key = LaneKey(resource: resource, trace: span.trace)
            if key == lastKey { return lastLane }
            lastKey = key
            if let lane = laneOf[key] {
                lastLane = lane
                return lane
            }
            let lane = builder.addNewTask(id: Self.serviceLaneBit | UInt64(laneKeys.count))
            laneOf[key] = lane
            laneKeys.append(key)
            laneRoot.append((-1, false))
            lastLane = lane
            return lane
        }

        // Inherited tasks follow parent chains; each span is settled once (cycles end as roots).
        var path: [Int] = []
        for start in spans.indices where taskOf[start] < 0 {
            path.removeAll(keepingCapacity: true)
            var node = start
            var task: Int32 = -1
            while true {
                if taskOf[node] >= 0 { task = taskOf[node]; break }
                if taskOf[node] == -2 { break }  // A cycle through spans being settled.
                taskOf[node] = -2
                path.append(node)
                guard spans[node].inLanesScope, parentOf[node] >= 0 else { break }
                node = Int(parentOf[node])
            }
            for visited in path.reversed() {
                if task < 0 || !spans[visited].inLanesScope || parentOf[visited] < 0 { task = laneTask(visited) }
                taskOf[visited] = task
            }
        }
        for index in spans.indices where !spans[index].hasTask {
            builder.setTask(of: Int32(index), to: taskOf[index])
        }
        // Name each (service, trace) lane after its root span.
        var laneNumberOfTask: [Int32: Int] = [:]
        for (number, key) in laneKeys.enumerated() { laneNumberOfTask[laneOf[key]!] = number }
        for index in spans.indices where parentOf[index] < 0 || taskOf[Int(parentOf[index])] != taskOf[index] {
            guard let number = laneNumberOfTask[taskOf[index]] else { continue }
            let isTrueRoot = spans[index].parent == 0
            let current = laneRoot[number]
            let earlier = current.span < 0 || (isTrueRoot && !current.isTrueRoot)
                || (isTrueRoot == current.isTrueRoot && builder.begin(ofSpan: Int32(index)) < builder.begin(ofSpan: current.span))
            if earlier { laneRoot[number] = (Int32(index), isTrueRoot) }
        }
        for (number, root) in laneRoot.enumerated() where root.span >= 0 {
            builder.setName(ofTask: laneOf[laneKeys[number]]!, toString: builder.name(ofSpan: root.span))
        }
    }

    /// The process name and id from the first resource that says them.
    private mutating func setProcessFacts() {
        for resource in addedResources {
            for attribute in resource.attributes {
                if attribute.key == keys.serviceName, attribute.value.type == .string, builder.metadata.processName.isEmpty {
                    builder.metadata.processName = builder.strings[UInt32(truncatingIfNeeded: attribute.value.bits)]
                }
                if attribute.key == keys.processID, attribute.value.type == .int, builder.metadata.processID == 0 {
                    builder.metadata.processID = UInt32(truncatingIfNeeded: attribute.value.bits)
                }
            }
            if !builder.metadata.processName.isEmpty { break }
        }
        if clockOffset == nil || clockOffset == 0, builder.metadata.unixNanosecondsAtClock == 0 {
            let earliest = builder.earliestSpanBegin ?? 0
            builder.metadata.clockAtStart = earliest
            builder.metadata.unixNanosecondsAtClock = earliest
        }
    }

    /// Adds the scopes spans came in, and their resources, to the trace, each distinct one once
    /// (requests repeat them), and points the spans' facts at them. Returns the trace's resource
    /// index of each added scope (-1 for scopes no span came in).
    private mutating func addScopesToTrace() -> [Int32] {
        var used = [Bool](repeating: false, count: addedScopes.count)
        for span in spans where used.indices.contains(Int(span.scope)) { used[Int(span.scope)] = true }
        var resourceIndex = [Int32](repeating: -1, count: addedResources.count)
        var scopeIndex = [Int32](repeating: -1, count: addedScopes.count)
        var resourceOfScope = [Int32](repeating: -1, count: addedScopes.count)
        for (handle, scope) in addedScopes.enumerated() where used[handle] {
            var resource: Int32 = -1
            if addedResources.indices.contains(Int(scope.resource)) {
                if resourceIndex[Int(scope.resource)] < 0 {
                    resourceIndex[Int(scope.resource)] = builder.addResource(addedResources[Int(scope.resource)])
                }
                resource = resourceIndex[Int(scope.resource)]
            }
            var copy = scope
            copy.resource = resource
            scopeIndex[handle] = builder.addScope(copy)
            resourceOfScope[handle] = resource
        }
        builder.mapTelemetryScopes { handle in scopeIndex.indices.contains(Int(handle)) ? scopeIndex[Int(handle)] : -1 }
        return resourceOfScope
    }
}

extension LanesFacts {
    /// The facts in the value of an OTLP span's `lanes` attribute: a key-value list keyed by the
    /// facts' names without `lanes.` (`kind`, `task`, …).
    init(otlpFacts value: AttributeValue) {
        self.init()
        guard case .keyValueList(let pairs) = value else { return }
        for pair in pairs {
            let json: JSONValue
            switch pair.value {
            case .string(let text): json = .string(text)
            case .int(let number): json = .number(JSONNumber(number))
            case .bool(let flag): json = .bool(flag)
            default: continue
            }
            record(key: "lanes." + pair.key, value: json)
        }
    }
}
