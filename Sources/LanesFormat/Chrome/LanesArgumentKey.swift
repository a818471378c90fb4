import LanesModel

/// The argument (Chrome) and attribute (OTLP) keys under which Lanes exports carry what the
/// target format has no field for, so that export → import gives back the same spans.
///
/// Every key starts with `lanes.`; importers treat the others as ordinary attributes.
enum LanesArgumentKey {
    /// The span's kind, as `SpanKind.description` ("sync", "handler", …).
    static let kind = "lanes.kind"
    /// The producer id of the span's task (its lane).
    static let task = "lanes.task"
    /// The task's name; written on the first span of each task only.
    static let taskName = "lanes.task_name"
    /// The span's number in the exported trace, referred to by `parent`.
    static let span = "lanes.span"
    /// The number (`span`) of the span's parent, which may be in another lane.
    static let parent = "lanes.parent"
    /// Thread CPU time of the span, in nanoseconds.
    static let cpuNanoseconds = "lanes.cpu_ns"
    /// "error" or "unfinished"; absent when the span ended normally.
    static let status = "lanes.status"
    /// `true` when the span began while a Swift task was current (`SpanFlags.onExecutor`).
    static let onExecutor = "lanes.on_executor"
    /// `true` on a point event exported as a span (OTLP).
    static let instant = "lanes.instant"
    /// On a thread: `true` when the thread runs executor jobs.
    static let executorThread = "lanes.executor"
    /// On the process: the trace's start on its monotonic clock (Chrome times are relative to it).
    static let startNanoseconds = "lanes.start_ns"
    /// On the process: `TraceMetadata.clockAtStart`.
    static let clockAtStart = "lanes.clock_at_start"
    /// On the process: `TraceMetadata.unixNanosecondsAtClock`.
    static let unixNanosecondsAtClock = "lanes.unix_ns_at_clock"

    /// On a `lanes.job` event (a task-state slice): the producer id of the task whose job it is.
    static let jobTask = "lanes.job_task"
    /// On a `lanes.job` event: when the job was enqueued, in nanoseconds after the trace start.
    static let enqueuedNanoseconds = "lanes.enqueued_ns"

    /// Whether an attribute of this name is one of the above (not a user attribute).
    static func isReserved(_ key: String) -> Bool { key.hasPrefix("lanes.") }
}

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
    private static let kindNames: [StaticString] = [
        "unknown", "handler", "async", "sync", "makeAsync", "runSync", "gather", "poolWait",
    ]

    private static func readInteger(_ reader: inout JSONReader) throws(JSONSyntaxError) -> Int64? {
        switch reader.peek() ?? 0 {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try reader.readNumber().int64Value
        default: try reader.readValue(depth: 2).numberValue?.int64Value
        }
    }
}

/// `1204` → `"1,204"`: counts in warnings read like the rest of Lanes' messages.
func groupedCount(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (offset, character) in digits.enumerated() {
        if offset > 0, (digits.count - offset) % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return value < 0 ? "-" + result : result
}

/// `counted(1, "event")` → `"1 event"`, `counted(1204, "event")` → `"1,204 events"`.
func counted(_ value: Int, _ noun: String) -> String {
    "\(groupedCount(value)) \(noun)\(value == 1 ? "" : "s")"
}
