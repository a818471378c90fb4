import LanesModel

/// A span begun through `ExternalSpans`; end it exactly once with `ExternalSpans.end`.
package struct ExternalSpan: Sendable {
    let open: OpenSpan

    /// The span's id in the trace file; pass it as `parent` to begin a child.
    package var id: UInt64 { open.id }
}

/// The entry point for other instrumentation APIs (the swift-distributed-tracing `Tracer` in
/// `LanesTracing`) to record spans through Lanes' recorder: explicit begin and end, explicit
/// parents, attributes and events, on any thread.
///
/// Spans go to the recording that applies to the caller (a scoped `Lanes.record(to:_:)`, else
/// the process-wide one); every function does nothing when nothing records.
package enum ExternalSpans {
    /// Whether a span begun now would be recorded.
    package static var isRecording: Bool {
        Lanes.isRecordingAnywhere && Recorder.recorder(for: SpanContext.current) != nil
    }

    /// The id of the Lanes span enclosing the caller (0 for none): the natural parent when the
    /// other API has no parent of its own.
    package static var currentSpanID: UInt64 { SpanContext.current.span }

    /// Begins a span named `name` under `parent` (a span id from this API or `currentSpanID`;
    /// nil: the enclosing Lanes span; 0: a root). Returns nil when nothing records.
    package static func begin(
        _ name: String, kind: SpanKind = .async, parent: UInt64? = nil,
        attributes: [(key: String, value: String)] = []
    ) -> ExternalSpan? {
        guard Lanes.isRecordingAnywhere else { return nil }
        var context = SpanContext.current
        if let parent { context.span = parent }
        guard let open = SpanRecorder.beginRecording(
            name, kind: kind, attributes: [:], parent: context, isRoot: context.span == 0,
            marksExecutor: kind == .sync, measuresCPU: false)
        else { return nil }
        for attribute in attributes {
            SpanRecorder.attribute(span: open.id, recorder: open.recorder, key: attribute.key, value: attribute.value)
        }
        return ExternalSpan(open: open)
    }

    /// Adds an attribute to an open span.
    package static func setAttribute(_ span: ExternalSpan, key: String, value: String) {
        SpanRecorder.attribute(span: span.id, recorder: span.open.recorder, key: key, value: value)
    }

    /// Records a point event inside an open span.
    package static func addEvent(_ span: ExternalSpan, name: String) {
        SpanRecorder.instant(name, in: span.open.context, recorder: span.open.recorder)
    }

    /// Ends a span; with `errorMessage`, its status is `error` and the message is kept.
    package static func end(_ span: ExternalSpan, errorMessage: String? = nil) {
        if let errorMessage {
            SpanRecorder.end(span.open, error: ExternalError(message: errorMessage))
        } else {
            SpanRecorder.end(span.open)
        }
    }

    /// Runs `body` with `span` as the enclosing span, so that Lanes spans (and `gather`,
    /// `makeAsync`, …) inside it become its children.
    package static func withCurrent<Value>(
        _ span: ExternalSpan, isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Value
    ) async rethrows -> Value {
        try await SpanContext.local.withValue(span.open.context, operation: body, isolation: isolation)
    }

    /// The synchronous form of `withCurrent`.
    package static func withCurrent<Value>(_ span: ExternalSpan, _ body: () throws -> Value) rethrows -> Value {
        try SpanContext.local.withValue(span.open.context, operation: body)
    }
}

/// An error recorded by message only.
private struct ExternalError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
