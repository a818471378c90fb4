import Lanes
import struct LanesModel.SplitMix64
import struct LanesModel.TraceID
import Tracing

/// A swift-distributed-tracing `Tracer` that records into Lanes: bootstrap it once and every
/// `withSpan` in the process, in any library, lands in the same `.lanes` recording as Lanes' own
/// spans, nested correctly both ways (a `withSpan` inside `Lanes.span` and a `Lanes.span` inside
/// `withSpan`, across `async let` and task groups).
///
/// ```swift
/// InstrumentationSystem.bootstrap(LanesTracer())   // records to $LANES_TRACE, if set
/// ```
///
/// Spans go to the recording that Lanes' own spans would use at that point: a scoped
/// `Lanes.record(to:_:)`, else the process-wide one. When nothing records, a span costs one
/// atomic load on top of `withSpan`'s own work (binding the context) and carries its parent's
/// context unchanged.
///
/// Mapping: `server`/`consumer` spans that start a local tree become `handler` spans, the rest
/// `async`. Every span records, with its begin, its W3C trace and span ids, its parent's span id
/// (a local parent's or the remote caller's) and its OpenTelemetry kind, so that
/// `lanes export --format otlp` writes the ids that went out in `traceparent` headers and the
/// spans join the other services' traces. Attributes keep their types, events are span events,
/// `recordError` an `exception` event, links are links, and the status is recorded as
/// OpenTelemetry's (an error also as Lanes' error status, with its message). W3C `traceparent`
/// is injected and extracted.
public struct LanesTracer: Tracer {
    public typealias Span = LanesSpan

    /// A tracer that records into the process-wide recording, starting it from `LANES_TRACE`
    /// if none runs yet (as `Lanes.bootstrapFromEnvironment()` does). Without `LANES_TRACE` and
    /// without a recording, it records nothing and costs next to nothing.
    ///
    /// Create it instead of calling `Lanes.bootstrapFromEnvironment()`, or after it: it reuses a
    /// process-wide recording that is already running (calling `bootstrapFromEnvironment()`
    /// afterwards would start a second recording of the same file).
    public init() {
        TracingBackend.recordFromEnvironmentIfNeeded()
        LanesTracer.installNesting
    }

    /// Lets Lanes' own spans nest inside spans of this tracer: a `withSpan` binds its context
    /// only as an `InstrumentationContext`, which the core library cannot see.
    private static let installNesting: Void = TracingBackend.installNesting { enclosing in
        guard let record = InstrumentationContext.current?[LanesSpanKey.self],
              record.enclosingLanesSpan == enclosing.spanID
        else { return enclosing }
        return record.span.asParent
    }

    /// Begins a span. Its parent is the innermost of the span in `context` and the enclosing
    /// Lanes span; a `context` other than the current one (passed explicitly) always wins.
    /// The `instant` is not used: the span begins now, on Lanes' monotonic clock.
    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> InstrumentationContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> LanesSpan {
        let parentContext = context()
        guard TracingBackend.isRecordingAnywhere else {
            return LanesSpan(notRecording: operationName, context: parentContext)
        }
        let parentRecord = parentContext[LanesSpanKey.self]
        let enclosing = TracingBackend.enclosingLanesSpan
        let parent: TracingBackend.Parent
        if let parentRecord,
           parentRecord.enclosingLanesSpan == enclosing.spanID
            || InstrumentationContext.current?[LanesSpanKey.self] !== parentRecord {
            parent = parentRecord.span.asParent
        } else {
            parent = enclosing
        }
        let remoteParent = parentRecord == nil ? parentContext[RemoteTraceParentKey.self] : nil
        let inherited = parentRecord?.traceParent ?? remoteParent
        var traceParent = TraceParent(traceIDHigh: 0, traceIDLow: 0, spanID: 0)
        let span = TracingBackend.begin(
            operationName, kind: kind.lanesKind(isLocalRoot: parent.spanID == 0), parent: parent
        ) { id, recordingSeed in
            traceParent = TraceParent(
                traceIDHigh: inherited?.traceIDHigh ?? SplitMix64.mix(recordingSeed ^ id),
                traceIDLow: inherited?.traceIDLow ?? SplitMix64.mix(recordingSeed &+ id &* 2 &+ 1),
                spanID: TraceIdentity.w3cSpanID(ofLanesSpan: id, recordingSeed: recordingSeed),
                flags: inherited?.flags ?? 1)
            return TracingBackend.Identity(
                traceID: TraceID(high: traceParent.traceIDHigh, low: traceParent.traceIDLow), spanID: traceParent.spanID,
                parentSpanID: inherited?.spanID ?? 0, kind: kind.openTelemetryKind, traceFlags: traceParent.flags,
                remoteParent: remoteParent != nil)
        }
        guard let span else {
            return LanesSpan(notRecording: operationName, context: parentContext)
        }
        let record = LanesSpanRecord(
            span: span, name: operationName, enclosingLanesSpan: enclosing.spanID, traceParent: traceParent)
        var childContext = parentContext
        childContext[LanesSpanKey.self] = record
        return LanesSpan(context: childContext, record: record)
    }

    /// The span that `context` carries, if this tracer began it and it has not ended.
    public func activeSpan(identifiedBy context: InstrumentationContext) -> LanesSpan? {
        guard let record = context[LanesSpanKey.self], !record.isEnded else { return nil }
        return LanesSpan(context: context, record: record)
    }

    /// Makes everything recorded so far (by this tracer and by Lanes itself) readable in the
    /// trace file of the recording the caller records into. Blocks the calling thread until the
    /// recorder's writer has written it, typically within a millisecond or two (no polling): for
    /// synchronous code; async code calls the async form.
    public func forceFlush() {
        TracingBackend.flush(recordingOf: TracingBackend.enclosingLanesSpan)
    }

    /// `forceFlush()` for async code: suspends until the events are in the file, never blocking
    /// a cooperative thread.
    public func forceFlush() async {
        await TracingBackend.flush(recordingOf: TracingBackend.enclosingLanesSpan)
    }
}

/// Trace and span ids in W3C form for spans recorded by Lanes.
enum TraceIdentity {
    /// The 8-byte W3C span id of a Lanes span: derived from its id and its recording's random
    /// seed (so two recordings never derive the same ids), so it costs no storage; never zero.
    static func w3cSpanID(ofLanesSpan id: UInt64, recordingSeed: UInt64) -> UInt64 {
        let value = SplitMix64.mix(recordingSeed ^ (id &* 0x9E37_79B9_7F4A_7C15))
        return value == 0 ? 1 : value
    }

}
