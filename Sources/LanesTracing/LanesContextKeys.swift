import Tracing

/// The span a `LanesTracer` began, as carried in an `InstrumentationContext` (`ServiceContext`).
enum LanesSpanKey: InstrumentationContextKey {
    typealias Value = LanesSpanRecord
    static var nameOverride: String? { "lanes.span" }
}

/// A remote parent read from a `traceparent` header by `LanesTracer.extract`.
enum RemoteTraceParentKey: InstrumentationContextKey {
    typealias Value = TraceParent
    static var nameOverride: String? { "lanes.traceparent" }
}

/// The `tracestate` header read by `LanesTracer.extract`, passed on unchanged by `inject`.
enum TraceStateKey: InstrumentationContextKey {
    typealias Value = String
    static var nameOverride: String? { "lanes.tracestate" }
}

extension InstrumentationContext {
    /// The W3C trace parent that a request sent from this context should carry: the Lanes span
    /// in it, else a remote parent extracted from an incoming request, else nil.
    public var lanesTraceParent: TraceParent? {
        if let record = self[LanesSpanKey.self] { return record.traceParent }
        return self[RemoteTraceParentKey.self]
    }
}
