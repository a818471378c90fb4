import Tracing

extension LanesTracer {
    /// The header that carries vendor-specific trace state alongside `traceparent`.
    public static let traceStateHeaderName = "tracestate"

    /// Reads a W3C `traceparent` (and `tracestate`) from an incoming request into `context`, so
    /// the spans that handle it continue the caller's trace. A malformed or missing header
    /// leaves `context` unchanged. A valid one replaces any local span in `context` as the
    /// parent to continue: the next span is the remote caller's child (and a local root).
    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: TraceParent.headerName, from: carrier),
              let parent = TraceParent(header: header)
        else { return }
        context[RemoteTraceParentKey.self] = parent
        context[LanesSpanKey.self] = nil
        if let state = extractor.extract(key: Self.traceStateHeaderName, from: carrier), state.utf8.count <= 512 {
            context[TraceStateKey.self] = state
        } else {
            context[TraceStateKey.self] = nil
        }
    }

    /// Writes the W3C `traceparent` of the span in `context` (or of the extracted remote parent
    /// when no local span began since) and any extracted `tracestate` into an outgoing request.
    /// The span's ids are in the recording already (recorded when it began), so the receiving
    /// service's recording can be joined to this one.
    public func inject<Carrier, Inject: Injector>(
        _ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let parent = context.lanesTraceParent else { return }
        injector.inject(parent.description, forKey: TraceParent.headerName, into: &carrier)
        if let state = context[TraceStateKey.self] {
            injector.inject(state, forKey: Self.traceStateHeaderName, into: &carrier)
        }
    }
}
