import LanesModel

/// Writes a `Trace` as Chrome Trace Event JSON that Perfetto UI, chrome://tracing and
/// speedscope open, and that `ChromeTraceImporter` reads back into the same spans.
///
/// The output is a bare array with one event per line. Times are microseconds (exact to the
/// nanosecond, three decimals) relative to the trace's start. Synchronous spans on a known
/// thread are `X` events on that thread; async spans are `b`/`e` pairs whose id is their task,
/// so each task is one async track (a span that would break the track's nesting gets an id
/// of its own). Process and thread names are `M` events. Task-state slices (executor jobs) are
/// `X` events named `job TASK` in category `lanes.job` on the thread that ran them. Lanes facts the format has no field
/// for travel in `args` under `lanes.*` keys (see `LanesArgumentKey`); span attributes are
/// plain string args.
public enum ChromeTraceExporter {
    /// The category of every exported event.
    static let category: StaticString = "lanes"
    /// The category of async spans that have an id of their own.
    static let overlapCategory: StaticString = "lanes.overlap"

    private enum RecordKind: UInt8 {
        case complete, asyncBegin, asyncEnd, threadInstant, asyncInstant
        /// A task-state slice (one executor job); `span` is the slice's index.
        case job
    }

    private struct Record {
        var time: Int64
        /// Orders records of equal time: minus the duration for `X` events (an enclosing slice
        /// first, as viewers nest equal-start slices by order), 0 for the others, whose order
        /// within a track is `sequence`.
        var tieBreak: Int64
        var sequence: Int32
        var span: Int32
        var kind: RecordKind
        /// Whether the async span shares its task's track (else it has an id of its own).
        var sharesTaskTrack: Bool
    }

    /// The kinds drawn as slices on the thread that ran them (when that thread is known).
    /// Spans of unknown kind are too, when their whole lane ran on that one thread (a lane
    /// imported from a thread).
    static func isThreadBound(_ kind: SpanKind) -> Bool {
        switch kind {
        case .sync, .makeAsync, .runSync, .unknown: true
        case .handler, .async, .gather, .poolWait: false
        }
    }

    /// Which spans are written as `X`/`i` on their thread: thread-bound spans (see
    /// `isThreadBound`) that nest properly among the others of their thread, since viewers
    /// stack a thread's slices. One that overlaps an enclosing slice without fitting inside it
    /// is written as an async span instead. Task-state slices (jobs) are `X` events on their
    /// thread too and take part in the check; they are always written as `X`.
    static func threadSlices(_ trace: Trace) -> [Bool] {
        var laneThread = [Int32](repeating: -1, count: trace.tasks.count)
        for (lane, range) in trace.laneRanges.enumerated() {
            let threads = Set(trace.spanThread[Int(range.lowerBound)..<Int(range.upperBound)])
            if threads.count == 1, let thread = threads.first { laneThread[lane] = thread }
        }
        var byThread = [[Int]](repeating: [], count: trace.threads.count)
        for span in 0..<trace.spanCount {
            let thread = trace.spanThread[span]
            guard thread >= 0, Int(thread) < trace.threads.count, isThreadBound(trace.spanKind[span]) else { continue }
            if trace.spanKind[span] == .unknown, laneThread[Int(trace.spanTask[span])] != thread { continue }
            byThread[Int(thread)].append(span)
        }
        // Jobs are numbered -1, -2, … so that they sort before spans with the same times.
        for (index, slice) in trace.slices.enumerated() where slice.thread >= 0 && Int(slice.thread) < trace.threads.count {
            byThread[Int(slice.thread)].append(-(index + 1))
        }
        func begin(_ item: Int) -> Int64 { item >= 0 ? trace.spanBegin[item] : trace.slices[-item - 1].started }
        func end(_ item: Int) -> Int64 { item >= 0 ? trace.spanEnd[item] : trace.slices[-item - 1].ended }
        var isSlice = [Bool](repeating: false, count: trace.spanCount)
        var openEnds: [Int64] = []
        for var items in byThread {
            items.sort { (begin($0), -end($0), $0) < (begin($1), -end($1), $1) }
            openEnds.removeAll(keepingCapacity: true)
            for item in items {
                let itemBegin = begin(item)
                let itemEnd = end(item)
                while let top = openEnds.last, top <= itemBegin, !(top == itemBegin && itemEnd == itemBegin) {
                    openEnds.removeLast()
                }
                if let top = openEnds.last, itemEnd > top { continue }
                if item >= 0 { isSlice[item] = true }
                openEnds.append(itemEnd)
            }
        }
        return isSlice
    }

