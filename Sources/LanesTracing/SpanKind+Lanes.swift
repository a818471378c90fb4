import LanesModel
import Tracing

extension Tracing.SpanKind {
    /// The Lanes kind of a span of this OpenTelemetry kind: a `server` or `consumer` span that
    /// starts a local tree is one handling of a request or message (`handler`); every other
    /// span is an `async` scope (the tracer cannot tell sync from async work, and calling a
    /// synchronous scope `async` keeps it out of the blocking-call rule's false positives).
    func lanesKind(isLocalRoot: Bool) -> LanesModel.SpanKind {
        switch self {
        case .server, .consumer: isLocalRoot ? .handler : .async
        default: .async
        }
    }

    /// The OpenTelemetry kind, recorded with the span's ids and exported as OTLP's kind.
    var openTelemetryKind: OpenTelemetryKind {
        switch self {
        case .server: .server
        case .client: .client
        case .producer: .producer
        case .consumer: .consumer
        default: .internal
        }
    }
}
