import LanesModel
import LanesWriter

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes OTLP requests, converted one by one (`OTLPConvertedRequest`), into a `.lanes` file as
/// they arrive, for `lanes collect`: what `LanesTraceWriter` does for a whole trace, for a trace
/// that keeps growing.
///
/// Each request's spans are written with `TraceEventWriting`, as `lanes convert` writes them (ids,
/// kinds, resources, scopes, typed values, events, links, status), in finished chunks through
/// `LanesFileWriter`: a span, its attributes, its facts and its end in one chunk, so what reached
/// the file before a crash reads back whole. What one request cannot know is joined here:
/// - parents across requests: a child that arrives before its parent (SDKs export a span when it
///   ends) names the file id its parent will get;
/// - lanes: one per service (resource) and trace, as the importer makes them, named after the
///   trace's root span there once it arrives (until then after the earliest span whose parent is
///   not in the lane), renamed by a later task record when a better one arrives;
/// - resources and scopes: each distinct one written once.
/// Times are Unix nanoseconds (the header pairs the clock with itself).
///
/// Memory stays bounded however long it runs: the maps from OTLP ids, text, resources, lanes and
/// threads to file ids keep only the most recent million entries or so each (a parent arriving
/// later than that is shown as a root; a string or resource is defined again under a new id).
///
/// Not thread-safe: one owner (the collector's writer thread) calls it.
package final class OTLPStreamWriter {
    /// The file being written.
    package var path: String { file.path }
    private let file: LanesFileWriter

    private struct SpanKey: Hashable {
        var trace: TraceID
        var span: UInt64
    }

    /// A span's file id, and the task it was written in (0 while it is only promised to children
    /// that arrived first).
    private struct KnownSpan {
        var fileID: UInt64
        var task: UInt64
    }

    private struct LaneKey: Hashable {
        /// The file id of the service's resource (0: none).
        var resource: UInt32
        var trace: TraceID
    }

    /// A lane of one service and trace: its task id, and what the span it is named after is.
    private struct Lane {
        var task: UInt64
        var namedAfterRoot = false
        var nameBegin = Int64.max
    }

    private var spans = RecentMap<SpanKey, KnownSpan>()
    private var lanes = RecentMap<LaneKey, Lane>()
    private var stringIDs = RecentMap<String, UInt32>()
    private var newStrings: [String] = []
    /// File ids of resources and scopes, keyed by their record's bytes with id 0.
    private var resourceIDs = RecentMap<[UInt8], UInt32>()
    private var scopeIDs = RecentMap<[UInt8], UInt32>()
    /// The name (a file string id) each task of Lanes' own scope was last defined with.
    private var taskNames = RecentMap<UInt64, UInt32>()
    /// The writer id of each thread, and the sequence number of each writer's next chunk.
    private var writerOfThread = RecentMap<UInt64, UInt32>()
    private var chunkSequence = RecentMap<UInt32, UInt64>()
    private var nextSpanID: UInt64 = 1
    private var nextLane: UInt64 = 0
    private var nextResourceID: UInt32 = 1
    private var nextScopeID: UInt32 = 1
    /// Writer 1 holds spans of no known thread; threads get 2, 3, …
    private var nextWriterID: UInt32 = 2
    private static let unknownThreadWriter: UInt32 = 1

    /// Spans written so far.
    package private(set) var writtenSpanCount = 0

    /// Creates (or truncates) the file at `path` and writes its header.
    package init(path: String, processName: String = "lanes collect") throws(TraceFileError) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let unix = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        file = try LanesFileWriter(
            path: path, processName: processName, processID: 0, clockAtStart: unix, unixNanosecondsAtClock: unix)
    }

    /// Encodes the request's spans into chunks and hands them to the file writer's buffer
    /// (`flush()` makes them reach the file).
    package func append(_ request: OTLPConvertedRequest) throws(TraceFileError) {
        let trace = request.trace
        let count = trace.spanCount
        guard count > 0 else { return }
        let timeOffset = trace.metadata.unixNanosecondsAtClock &- trace.metadata.clockAtStart
        var fileStrings = [UInt32](repeating: 0, count: trace.strings.count)
        for index in fileStrings.indices.dropFirst() { fileStrings[index] = stringID(trace.strings[UInt32(index)]) }
        var writing = TraceEventWriting(trace: trace, fileStrings: fileStrings, timeOffset: timeOffset) { [unowned self] text in
            self.stringID(text)
        }
        let resourceOfScope = try defineResourcesAndScopes(&writing)

        var facts = [SpanTelemetry](repeating: SpanTelemetry(), count: count)
        for (span, spanFacts) in zip(trace.telemetry.spans, trace.telemetry.spanFacts) where Int(span) < count {
            facts[Int(span)] = spanFacts
        }

        // First every span's file id and task, so that parents in this request are known below.
        var fileID = [UInt64](repeating: 0, count: count)
        var taskOf = [UInt64](repeating: 0, count: count)
        var laneOf = [LaneKey?](repeating: nil, count: count)
        var taskNamesToDefine: [UInt64: UInt32] = [:]
        // A request's spans of one trace mostly come together: the last lane found is tried first.
        var lastLane: (key: LaneKey, task: UInt64)?
        for span in 0..<count {
            let localTask = Int(trace.spanTask[span])
            let localTaskID = trace.tasks.id(ofTask: localTask)
            if OTLPTraceAssembler.isServiceLane(localTaskID) {
                let scope = Int(facts[span].scope)
                let key = LaneKey(
                    resource: resourceOfScope.indices.contains(scope) ? resourceOfScope[scope] : 0, trace: facts[span].traceID)
                if let lastLane, lastLane.key == key {
                    taskOf[span] = lastLane.task
                } else if let lane = lanes[key] {
                    taskOf[span] = lane.task
                } else {
                    let lane = Lane(task: OTLPTraceAssembler.serviceLaneBit | nextLane)
                    nextLane += 1
                    lanes[key] = lane
                    taskOf[span] = lane.task
                }
                lastLane = (key, taskOf[span])
                laneOf[span] = key
            } else {
                taskOf[span] = localTaskID
                let name = writing.fileString(trace.tasks.nameIndex(ofTask: localTask))
                if name != 0 && taskNames[localTaskID] != name {
                    taskNames[localTaskID] = name
                    taskNamesToDefine[localTaskID] = name
                }
            }
            let key = SpanKey(trace: facts[span].traceID, span: facts[span].spanID)
            let known = facts[span].hasIdentity ? spans[key] : nil
            if let known, known.task == 0 {
                fileID[span] = known.fileID
            } else {
                // New, or a second span with ids seen before: it gets an id of its own.
                fileID[span] = takeSpanID()
                if known != nil { continue }
            }
            if facts[span].hasIdentity { spans[key] = KnownSpan(fileID: fileID[span], task: taskOf[span]) }
        }

        // Parents, lane names, and each thread's events in time order.
        struct Event {
            var time: Int64
            /// 0 begin, 1 instant, 2 end: begins and instants before ends at equal times.
            var order: UInt8
            var span: Int32
        }
        // Each writer's events; spans without threads (most SDKs') all go to one writer.
        var writers: [UInt32] = []
        var eventsOfWriter: [[Event]] = []
        var positionOfWriter: [UInt32: Int] = [:]
        var lastWriter: (writer: UInt32, position: Int)?
        func events(of writer: UInt32) -> Int {
            if let lastWriter, lastWriter.writer == writer { return lastWriter.position }
            let position = positionOfWriter[writer] ?? {
                writers.append(writer)
                eventsOfWriter.append([])
                eventsOfWriter[eventsOfWriter.count - 1].reserveCapacity(2 * count)
                positionOfWriter[writer] = writers.count - 1
                return writers.count - 1
            }()
            lastWriter = (writer, position)
            return position
        }
        var parentID = [UInt64](repeating: 0, count: count)
        var latest = Int64.min
        for span in 0..<count {
            var parentInLane = false
            if facts[span].parentSpanID != 0 && facts[span].parentSpanID != facts[span].spanID {
                let key = SpanKey(trace: facts[span].traceID, span: facts[span].parentSpanID)
                if let known = spans[key] {
                    parentID[span] = known.fileID
                    parentInLane = known.task == taskOf[span]
                } else {
                    parentID[span] = takeSpanID()
                    spans[key] = KnownSpan(fileID: parentID[span], task: 0)
                }
            }
            let begin = trace.spanBegin[span] &+ timeOffset
            if let key = laneOf[span], !parentInLane, var lane = lanes[key] {
                // The importer's rule: a span without a parent id first, else the earliest.
                let isRoot = facts[span].parentSpanID == 0
                if (isRoot && !lane.namedAfterRoot) || (isRoot == lane.namedAfterRoot && begin < lane.nameBegin) {
                    lane.namedAfterRoot = isRoot
                    lane.nameBegin = begin
                    lanes[key] = lane
                    taskNamesToDefine[lane.task] = writing.fileString(trace.spanName[span])
                }
            }
            let thread = trace.spanThread[span]
            let writer = thread >= 0 && Int(thread) < trace.threads.count
                ? try writerID(of: trace.threads[Int(thread)]) : Self.unknownThreadWriter
            let position = events(of: writer)
            if writing.isInstantOnly(span) {
                eventsOfWriter[position].append(Event(time: begin, order: 1, span: Int32(span)))
            } else {
                let end = trace.spanEnd[span] &+ timeOffset
                eventsOfWriter[position].append(Event(time: begin, order: 0, span: Int32(span)))
                eventsOfWriter[position].append(Event(time: end, order: 2, span: Int32(span)))
                latest = max(latest, end)
            }
            latest = max(latest, begin)
        }

        // Strings and task names before the chunks that use them.
        try defineNewStrings()
        if !taskNamesToDefine.isEmpty {
            try file.defineTasks(taskNamesToDefine.sorted { $0.key < $1.key }.map { ($0.key, $0.value, 0) })
        }

        for position in writers.indices.sorted(by: { writers[$0] < writers[$1] }) {
            let writer = writers[position]
            let events = eventsOfWriter[position].sorted { ($0.time, $0.order, $0.span) < ($1.time, $1.order, $1.span) }
            var encoder = LanesChunkEncoder(writerID: writer, sequence: chunkSequence[writer] ?? 0, baseTime: events[0].time)
            for event in events {
                let span = Int(event.span)
                // A span's begin and end stay in one chunk where they can (they are usually close).
                if encoder.byteCount >= LanesFileLayout.preferredChunkPayload && event.order != 2 {
                    try writeChunk(&encoder, nextTime: event.time)
                }
                if event.order == 2 {
                    writing.writeEnd(ofSpan: span, as: fileID[span], time: event.time, to: &encoder)
                } else {
                    writing.writeStart(
                        ofSpan: span, as: fileID[span], parent: parentID[span], task: taskOf[span], time: event.time, to: &encoder)
                }
            }
            try writeChunk(&encoder, nextTime: 0)
        }
        file.noteTime(latest)
        writtenSpanCount += count
    }

    /// Hands everything appended so far to the operating system: after this, a crash of this
    /// process loses none of it.
    package func flush() throws(TraceFileError) {
        try file.flush()
    }

    /// Writes the footer and closes the file.
    package func finish() throws(TraceFileError) {
        try file.finish()
    }

    /// Writes the records of the request's resources and scopes that the file lacks; points
    /// `writing` at the file's scope ids; returns the file resource id of each scope.
    private func defineResourcesAndScopes(_ writing: inout TraceEventWriting) throws(TraceFileError) -> [UInt32] {
        let telemetry = writing.trace.telemetry
        var fileResources: [UInt32] = []
        for (index, resource) in telemetry.resources.enumerated() {
            let key = writing.resourceRecord(index, id: 0)
            fileResources.append(try recordID(key, known: &resourceIDs, next: &nextResourceID) { [writing] id throws(TraceFileError) in
                try file.defineResource(
                    id: id, schemaURL: writing.fileString(resource.schemaURL), droppedAttributes: resource.droppedAttributes,
                    attributes: writing.fileAttributes(resource.attributes))
            })
        }
        var fileScopes: [UInt32] = []
        var resourceOfScope: [UInt32] = []
        for (index, scope) in telemetry.scopes.enumerated() {
            let resource = fileResources.indices.contains(Int(scope.resource)) ? fileResources[Int(scope.resource)] : 0
            resourceOfScope.append(resource)
            let key = writing.scopeRecord(index, id: 0, resource: resource)
            fileScopes.append(try recordID(key, known: &scopeIDs, next: &nextScopeID) { [writing] id throws(TraceFileError) in
                try file.defineScope(
                    id: id, resource: resource, name: writing.fileString(scope.name), version: writing.fileString(scope.version),
                    schemaURL: writing.fileString(scope.schemaURL), droppedAttributes: scope.droppedAttributes,
                    attributes: writing.fileAttributes(scope.attributes))
            })
        }
        writing.fileScopes = fileScopes
        return resourceOfScope
    }

    /// The file id of the resource or scope whose record, written with id 0, is `key`: the one
    /// `known` holds, or the next of `next`, which `define` then writes (after the strings it uses).
    private func recordID(
        _ key: [UInt8], known: inout RecentMap<[UInt8], UInt32>, next: inout UInt32,
        define: (UInt32) throws(TraceFileError) -> Void
    ) throws(TraceFileError) -> UInt32 {
        if let id = known[key] { return id }
        let id = next
        next += 1
        try defineNewStrings()
        try define(id)
        known[key] = id
        return id
    }

    private func takeSpanID() -> UInt64 {
        defer { nextSpanID += 1 }
        return nextSpanID
    }

    /// The file's id for `text`, defining it (with the next `defineNewStrings`) when new.
    private func stringID(_ text: String) -> UInt32 {
        if text.isEmpty { return 0 }
        if let id = stringIDs[text] { return id }
        let id = file.definedStringCount + UInt32(newStrings.count)
        newStrings.append(text)
        stringIDs[text] = id
        return id
    }

    private func defineNewStrings() throws(TraceFileError) {
        guard !newStrings.isEmpty else { return }
        try file.defineStrings(firstID: file.definedStringCount, newStrings)
        newStrings.removeAll(keepingCapacity: true)
    }

    /// The writer of `thread`, defining it when new.
    private func writerID(of thread: ThreadInfo) throws(TraceFileError) -> UInt32 {
        if let known = writerOfThread[thread.id] { return known }
        let id = nextWriterID
        nextWriterID &+= 1
        writerOfThread[thread.id] = id
        try file.defineThread(writerID: id, threadID: thread.id, name: thread.name, isExecutor: thread.isExecutor)
        return id
    }

    private func writeChunk(_ encoder: inout LanesChunkEncoder, nextTime: Int64) throws(TraceFileError) {
        guard !encoder.isEmpty else { return }
        // Strings met while encoding (inside composite values) are defined before the chunk.
        try defineNewStrings()
        try file.write(chunk: encoder)
        let sequence = (chunkSequence[encoder.writerID] ?? 0) + 1
        chunkSequence[encoder.writerID] = sequence
        encoder.reset(sequence: sequence, baseTime: nextTime)
    }
}

/// A map that remembers only its recent entries: when the newer half reaches `capacity`
/// entries the older half is dropped, so memory stays bounded on an endless stream.
struct RecentMap<Key: Hashable, Value> {
    private var newer: [Key: Value] = [:]
    private var older: [Key: Value] = [:]
    let capacity: Int

    init(capacity: Int = 1 << 20) { self.capacity = capacity }

    subscript(key: Key) -> Value? {
        get {
            if let value = newer[key] { return value }
            return older.isEmpty ? nil : older[key]
        }
        set {
            if newer.count >= capacity {
                older = newer
                newer = [:]
            }
            newer[key] = newValue
        }
    }
}