    /// The trace as Chrome Trace Event JSON bytes (UTF-8).
    public static func export(_ trace: Trace) -> [UInt8] {
        let records = orderedRecords(trace)
        var writer = JSONWriter(reservingCapacity: 64 + trace.spanCount * 220)
        let processID = Int64(trace.metadata.processID == 0 ? 1 : trace.metadata.processID)
        var firstLine = true
        func startLine(_ writer: inout JSONWriter) {
            writer.writeRaw(firstLine ? "[\n" : ",\n")
            firstLine = false
        }

        startLine(&writer)
        writer.writeRaw("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":")
        writer.writeInteger(processID)
        writer.writeRaw(",\"args\":{\"name\":")
        writer.writeString(trace.metadata.processName)
        writer.writeRaw(",\"lanes.start_ns\":")
        writer.writeInteger(trace.startTime)
        writer.writeRaw(",\"lanes.clock_at_start\":")
        writer.writeInteger(trace.metadata.clockAtStart)
        writer.writeRaw(",\"lanes.unix_ns_at_clock\":")
        writer.writeInteger(trace.metadata.unixNanosecondsAtClock)
        writer.writeRaw("}}")
        for thread in trace.threads where !thread.name.isEmpty || thread.isExecutor {
            startLine(&writer)
            writer.writeRaw("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":")
            writer.writeInteger(processID)
            writer.writeRaw(",\"tid\":")
            writer.writeInteger(Int64(bitPattern: thread.id))
            writer.writeRaw(",\"args\":{\"name\":")
            writer.writeString(thread.name)
            if thread.isExecutor { writer.writeRaw(",\"lanes.executor\":true") }
            writer.writeRaw("}}")
        }

        var taskNamed = [Bool](repeating: false, count: trace.tasks.count)
        for record in records {
            startLine(&writer)
            if record.kind == .job {
                writeJob(Int(record.span), of: trace, processID: processID, withTaskName: &taskNamed, to: &writer)
                continue
            }
            let span = Int(record.span)
            let thread = Int(trace.spanThread[span])
            let task = Int(trace.spanTask[span])
            let time = trace.spanBegin[span] - trace.startTime
            switch record.kind {
            case .complete, .job: writer.writeRaw("{\"ph\":\"X\",\"name\":")
            case .asyncBegin: writer.writeRaw("{\"ph\":\"b\",\"name\":")
            case .asyncEnd: writer.writeRaw("{\"ph\":\"e\",\"name\":")
            case .threadInstant: writer.writeRaw("{\"ph\":\"i\",\"s\":\"t\",\"name\":")
            case .asyncInstant: writer.writeRaw("{\"ph\":\"n\",\"name\":")
            }
            writer.writeString(trace.name(ofSpan: span))
            writer.writeRaw(",\"cat\":\"")
            writer.writeRaw(record.sharesTaskTrack || record.kind == .complete || record.kind == .threadInstant
                ? category : overlapCategory)
            writer.writeByte(UInt8(ascii: "\""))
            switch record.kind {
            case .asyncBegin, .asyncEnd, .asyncInstant:
                writer.writeRaw(",\"id\":\"0x")
                let id = record.sharesTaskTrack ? trace.tasks[task].id : UInt64(span)
                writer.bytes.append(contentsOf: String(id, radix: 16).utf8)
                writer.writeByte(UInt8(ascii: "\""))
            default:
                break
            }
            writer.writeRaw(",\"ts\":")
            writer.writeMicroseconds(fromNanoseconds: record.kind == .asyncEnd ? trace.spanEnd[span] - trace.startTime : time)
            if record.kind == .complete {
                writer.writeRaw(",\"dur\":")
                writer.writeMicroseconds(fromNanoseconds: trace.duration(ofSpan: span))
            }
            writer.writeRaw(",\"pid\":")
            writer.writeInteger(processID)
            if thread >= 0 {
                writer.writeRaw(",\"tid\":")
                writer.writeInteger(Int64(bitPattern: trace.threads[thread].id))
            }
            if record.kind != .asyncEnd {
                writeArguments(of: span, in: trace, withTaskName: !taskNamed[task], to: &writer)
                taskNamed[task] = true
            }
            writer.writeByte(UInt8(ascii: "}"))
        }
        writer.writeRaw("\n]\n")
        return writer.bytes
    }

    /// A task-state slice as an `X` event on the thread that ran it, named after its task, so
    /// viewers show which task held each executor thread; the task and the time it waited
    /// (`lanes.enqueued_ns`, relative to the trace start) are in `args`.
    private static func writeJob(
        _ index: Int, of trace: Trace, processID: Int64, withTaskName taskNamed: inout [Bool], to writer: inout JSONWriter
    ) {
        let slice = trace.slices[index]
        let task = Int(slice.task)
        writer.writeRaw("{\"ph\":\"X\",\"name\":")
        writer.writeString("job " + trace.name(ofTask: task))
        writer.writeRaw(",\"cat\":\"lanes.job\",\"ts\":")
        writer.writeMicroseconds(fromNanoseconds: slice.started - trace.startTime)
        writer.writeRaw(",\"dur\":")
        writer.writeMicroseconds(fromNanoseconds: slice.ended - slice.started)
        writer.writeRaw(",\"pid\":")
        writer.writeInteger(processID)
        writer.writeRaw(",\"tid\":")
        writer.writeInteger(Int64(bitPattern: trace.threads[Int(slice.thread)].id))
        writer.writeRaw(",\"args\":{\"lanes.job_task\":")
        writer.writeInteger(Int64(bitPattern: trace.tasks[task].id))
        if !taskNamed[task] {
            writer.writeRaw(",\"lanes.task_name\":")
            writer.writeString(trace.tasks[task].name)
            taskNamed[task] = true
        }
        writer.writeRaw(",\"lanes.enqueued_ns\":")
        writer.writeInteger(slice.enqueued - trace.startTime)
        writer.writeRaw("}}")
    }

    private static func writeArguments(of span: Int, in trace: Trace, withTaskName: Bool, to writer: inout JSONWriter) {
        let task = Int(trace.spanTask[span])
        let flags = trace.spanFlags[span]
        writer.writeRaw(",\"args\":{\"lanes.kind\":\"")
        writer.bytes.append(contentsOf: trace.spanKind[span].description.utf8)
        writer.writeRaw("\",\"lanes.task\":")
        writer.writeInteger(Int64(bitPattern: trace.tasks[task].id))
        if withTaskName {
            writer.writeRaw(",\"lanes.task_name\":")
            writer.writeString(trace.tasks[task].name)
        }
        writer.writeRaw(",\"lanes.span\":")
        writer.writeInteger(Int64(span))
        if let parent = trace.parent(ofSpan: span) {
            writer.writeRaw(",\"lanes.parent\":")
            writer.writeInteger(Int64(parent))
        }
        if flags.contains(.onExecutor) { writer.writeRaw(",\"lanes.on_executor\":true") }
        if flags.contains(.instant), trace.spanBegin[span] != trace.spanEnd[span] {
            writer.writeRaw(",\"lanes.instant\":true")
        }
        if let cpu = trace.cpuNanoseconds(ofSpan: span) {
            writer.writeRaw(",\"lanes.cpu_ns\":")
            writer.writeInteger(cpu)
        }
        switch trace.spanStatus[span] {
        case .ok: break
        case .error: writer.writeRaw(",\"lanes.status\":\"error\"")
        case .unfinished: writer.writeRaw(",\"lanes.status\":\"unfinished\"")
        }
        for attribute in trace.attributes(ofSpan: span) {
            writer.writeByte(UInt8(ascii: ","))
            writer.writeString(attribute.key)
            writer.writeByte(UInt8(ascii: ":"))
            writer.writeString(attribute.value)
        }
        writer.writeByte(UInt8(ascii: "}"))
    }

    /// Every event to write, in time order; within a track, in the order that keeps `b`/`e`
    /// properly nested.
    private static func orderedRecords(_ trace: Trace) -> [Record] {
        var records: [Record] = []
        records.reserveCapacity(trace.spanCount * 2)
        var sequence: Int32 = 0
        func add(_ time: Int64, _ span: Int, _ kind: RecordKind, _ shares: Bool) {
            let tieBreak = kind == .complete ? -trace.duration(ofSpan: span) : 0
            records.append(Record(
                time: time, tieBreak: tieBreak, sequence: sequence, span: Int32(span), kind: kind, sharesTaskTrack: shares))
            sequence += 1
        }
        let isThreadSlice = threadSlices(trace)
        var asyncSpans: [Int] = []
        var stack: [Int] = []
        for lane in trace.laneRanges.indices {
            asyncSpans.removeAll(keepingCapacity: true)
            for span in Int(trace.laneRanges[lane].lowerBound)..<Int(trace.laneRanges[lane].upperBound) {
                let isInstant = trace.spanFlags[span].contains(.instant) && trace.spanBegin[span] == trace.spanEnd[span]
                if isThreadSlice[span] {
                    add(trace.spanBegin[span], span, isInstant ? .threadInstant : .complete, true)
                } else {
                    asyncSpans.append(span)
                }
            }
            asyncSpans.sort {
                (trace.spanBegin[$0], -trace.spanEnd[$0], $0) < (trace.spanBegin[$1], -trace.spanEnd[$1], $1)
            }
            stack.removeAll(keepingCapacity: true)
            for span in asyncSpans {
                let begin = trace.spanBegin[span]
                let end = trace.spanEnd[span]
                while let top = stack.last, trace.spanEnd[top] <= begin, !(trace.spanEnd[top] == begin && end == begin && trace.spanBegin[top] < begin) {
                    add(trace.spanEnd[top], top, .asyncEnd, true)
                    stack.removeLast()
                }
                let isInstant = trace.spanFlags[span].contains(.instant) && begin == end
                if let top = stack.last, end > trace.spanEnd[top] {
                    // Overlaps the open span without nesting in it: a track of its own.
                    if isInstant { add(begin, span, .asyncInstant, false); continue }
                    add(begin, span, .asyncBegin, false)
                    add(end, span, .asyncEnd, false)
                } else if isInstant {
                    add(begin, span, .asyncInstant, true)
                } else {
                    add(begin, span, .asyncBegin, true)
                    stack.append(span)
                }
            }
            while let top = stack.popLast() { add(trace.spanEnd[top], top, .asyncEnd, true) }
        }
        for (index, slice) in trace.slices.enumerated() where slice.thread >= 0 && Int(slice.thread) < trace.threads.count {
            records.append(Record(
                time: slice.started, tieBreak: -(slice.ended - slice.started), sequence: sequence, span: Int32(index),
                kind: .job, sharesTaskTrack: true))
            sequence += 1
        }
        records.sort { ($0.time, $0.tieBreak, $0.sequence) < ($1.time, $1.tieBreak, $1.sequence) }
        return records
    }
}
