import LanesModel

/// Root spans grouped by route: what a server's requests or a chat app's messages are, one group
/// per kind of request, so that latency is judged per occurrence (p50, p99) rather than summed.
///
/// A root's route is its handler's name when it is a Lanes handler (`on_message "alice"` and
/// `on_message "bob"` are both `on_message`), else its name with what differs between requests
/// of one route (ids, UUIDs, addresses) normalised away, as the diff matches spans.
public struct RouteGroups: Sendable {
    /// Route names (escaped for display), one per route, most requests first.
    public let names: [String]
    /// Per route, its root spans in begin order: `roots[start[r] ..< start[r + 1]]`.
    private let roots: [Int32]
    /// See `roots`.
    private let start: [Int32]
    /// Per route, latency statistics of its roots.
    public let statistics: [LatencyStatistics]

    /// Groups the roots of `trace`.
    public init(trace: Trace) {
        let rootCount = trace.roots.count
        var routeOfString = [Int32](repeating: -1, count: trace.strings.count)
        var routeIndexByName: [String: Int32] = [:]
        var names: [String] = []
        var routeOfRoot = [Int32](repeating: 0, count: rootCount)
        let handlerKey = trace.strings.index(of: "handler")
        for (position, root32) in trace.roots.enumerated() {
            let root = Int(root32)
            var route: Int32
            if let handlerKey, trace.spanKind[root] == .handler, let handler = Self.attributeValue(handlerKey, ofSpan: root, in: trace) {
                route = Self.route(named: trace.strings[handler], &routeIndexByName, &names)
            } else {
                let string = Int(trace.spanName[root])
                if string < routeOfString.count, routeOfString[string] >= 0 {
                    route = routeOfString[string]
                } else {
                    route = Self.route(named: SpanPathNormalizer.normalize(trace.strings[trace.spanName[root]]), &routeIndexByName, &names)
                    if string < routeOfString.count { routeOfString[string] = route }
                }
            }
            routeOfRoot[position] = route
        }
        // Order routes by request count (most first), then by name.
        var counts = [Int](repeating: 0, count: names.count)
        for route in routeOfRoot { counts[Int(route)] += 1 }
        let order = names.indices.sorted { (-counts[$0], names[$0]) < (-counts[$1], names[$1]) }
        var rank = [Int32](repeating: 0, count: names.count)
        for (position, route) in order.enumerated() { rank[route] = Int32(position) }
        var start = [Int32](repeating: 0, count: names.count + 1)
        for route in order.indices { start[route + 1] = start[route] + Int32(counts[order[route]]) }
        var next = start
        var grouped = [Int32](repeating: 0, count: rootCount)
        for (position, root) in trace.roots.enumerated() {  // roots are in begin order: stays so
            let route = Int(rank[Int(routeOfRoot[position])])
            grouped[Int(next[route])] = root
            next[route] += 1
        }
        self.names = order.map { DisplayText.escaped(names[$0]) }
        roots = grouped
        self.start = start
        var scratch: [UInt64] = []
        statistics = order.indices.map { route in
            LatencyStatistics(grouped[Int(start[route])..<Int(start[route + 1])], in: trace, scratch: &scratch)
        }
    }

    /// The number of routes.
    public var count: Int { names.count }

    /// Root spans of route `route`, in begin order.
    public func roots(ofRoute route: Int) -> ArraySlice<Int32> {
        roots[Int(start[route])..<Int(start[route + 1])]
    }

    /// The route named `name` (as `names` spells it, or as a span or handler is named before
    /// escaping and normalising), if any.
    public func route(named name: String) -> Int? {
        names.firstIndex(of: DisplayText.escaped(name))
            ?? names.firstIndex(of: DisplayText.escaped(SpanPathNormalizer.normalize(name)))
    }

    static func route(named name: String, _ index: inout [String: Int32], _ names: inout [String]) -> Int32 {
        if let route = index[name] { return route }
        let route = Int32(names.count)
        names.append(name)
        index[name] = route
        return route
    }

    /// The string value (a string index) of the attribute with key `key` on span `span`, without
    /// building strings: a binary search in the trace's attributes, which are sorted by span.
    /// A typed (non-string) value is not a handler's name: nil.
    static func attributeValue(_ key: UInt32, ofSpan span: Int, in trace: Trace) -> UInt32? {
        let attributes = trace.attributes
        var position = attributes.partitioningIndex { $0.span >= Int32(span) }
        var found: UInt32?
        while position < attributes.count, attributes[position].span == Int32(span) {
            let value = attributes[position].value
            if attributes[position].key == key { found = value.type == .string ? UInt32(truncatingIfNeeded: value.bits) : nil }
            position += 1
        }
        return found
    }
}

/// Count and latency percentiles of a set of spans (one route's requests).
public struct LatencyStatistics: Sendable, Equatable, Encodable {
    /// How many spans.
    public var count: Int
    /// Σ wall time, in nanoseconds.
    public var total: Int64
    /// Median wall time, in nanoseconds.
    public var p50: Int64
    /// 90th percentile, in nanoseconds.
    public var p90: Int64
    /// 99th percentile, in nanoseconds.
    public var p99: Int64
    /// Longest wall time, in nanoseconds.
    public var maximum: Int64

    /// No spans.
    public static let none = LatencyStatistics(count: 0, total: 0, p50: 0, p90: 0, p99: 0, maximum: 0)

    public init(count: Int, total: Int64, p50: Int64, p90: Int64, p99: Int64, maximum: Int64) {
        self.count = count
        self.total = total
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.maximum = maximum
    }

    /// The statistics of `spans` of `trace`; `scratch` is reused between calls.
    init(_ spans: ArraySlice<Int32>, in trace: Trace, scratch: inout [UInt64]) {
        LatencyStatistics.sortedDurations(spans, in: trace, into: &scratch)
        self.init(sortedDurations: scratch)
    }

    /// The statistics of durations already sorted ascending.
    init(sortedDurations durations: [UInt64]) {
        guard !durations.isEmpty else {
            self = .none
            return
        }
        var total: Int64 = 0
        for duration in durations { total &+= Int64(duration) }
        func percentile(_ fraction: Double) -> Int64 {
            Int64(durations[min(durations.count - 1, Int((Double(durations.count - 1) * fraction).rounded()))])
        }
        self.init(count: durations.count, total: total, p50: percentile(0.5), p90: percentile(0.9),
                  p99: percentile(0.99), maximum: Int64(durations[durations.count - 1]))
    }

    /// The wall times of `spans`, sorted ascending, into `durations`.
    static func sortedDurations(_ spans: ArraySlice<Int32>, in trace: Trace, into durations: inout [UInt64]) {
        durations.removeAll(keepingCapacity: true)
        durations.reserveCapacity(spans.count)
        for span in spans { durations.append(UInt64(max(0, trace.duration(ofSpan: Int(span))))) }
        RadixSort.sort(&durations)
    }

    /// Field names as JSON keys, in seconds (times) and numbers (count).
    enum CodingKeys: String, CodingKey {
        case count
        case total = "total_seconds"
        case p50 = "p50_seconds"
        case p90 = "p90_seconds"
        case p99 = "p99_seconds"
        case maximum = "max_seconds"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(Seconds(total), forKey: .total)
        try container.encode(Seconds(p50), forKey: .p50)
        try container.encode(Seconds(p90), forKey: .p90)
        try container.encode(Seconds(p99), forKey: .p99)
        try container.encode(Seconds(maximum), forKey: .maximum)
    }
}
