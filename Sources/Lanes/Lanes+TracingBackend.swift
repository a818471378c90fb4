import LanesModel
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The recorder's entry point for a tracing backend (`LanesTracing`'s `LanesTracer`), which
/// begins and ends spans whose scope is not a closure: swift-distributed-tracing starts a span,
/// binds its context itself, and ends it later, possibly on another thread.
///
/// The core library stays free of swift-distributed-tracing: the backend reaches the recorder
/// only through this package-level API, and tells Lanes' own spans where they nest through
/// `installNesting(_:)`.
package enum TracingBackend {
    /// Where a new span goes: a recording (scoped or process-wide), a parent span and a task.
    package struct Parent: Sendable {
        let context: SpanContext

        /// The parent span's id in the recording, 0 for none.
        package var spanID: UInt64 { context.span }

        /// Whether spans begun under this parent would be recorded now.
        package var isRecording: Bool { Recorder.recorder(for: context) != nil }
    }

    /// A span begun by the backend; end it exactly once with `end(_:errorMessage:)`.
    package struct Span: Sendable {
        let open: OpenSpan

        /// The span's id, unique in its recording (≥ 1).
        package var id: UInt64 { open.id }

        /// Random per recording: derive W3C ids from `id` and this, so two recordings (in one
        /// process or two) never give out the same trace and span ids.
        package var recordingSeed: UInt64 { open.recorder.identitySeed }

        /// The parent that work inside this span nests in.
        package var asParent: Parent { Parent(context: open.context) }
    }

    /// Whether any recording runs in the process: one relaxed atomic load.
    @inline(__always)
    package static var isRecordingAnywhere: Bool {
        Recorder.runningCount.load(ordering: .relaxed) > 0
    }

    /// The Lanes span enclosing the caller (`Lanes.span` and friends), ignoring backend spans.
    @inline(__always)
    package static var enclosingLanesSpan: Parent { Parent(context: SpanContext.current) }

    /// The W3C and OpenTelemetry identity of a backend span, recorded with its begin so that
    /// exports carry the ids the backend propagated.
    package struct Identity: Sendable {
        let recorded: RecordedIdentity

        /// `parentSpanID` is the W3C parent (a local parent's id or a remote caller's), 0 for
        /// none; `traceFlags` the W3C flags; `remoteParent` whether the parent came from
        /// another process.
        package init(
            traceID: TraceID, spanID: UInt64, parentSpanID: UInt64, kind: OpenTelemetryKind, traceFlags: UInt8,
            remoteParent: Bool
        ) {
            // OTLP span flags: bit 8 says bit 9 is meaningful; bit 9, the parent was remote.
            let flags = UInt32(traceFlags) | 0x100 | (remoteParent ? 0x200 : 0)
            recorded = RecordedIdentity(traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, kind: kind, flags: flags)
        }
    }

    /// Begins a span named `name` of `kind` under `parent`, or returns nil when `parent`'s
    /// recording is not running. A parent of span 0 makes a root.
    package static func begin(_ name: String, kind: SpanKind, parent: Parent) -> Span? {
        SpanRecorder.beginRecording(
            name, kind: kind, attributes: [:], parent: parent.context, isRoot: false,
            marksExecutor: false, measuresCPU: false
        ).map(Span.init(open:))
    }

    /// `begin(_:kind:parent:)`, recording with the begin the identity `identity` returns for the
    /// span's Lanes id (unique in the recording) and the recording's random seed (distinct per
    /// recording), so a backend can derive W3C ids from them.
    package static func begin(
        _ name: String, kind: SpanKind, parent: Parent, identity: (_ span: UInt64, _ recordingSeed: UInt64) -> Identity
    ) -> Span? {
        // `beginRecording` calls the closure before it returns and does not keep it.
        withoutActuallyEscaping(identity) { identity in
            SpanRecorder.beginRecording(
                name, kind: kind, attributes: [:], parent: parent.context, isRoot: false,
                marksExecutor: false, measuresCPU: false, identity: { identity($0, $1).recorded }
            ).map(Span.init(open:))
        }
    }

    /// Adds (or replaces, for readers that keep the last) the string attribute `key` of an open span.
    package static func attribute(_ key: String, _ value: String, of span: Span) {
        SpanRecorder.attribute(span: span.id, recorder: span.open.recorderReference, key: key, value: value)
    }

    /// Adds (or replaces) the attribute `key` of an open span, keeping the value's type.
    package static func attribute(_ key: String, _ value: AttributeValue, of span: Span) {
        SpanRecorder.attribute(span: span.id, recorder: span.open.recorderReference, key: key, value: value)
    }

    /// Records a span event named `name` in `span`, now, with `attributes`.
    package static func event(_ name: String, attributes: [AttributeKeyValue], in span: Span) {
        SpanRecorder.event(name, attributes: attributes, span: span.id, recorder: span.open.recorderReference)
    }

    /// Records a link from `span` to span `spanID` of trace `traceID` (`traceFlags` the linked
    /// context's W3C flags).
    package static func link(
        to traceID: TraceID, spanID: UInt64, traceFlags: UInt8, attributes: [AttributeKeyValue], of span: Span
    ) {
        SpanRecorder.link(
            span: span.id, traceID: traceID, spanID: spanID, flags: UInt32(traceFlags), attributes: attributes,
            recorder: span.open.recorderReference)
    }

    /// Ends `span` now, on whichever thread the caller is: with an error status and `errorMessage`
    /// (one line, shortened if long) when given, else normally.
    package static func end(_ span: Span, errorMessage: String?) {
        SpanRecorder.end(span.open, errorMessage: errorMessage.map(SpanRecorder.oneLine))
    }

    /// Ends `span` now with an OpenTelemetry status (`message` one line, shortened if long, for
    /// an error).
    package static func end(_ span: Span, status: OpenTelemetryStatusCode, message: String) {
        SpanRecorder.end(span.open, statusCode: status, message: SpanRecorder.oneLine(message))
    }

    /// A one-line, bounded description of `error`, as Lanes' own spans record thrown errors.
    package static func describe(_ error: any Error) -> String {
        SpanRecorder.describe(error)
    }

    /// Makes everything recorded so far into the recording that `parent` records into readable in
    /// its file: waits until the writer has taken every thread's events and flushed them. Returns
    /// at once when that recording is not running.
    package static func flush(recordingOf parent: Parent) {
        Recorder.recorder(for: parent.context)?.flushRecordedEvents()
    }

    /// `flush(recordingOf:)` for async code: suspends, never blocks a thread, never polls.
    package static func flush(recordingOf parent: Parent) async {
        await Recorder.recorder(for: parent.context)?.flushRecordedEventsAsync()
    }

    /// Whether a process-wide recording (`Lanes.record(to:)`, `LANES_TRACE`) is running: spans
    /// outside any scoped recording go to it.
    package static var isRecordingProcessWide: Bool {
        Recorder.processWide.load(ordering: .acquiring)?.takeUnretainedValue().isRunning == true
    }

    /// Starts the `LANES_TRACE` recording unless a process-wide recording already runs (from
    /// `Lanes.record(to:)` or `Lanes.bootstrapFromEnvironment()`). Returns whether one runs now.
    @discardableResult
    package static func recordFromEnvironmentIfNeeded() -> Bool {
        environmentLock.withLock { _ in
            if Recorder.processWide.load(ordering: .acquiring)?.takeUnretainedValue().isRunning == true {
                return true
            }
            return EnvironmentRecording.start() != nil
        }
    }

    private static let environmentLock = Mutex<Void>(())

    // MARK: Nesting Lanes spans inside backend spans

    /// Tells Lanes' own spans where they nest when a backend span may enclose them: `innermost`
    /// receives the enclosing Lanes span and returns the parent to use instead (a backend span
    /// begun inside it), or its argument. Installed once per process; later calls do nothing.
    package static func installNesting(_ innermost: @escaping @Sendable (Parent) -> Parent) {
        let nesting = Unmanaged.passRetained(Nesting(innermost: innermost))
        if !installedNesting.compareExchange(expected: nil, desired: nesting, ordering: .acquiringAndReleasing).exchanged {
            nesting.release()
        }
    }

    final class Nesting: Sendable {
        let innermost: @Sendable (Parent) -> Parent
        init(innermost: @escaping @Sendable (Parent) -> Parent) { self.innermost = innermost }
    }

    static let installedNesting = Atomic<Unmanaged<Nesting>?>(nil)
}

extension SpanContext {
    /// The context new Lanes spans nest in: the enclosing Lanes span, or a tracing-backend span
    /// begun inside it (so `Lanes.span` inside a swift-distributed-tracing `withSpan` is its child).
    @inline(__always)
    static var innermost: SpanContext {
        let enclosing = current
        guard let nesting = TracingBackend.installedNesting.load(ordering: .acquiring) else { return enclosing }
        return nesting.takeUnretainedValue().innermost(TracingBackend.Parent(context: enclosing)).context
    }
}
