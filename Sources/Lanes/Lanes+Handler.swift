import LanesModel

extension Lanes {
    /// Wraps a handler so that every invocation is recorded as a root `handler` span named
    /// `name`, with the `label` attribute (`SpanAttributeKey.label`) when `label` gives one for the
    /// arguments (a message's author, a request id): the viewer shows it as `name "label"`.
    /// Labels are attribute values, so a label per request (a request id) never grows the
    /// recording's string table past its bound. Works for any argument and result types,
    /// throwing or not.
    ///
    /// ```swift
    /// let onMessage = Lanes.handler("on_message", label: { (message: Message) in message.author }) { message in
    ///     try await reply(to: message)
    /// }
    /// try await onMessage(message)
    /// ```
    public static func handler<each Argument, Value>(
        _ name: String,
        label: (@Sendable (repeat each Argument) -> String)? = nil,
        _ body: @escaping @Sendable (repeat each Argument) async throws -> Value
    ) -> @Sendable (repeat each Argument) async throws -> Value {
        { (argument: repeat each Argument) async throws -> Value in
            guard isRecordingAnywhere else { return try await body(repeat each argument) }
            return try await handle(name, label: label?(repeat each argument)) { () async throws -> Value in
                try await body(repeat each argument)
            }
        }
    }

    /// `handler` for a handler that cannot throw: the wrapped handler cannot throw either.
    /// (Two overloads rather than typed throws: Swift 6.3 crashes lowering typed throws through
    /// parameter packs.)
    public static func handler<each Argument, Value>(
        _ name: String,
        label: (@Sendable (repeat each Argument) -> String)? = nil,
        _ body: @escaping @Sendable (repeat each Argument) async -> Value
    ) -> @Sendable (repeat each Argument) async -> Value {
        { (argument: repeat each Argument) async -> Value in
            guard isRecordingAnywhere else { return await body(repeat each argument) }
            return await handle(name, label: label?(repeat each argument)) { () async -> Value in
                await body(repeat each argument)
            }
        }
    }

    /// Runs `body` as one invocation of handler `name`: a root `handler` span named `name`,
    /// with the label, if any, as its `label` attribute (shown as `name "label"`).
    public static func handle<Value, Failure: Error>(
        _ name: String, label: String? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        guard isRecordingAnywhere else { return try await body() }
        if let label {
            return try await recordSpan(
                name, kind: .handler, attributes: [SpanAttributeKey.label: label], isRoot: true,
                isolation: isolation, body)
        }
        return try await recordSpan(name, kind: .handler, attributes: [:], isRoot: true, isolation: isolation, body)
    }
}
