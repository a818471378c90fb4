import LanesModel

/// A span that has begun and must be ended exactly once.
@usableFromInline
struct OpenSpan: Sendable {
    /// Unretained: recorders are never deallocated.
    let recorderReference: Unmanaged<Recorder>
    var recorder: Recorder { recorderReference.takeUnretainedValue() }
    let id: UInt64
    /// The context for work inside the span.
    @usableFromInline let context: SpanContext
    /// Thread CPU time at begin, for synchronous spans; -1 when not measured.
    let cpuAtBegin: Int64
    /// What a flight recorder's rules look at when the span ends: its name's string id (0 when
    /// written inline), when it began, and whether it held an executor thread (a sync span
    /// begun while a task was current).
    let nameID: UInt32
    let beginTime: Int64
    let heldExecutorThread: Bool
}

/// Begins and ends spans in the recording that applies to the caller. Every public entry point
/// goes through here.
@usableFromInline
enum SpanRecorder {
    /// Begins a span, or returns nil (at the cost of one relaxed load) when nothing records.
    @usableFromInline
    static func begin(
        _ name: String, kind: SpanKind, attributes: KeyValuePairs<String, String> = [:],
        isRoot: Bool = false, marksExecutor: Bool = false, measuresCPU: Bool = false
    ) -> OpenSpan? {
        guard Recorder.runningCount.load(ordering: .relaxed) > 0 else { return nil }
        return beginRecording(
            name, kind: kind, attributes: attributes, parent: SpanContext.innermost, isRoot: isRoot,
            marksExecutor: marksExecutor, measuresCPU: measuresCPU)
    }

    /// Begins a span under an explicit parent context; with `identity`, records the W3C ids and
    /// OpenTelemetry kind it returns for the span's id and its recording's random seed along with
    /// its begin.
    static func beginRecording(
        _ name: String, kind: SpanKind, attributes: KeyValuePairs<String, String>,
        parent: SpanContext, isRoot: Bool, marksExecutor: Bool, measuresCPU: Bool,
        identity: ((_ span: UInt64, _ recordingSeed: UInt64) -> RecordedIdentity)? = nil
    ) -> OpenSpan? {
        guard let recorder = Recorder.reference(for: parent) else { return nil }
        let currentTask = TaskIdentity.current()
        let task = currentTask != 0 ? currentTask : parent.task
        return ThreadLocalBuffers.reference(for: recorder)._withUnsafeGuaranteedRef { buffer in
            begin(
                name, kind: kind, attributes: attributes, parent: parent, task: task, currentTask: currentTask,
                isRoot: isRoot, marksExecutor: marksExecutor, measuresCPU: measuresCPU, recorder: recorder,
                buffer: buffer, identity: identity)
        }
    }

    @inline(__always)
    private static func begin(
        _ name: String, kind: SpanKind, attributes: KeyValuePairs<String, String>, parent: SpanContext,
        task: UInt64, currentTask: UInt64, isRoot: Bool, marksExecutor: Bool, measuresCPU: Bool,
        recorder: Unmanaged<Recorder>, buffer: ThreadBuffer, identity: ((_ span: UInt64, _ recordingSeed: UInt64) -> RecordedIdentity)?
    ) -> OpenSpan {
        if currentTask != 0 { buffer.noteCurrentTask(currentTask, parentTask: parent.task) }
        let id = buffer.allocateSpanID()
        let nameID = buffer.stringID(name)
        let parentID = isRoot ? 0 : parent.span
        let onExecutor = marksExecutor && currentTask != 0
        var attributeIDs: [(key: UInt32?, value: UInt32?)] = []
        if !attributes.isEmpty {
            attributeIDs = attributes.map { (buffer.stringID($0.key), buffer.stringID($0.value, isValue: true)) }
        }
        let recordedIdentity = identity?(id, recorder._withUnsafeGuaranteedRef { $0.identitySeed })
        let time = MonotonicClock.now()
        buffer.append(time: time) { encoder in
            encoder.begin(
                span: id, parent: parentID, kind: kind, name: nameID ?? 0, task: task, onExecutor: onExecutor,
                time: time)
            if nameID == nil { encoder.name(span: id, inline: name) }
            for (index, ids) in attributeIDs.enumerated() {
                if let key = ids.key, let value = ids.value {
                    encoder.attribute(span: id, key: key, value: value)
                } else {
                    let pair = attributes[index]
                    encoder.attribute(span: id, inlineKey: pair.key, inlineValue: pair.value)
                }
            }
            if let identity = recordedIdentity {
                encoder.spanIdentity(
                    span: id, kind: identity.kind, traceID: identity.traceID, spanID: identity.spanID,
                    parentSpanID: identity.parentSpanID, flags: identity.flags, traceState: 0, scope: 0)
            }
        }
        return OpenSpan(
            recorderReference: recorder, id: id,
            context: SpanContext(recorderReference: recorder, span: id, task: task),
            cpuAtBegin: measuresCPU ? MonotonicClock.threadCPUTime() : -1,
            nameID: nameID ?? 0, beginTime: time, heldExecutorThread: onExecutor)
    }

