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

    /// Begins a span named `name` of `kind` under `parent`, or returns nil when `parent`'s
    /// recording is not running. A parent of span 0 makes a root.
    package static func begin(_ name: String, kind: SpanKind, parent: Parent) -> Span? {
        SpanRecorder.beginRecording(
            name, kind: kind, attributes: [:], parent: parent.context, isRoot: false,
            marksExecutor: false, measuresCPU: false
        ).map(Span.init(open:))
    }

    /// Adds (or replaces, for readers that keep the last) the attribute `key` of an open span.
    package static func attribute(_ key: String, _ value: String, of span: Span) {
        SpanRecorder.attribute(span: span.id, recorder: span.open.recorderReference, key: key, value: value)
    }

    /// Records an instant child span named `name` inside `span`, with `attributes`: how a
    /// backend's span events appear in the lanes.
    package static func event(_ name: String, attributes: [(key: String, value: String)], in span: Span) {
        SpanRecorder.instant(
            name, attributes: attributes, in: span.open.context, recorder: span.open.recorderReference)
    }

    /// Ends `span` now, on whichever thread the caller is: with an error status and `errorMessage`
    /// (one line, shortened if long) when given, else normally.
    package static func end(_ span: Span, errorMessage: String?) {
        SpanRecorder.end(span.open, errorMessage: errorMessage.map(SpanRecorder.oneLine))
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
            return Lanes.bootstrapFromEnvironment() != nil
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

extension Recorder {
    /// Wakes the writer and waits until it has written a cycle that began after this call:
    /// that cycle took the events of every thread not appending at that moment, so everything
    /// recorded before the call is in the file. Returns early if the recording stops.
    func flushRecordedEvents() {
        let start = MonotonicClock.now()
        wake.signal()
        while isRunning {
            let written = output.withLock { output -> Bool in
                guard let file = output.file else { return true }
                return file.latestTime >= start
            }
            if written { return }
            usleep(500)
        }
    }
}
