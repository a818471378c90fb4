/// What sort of work a span stands for. The analysis rules key on it: a `sync` span on an
/// executor thread is blocking, a `runSync` span inside a task is a bridge misuse, and so on.
///
/// The raw values are part of the `.lanes` file format and must never change.
public enum SpanKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Imported spans whose producer did not say what they were.
    case unknown = 0
    /// One invocation of a wrapped handler; always a root.
    case handler = 1
    /// An async scope.
    case async = 2
    /// A synchronous scope.
    case sync = 3
    /// Synchronous work sent to Lanes' blocking thread pool by `makeAsync`.
    case makeAsync = 4
    /// Async work driven to completion from synchronous code by `runSync`.
    case runSync = 5
    /// A fan-out whose children run concurrently.
    case gather = 6
    /// The time a `makeAsync` call waited for a pool thread.
    case poolWait = 7

    /// The name used in JSON, the CLI and the viewer.
    public var description: String {
        switch self {
        case .unknown: "unknown"
        case .handler: "handler"
        case .async: "async"
        case .sync: "sync"
        case .makeAsync: "makeAsync"
        case .runSync: "runSync"
        case .gather: "gather"
        case .poolWait: "poolWait"
        }
    }

    /// The kind named `name` (as printed by `description`), if any.
    public init?(name: String) {
        guard let kind = SpanKind.allCases.first(where: { $0.description == name }) else { return nil }
        self = kind
    }
}

/// How a span ended.
public enum SpanStatus: UInt8, Sendable, CustomStringConvertible {
    /// Ended normally.
    case ok = 0
    /// Ended by throwing; the message, if recorded, is the span's `error` attribute.
    case error = 1
    /// Never ended in the file (the process died or the file was cut); the reader closed it
    /// at the last timestamp it saw.
    case unfinished = 2

    public var description: String {
        switch self {
        case .ok: "ok"
        case .error: "error"
        case .unfinished: "unfinished"
        }
    }
}

/// Facts about a span recorded alongside its times.
public struct SpanFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The span began while a Swift task was current on the thread: a synchronous span with this
    /// flag held an executor thread for its whole duration.
    public static let onExecutor = SpanFlags(rawValue: 1 << 0)
    /// The span has a thread CPU time (see `Trace.cpuNanoseconds(ofSpan:)`).
    public static let hasCPUTime = SpanFlags(rawValue: 1 << 1)
    /// A point in time rather than an interval (begin == end by construction).
    public static let instant = SpanFlags(rawValue: 1 << 2)
}