    /// Ends `span`, on whichever thread the caller is now; a thrown error becomes the span's
    /// status and message.
    @usableFromInline
    static func end(_ span: OpenSpan, error: (any Error)? = nil) {
        end(span, errorMessage: error.map(describe))
    }

    /// Ends `span`; with `errorMessage` (one line) it ends with an error status and that message.
    static func end(_ span: OpenSpan, errorMessage: String?) {
        let cpu = span.cpuAtBegin >= 0 ? MonotonicClock.threadCPUTime() - span.cpuAtBegin : -1
        let time = MonotonicClock.now()
        guard span.recorderReference._withUnsafeGuaranteedRef({ $0.isRunning }) else { return }
        ThreadLocalBuffers.reference(for: span.recorderReference)._withUnsafeGuaranteedRef { buffer in
            end(span, errorMessage: errorMessage, cpu: cpu, time: time, buffer: buffer)
        }
        if span.recorderReference._withUnsafeGuaranteedRef({ $0.hasTriggers }) {
            checkTriggers(span, endTime: time)
        }
    }

    /// Asks for a flight-recorder dump if the span that just ended matches one of its rules.
    private static func checkTriggers(_ span: OpenSpan, endTime: Int64) {
        let recorder = span.recorder
        guard let triggers = recorder.triggers,
              let rule = triggers.firedRule(
                nameID: span.nameID, duration: endTime &- span.beginTime, heldExecutorThread: span.heldExecutorThread)
        else { return }
        recorder.requestDump(to: nil, reason: "rule \(rule)", isAutomatic: true) { _ in }
    }

    @inline(__always)
    private static func end(
        _ span: OpenSpan, errorMessage: String?, cpu: Int64, time: Int64, buffer: ThreadBuffer
    ) {
        if let errorMessage {
            let message = buffer.stringID(errorMessage, isValue: true)
            let key = buffer.stringID("error")
            buffer.append(time: time) {
                if message == nil || (cpu >= 0 && key == nil) {
                    // Not interned: the message travels inline as the `error` attribute.
                    $0.attribute(span: span.id, inlineKey: "error", inlineValue: errorMessage)
                } else if cpu >= 0, let key, let message {
                    // Keep the CPU time of a synchronous span that threw.
                    $0.attribute(span: span.id, key: key, value: message)
                }
                if cpu >= 0 {
                    $0.end(span: span.id, time: time, status: .error, cpuNanoseconds: cpu)
                } else {
                    $0.end(span: span.id, time: time, errorMessage: message ?? 0)
                }
            }
        } else if cpu >= 0 {
            buffer.append(time: time) { $0.end(span: span.id, time: time, cpuNanoseconds: cpu) }
        } else {
            buffer.append(time: time) { $0.end(span: span.id, time: time) }
        }
    }

    /// Adds an attribute to an open span.
    static func attribute(span: UInt64, recorder: Unmanaged<Recorder>, key: String, value: String) {
        guard recorder._withUnsafeGuaranteedRef({ $0.isRunning }) else { return }
        ThreadLocalBuffers.reference(for: recorder)._withUnsafeGuaranteedRef { buffer in
            let keyID = buffer.stringID(key)
            let valueID = buffer.stringID(value, isValue: true)
            buffer.appendUntimed {
                if let keyID, let valueID {
                    $0.attribute(span: span, key: keyID, value: valueID)
                } else {
                    $0.attribute(span: span, inlineKey: key, inlineValue: value)
                }
            }
        }
    }

    /// Records a zero-length event named `name`, with `attributes`, inside the span of
    /// `context`.
    static func instant(
        _ name: String, attributes: [(key: String, value: String)] = [], in context: SpanContext,
        recorder: Unmanaged<Recorder>
    ) {
        guard recorder._withUnsafeGuaranteedRef({ $0.isRunning }) else { return }
        ThreadLocalBuffers.reference(for: recorder)._withUnsafeGuaranteedRef { buffer in
            let currentTask = TaskIdentity.current()
            let task = currentTask != 0 ? currentTask : context.task
            if currentTask != 0 { buffer.noteCurrentTask(currentTask, parentTask: context.task) }
            let id = buffer.allocateSpanID()
            let nameID = buffer.stringID(name)
            let attributeIDs = attributes.map { (key: buffer.stringID($0.key), value: buffer.stringID($0.value, isValue: true)) }
            let time = MonotonicClock.now()
            buffer.append(time: time) { encoder in
                encoder.instant(span: id, parent: context.span, name: nameID ?? 0, task: task, time: time)
                if nameID == nil { encoder.name(span: id, inline: name) }
                for (index, ids) in attributeIDs.enumerated() {
                    if let key = ids.key, let value = ids.value {
                        encoder.attribute(span: id, key: key, value: value)
                    } else {
                        encoder.attribute(span: id, inlineKey: attributes[index].key, inlineValue: attributes[index].value)
                    }
                }
            }
        }
    }

    /// A one-line, bounded description of an error for the trace.
    static func describe(_ error: any Error) -> String {
        oneLine(String(describing: error))
    }

    /// The first line of `text`, at most 200 characters.
    static func oneLine(_ text: String) -> String {
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return line.count > 200 ? String(line.prefix(200)) + "…" : String(line)
    }
}
