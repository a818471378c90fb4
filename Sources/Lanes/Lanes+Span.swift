import LanesModel

extension Lanes {
    /// Runs `body` inside an async span named `name`, a child of the enclosing span.
    ///
    /// The span follows the work across `await`s and thread hops, and spans begun inside `body`
    /// (also in child tasks) become its children. If `body` throws, the span ends with an error
    /// status and the error's description, and the error is rethrown unchanged.
    @inlinable
    public static func span<Value, Failure: Error>(
        _ name: String, attributes: KeyValuePairs<String, String> = [:],
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        guard isRecordingAnywhere else { return try await body() }
        return try await recordSpan(name, kind: .async, attributes: attributes, isolation: isolation, body)
    }

    /// Runs synchronous `body` inside a `sync` span named `name`.
    ///
    /// A sync span records whether it ran on an executor thread (a Swift task was current, so it
    /// held one of the executor's few threads for its whole duration) and the thread CPU time it
    /// used, so that sleeping or waiting while holding a thread can be told from computing.
    @inlinable
    public static func syncSpan<Value, Failure: Error>(
        _ name: String, attributes: KeyValuePairs<String, String> = [:],
        _ body: () throws(Failure) -> Value
    ) throws(Failure) -> Value {
        guard isRecordingAnywhere else { return try body() }
        return try recordSyncSpan(name, kind: .sync, attributes: attributes, body)
    }

    /// Adds an attribute to the enclosing span (ignored when there is none or nothing records).
    public static func attribute(_ key: String, _ value: String) {
        guard isRecordingAnywhere else { return }
        let context = SpanContext.innermost
        guard context.span != 0, let recorder = Recorder.reference(for: context) else { return }
        SpanRecorder.attribute(span: context.span, recorder: recorder, key: key, value: value)
    }

    /// Marks a moment inside the enclosing span (ignored when there is none or nothing records).
    public static func event(_ name: String) {
        guard isRecordingAnywhere else { return }
        let context = SpanContext.innermost
        guard context.span != 0, let recorder = Recorder.reference(for: context) else { return }
        SpanRecorder.instant(name, in: context, recorder: recorder)
    }

    /// Whether any recording is running in the process: one relaxed atomic load.
    @usableFromInline
    static var isRecordingAnywhere: Bool {
        Recorder.runningCount.load(ordering: .relaxed) > 0
    }

    @inlinable
    static func recordSpan<Value, Failure: Error>(
        _ name: String, kind: SpanKind, attributes: KeyValuePairs<String, String>, isRoot: Bool = false,
        isolation: isolated (any Actor)?, _ body: () async throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        guard let span = SpanRecorder.begin(name, kind: kind, attributes: attributes, isRoot: isRoot) else {
            return try await body()
        }
        let outcome: Result<Value, Failure> = await SpanContext.local.withValue(span.context, operation: {
            do throws(Failure) { return .success(try await body()) } catch { return .failure(error) }
        }, isolation: isolation)
        switch outcome {
        case .success(let value):
            SpanRecorder.end(span)
            return value
        case .failure(let error):
            SpanRecorder.end(span, error: error)
            throw error
        }
    }

    @inlinable
    static func recordSyncSpan<Value, Failure: Error>(
        _ name: String, kind: SpanKind, attributes: KeyValuePairs<String, String>,
        _ body: () throws(Failure) -> Value
    ) throws(Failure) -> Value {
        guard let span = SpanRecorder.begin(
            name, kind: kind, attributes: attributes, marksExecutor: true, measuresCPU: true)
        else {
            return try body()
        }
        let outcome: Result<Value, Failure> = SpanContext.local.withValue(span.context) {
            do throws(Failure) { return .success(try body()) } catch { return .failure(error) }
        }
        switch outcome {
        case .success(let value):
            SpanRecorder.end(span)
            return value
        case .failure(let error):
            SpanRecorder.end(span, error: error)
            throw error
        }
    }
}
