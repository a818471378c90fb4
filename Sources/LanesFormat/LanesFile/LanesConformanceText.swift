import LanesModel

/// The canonical text of a decoded `.lanes` file (`Traces/FORMAT.md` §8): what the conformance
/// vectors' text twins hold, and what an independent reader prints to compare with Lanes.
///
/// It describes the trace a reader builds, not the bytes: spans in a fixed order (begin, end,
/// name, kind, …) with parents by that order's number, so that two readers that store spans
/// differently still print the same text for the same file.
package enum LanesConformanceText {
    /// The canonical text of `trace` and the `losses` its reader reported.
    package static func render(_ trace: Trace, losses: [(kind: String, count: Int)]) -> String {
        var lines: [String] = []
        let metadata = trace.metadata
        lines.append("process \(quoted(metadata.processName)) pid \(metadata.processID) clock \(metadata.clockAtStart) unix \(metadata.unixNanosecondsAtClock)")
        lines.append("finished \(metadata.finishedCleanly ? "yes" : "no")")
        lines.append("dropped \(metadata.droppedEvents)")
        if let window = metadata.flightWindow {
            lines.append("window \(window.start) \(window.end) \(quoted(window.reason))")
        }
        for thread in trace.threads.sorted(by: { $0.id < $1.id }) {
            lines.append("thread \(thread.id) \(quoted(thread.name)) \(thread.isExecutor ? "executor" : "-")")
        }
        if let capture = metadata.jobCapture {
            lines.append(capture.isCapturing ? "jobs captured \(capture.width)" : "jobs not-captured \(quoted(capture.note))")
        }
        lines += watchdogLines(trace)
        for index in trace.tasks.indices.sorted(by: { trace.tasks.id(ofTask: $0) < trace.tasks.id(ofTask: $1) }) {
            let task = trace.tasks[index]
            let parent = trace.tasks.parent(ofTask: index).map { " parent \(trace.tasks.id(ofTask: $0))" } ?? ""
            lines.append("task \(task.id) \(quoted(task.name))\(parent)")
        }
        lines += resourceAndScopeLines(trace)
        let order = spanOrder(trace)
        var number = [Int](repeating: 0, count: trace.spanCount)
        for (position, span) in order.enumerated() { number[span] = position }
        for (position, span) in order.enumerated() {
            let parent = trace.parent(ofSpan: span).map { "#\(number[$0])" } ?? "-"
            lines.append("span #\(position) \(fields(of: span, in: trace)) parent \(parent) \(quoted(trace.name(ofSpan: span)))")
            for attribute in trace.typedAttributes(ofSpan: span) {
                lines.append("  attr \(quoted(attribute.key)) \(valueText(attribute.value))")
            }
            lines += telemetryLines(ofSpan: span, trace)
        }
        let slices = trace.slices.sorted {
            ($0.started, trace.tasks[Int($0.task)].id, threadID($0.thread, trace))
                < ($1.started, trace.tasks[Int($1.task)].id, threadID($1.thread, trace))
        }
        for slice in slices {
            let thread = slice.thread >= 0 ? "\(trace.threads[Int(slice.thread)].id)" : "-"
            lines.append("slice task \(trace.tasks[Int(slice.task)].id) thread \(thread) \(slice.enqueued) \(slice.started) \(slice.ended)")
        }
        lines += sampleLines(trace)
        for loss in losses {
            lines.append("loss \(loss.kind) \(loss.count < 0 ? "unknown" : String(loss.count))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `BEGIN END KIND STATUS FLAGS CPU task ID thread ID|-` of `span`.
    private static func fields(of span: Int, in trace: Trace) -> String {
        let thread = trace.spanThread[span] >= 0 ? "\(trace.threads[Int(trace.spanThread[span])].id)" : "-"
        let cpu = trace.cpuNanoseconds(ofSpan: span).map(String.init) ?? "-"
        return "\(trace.spanBegin[span]) \(trace.spanEnd[span]) \(trace.spanKind[span]) \(trace.spanStatus[span]) \(flagsText(trace.spanFlags[span])) \(cpu) task \(trace.tasks[Int(trace.spanTask[span])].id) thread \(thread)"
    }

    /// Span indexes in canonical order: (begin, end, name's UTF-8, kind, status, flags, CPU,
    /// task id, thread id, attributes as `KEY=TEXT` joined by U+001F, where TEXT is a string
    /// value itself and any other value its canonical text).
    private static func spanOrder(_ trace: Trace) -> [Int] {
        struct Key {
            var begin: Int64, end: Int64, name: [UInt8], kind: UInt8, status: UInt8, flags: String, cpu: Int64
            var task: UInt64, thread: Int64, attributes: [UInt8]
        }
        let keys = (0..<trace.spanCount).map { span in
            Key(
                begin: trace.spanBegin[span], end: trace.spanEnd[span], name: Array(trace.name(ofSpan: span).utf8),
                kind: trace.spanKind[span].rawValue, status: trace.spanStatus[span].rawValue,
                flags: flagsText(trace.spanFlags[span]), cpu: trace.cpuNanoseconds(ofSpan: span) ?? -1,
                task: trace.tasks[Int(trace.spanTask[span])].id, thread: threadID(trace.spanThread[span], trace),
                attributes: Array(trace.typedAttributes(ofSpan: span).map { "\($0.key)=\(sortText($0.value))" }.joined(separator: "\u{1F}").utf8))
        }
        return (0..<trace.spanCount).sorted { a, b in
            let x = keys[a], y = keys[b]
            if x.begin != y.begin { return x.begin < y.begin }
            if x.end != y.end { return x.end < y.end }
            if x.name != y.name { return x.name.lexicographicallyPrecedes(y.name) }
            if x.kind != y.kind { return x.kind < y.kind }
            if x.status != y.status { return x.status < y.status }
            if x.flags != y.flags { return Array(x.flags.utf8).lexicographicallyPrecedes(Array(y.flags.utf8)) }
            if x.cpu != y.cpu { return x.cpu < y.cpu }
            if x.task != y.task { return x.task < y.task }
            if x.thread != y.thread { return x.thread < y.thread }
            if x.attributes != y.attributes { return x.attributes.lexicographicallyPrecedes(y.attributes) }
            return a < b
        }
    }

    private static func threadID(_ thread: Int32, _ trace: Trace) -> Int64 {
        thread >= 0 ? Int64(bitPattern: trace.threads[Int(thread)].id) : -1
    }

    static func flagsText(_ flags: SpanFlags) -> String {
        var names: [String] = []
        if flags.contains(.onExecutor) { names.append("onExecutor") }
        if flags.contains(.instant) { names.append("instant") }
        return names.isEmpty ? "-" : names.joined(separator: ",")
    }

    /// `text` in double quotes, with `\`, `"` and bytes below 0x20 (and 0x7F) escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
