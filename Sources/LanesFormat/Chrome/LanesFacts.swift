import LanesModel

/// Lanes facts found in one event's arguments or one span's attributes.
struct LanesFacts: Sendable {
    var kind: SpanKind?
    var task: UInt64?
    var taskName: String?
    var span: Int64?
    var parent: Int64?
    var cpuNanoseconds: Int64?
    var status: SpanStatus?
    var onExecutor = false
    var isInstant = false
    var executorThread = false
    var thread: UInt64?
    var threadName: String?
    var startNanoseconds: Int64?
    var clockAtStart: Int64?
    var unixNanosecondsAtClock: Int64?
    var jobTask: UInt64?
    var enqueuedNanoseconds: Int64?

    /// Records `value` under the reserved key `key`; unknown `lanes.` keys are ignored.
    mutating func record(key: String, value: JSONValue) {
        switch key {
        case LanesArgumentKey.kind: kind = value.stringValue.flatMap(SpanKind.init(name:))
        case LanesArgumentKey.task: task = value.numberValue?.int64Value.map { UInt64(bitPattern: $0) }
        case LanesArgumentKey.taskName: taskName = value.stringValue
        case LanesArgumentKey.span: span = value.numberValue?.int64Value
        case LanesArgumentKey.parent: parent = value.numberValue?.int64Value
        case LanesArgumentKey.cpuNanoseconds: cpuNanoseconds = value.numberValue?.int64Value
        case LanesArgumentKey.status:
            switch value.stringValue {
            case "error": status = .error
            case "unfinished": status = .unfinished
            case "ok": status = .ok
            default: break
            }
        case LanesArgumentKey.onExecutor: onExecutor = value.boolValue ?? false
        case LanesArgumentKey.instant: isInstant = value.boolValue ?? false
        case LanesArgumentKey.executorThread: executorThread = value.boolValue ?? false
        case LanesArgumentKey.thread: thread = value.numberValue?.int64Value.map { UInt64(bitPattern: $0) }
        case LanesArgumentKey.threadName: threadName = value.stringValue
        case LanesArgumentKey.startNanoseconds: startNanoseconds = value.numberValue?.int64Value
        case LanesArgumentKey.clockAtStart: clockAtStart = value.numberValue?.int64Value
        case LanesArgumentKey.unixNanosecondsAtClock: unixNanosecondsAtClock = value.numberValue?.int64Value
        case LanesArgumentKey.jobTask: jobTask = value.numberValue?.int64Value.map { UInt64(bitPattern: $0) }
        case LanesArgumentKey.enqueuedNanoseconds: enqueuedNanoseconds = value.numberValue?.int64Value
        default: break
        }
    }
}

extension LanesFacts {
    /// Reads the value of the `lanes.` argument `key` straight from JSON: the keys every
    /// exported event carries are matched on their bytes and parsed without building values,
    /// which keeps importing Lanes' own exports fast.
    mutating func read(key: JSONReader.RawString, from reader: inout JSONReader) throws(JSONSyntaxError) {
        if reader.matches(key, "lanes.kind"), reader.peek() == UInt8(ascii: "\"") {
            let raw = try reader.readRawString()
            kind = SpanKind.allCases.first { reader.matches(raw, Self.kindNames[Int($0.rawValue)]) }
        } else if reader.matches(key, "lanes.task") {
            task = try Self.readInteger(&reader).map { UInt64(bitPattern: $0) }
        } else if reader.matches(key, "lanes.span") {
            span = try Self.readInteger(&reader)
        } else if reader.matches(key, "lanes.parent") {
            parent = try Self.readInteger(&reader)
        } else if reader.matches(key, "lanes.cpu_ns") {
            cpuNanoseconds = try Self.readInteger(&reader)
        } else {
            let name = reader.decode(key)
            record(key: name, value: try reader.readValue(depth: 2))
        }
    }

    /// `SpanKind.description` of each kind, by raw value.
    static let kindNames: [StaticString] = [
        "unknown", "handler", "async", "sync", "makeAsync", "runSync", "gather", "poolWait",
    ]

    private static func readInteger(_ reader: inout JSONReader) throws(JSONSyntaxError) -> Int64? {
        switch reader.peek() ?? 0 {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try reader.readNumber().int64Value
        default: try reader.readValue(depth: 2).numberValue?.int64Value
        }
    }
}
