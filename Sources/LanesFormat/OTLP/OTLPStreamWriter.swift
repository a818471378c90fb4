import LanesModel
import LanesWriter

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes converted OTLP spans (`OTLPSpanBatch`es) into a `.lanes` file as they arrive, for
/// `lanes collect`.
///
/// Each `append` writes the batch's spans as finished chunks through `LanesFileWriter`: a span,
/// its attributes and its end in one chunk, so what reached the file before a crash reads back
/// whole. Spans keep their OTLP links across batches: a child that arrives before its parent
/// names the id its parent will get. Lanes are one per service and trace id, named after the
/// trace's root span (until the root arrives, after its first span). Times are Unix
/// nanoseconds (the header pairs the clock with itself).
///
/// Memory stays bounded however long it runs: the maps from OTLP ids to file ids and from text
/// to string ids keep only the most recent million entries or so (a parent arriving later
/// than that is shown as a root; a string is defined again under a new id).
///
/// Not thread-safe: one owner (the collector's writer thread) calls it.
package final class OTLPStreamWriter {
    /// The file being written.
    package var path: String { file.path }
    private let file: LanesFileWriter

    private struct SpanKey: Hashable {
        var trace: OTLPTraceID
        var span: UInt64
    }

    private struct LaneKey: Hashable {
        /// `serviceIDs`' number for the service name.
        var service: Int
        var trace: OTLPTraceID
    }

    private struct Lane {
        var task: UInt64
        var namedAfterRoot: Bool
    }

    private var spanIDs = RecentMap<SpanKey, UInt64>()
    private var lanes = RecentMap<LaneKey, Lane>()
    private var stringIDs = RecentMap<String, UInt32>()
    /// A number for each service name seen (services are few; lanes are keyed by number).
    private var serviceIDs: [String: Int] = [:]
    private var newStrings: [String] = []
    private var nextSpanID: UInt64 = 1
    private var nextLane: UInt64 = 0
    /// Writer id of each thread seen (writer 1 holds spans of no known thread).
    private var writerOfThread: [UInt64: UInt32] = [:]
    private var chunkSequence: [UInt32: UInt64] = [:]
    private static let unknownThreadWriter: UInt32 = 1

    /// Spans (and span events) written so far.
    package private(set) var writtenSpanCount = 0

    /// Creates (or truncates) the file at `path` and writes its header.
    package init(path: String, processName: String = "lanes collect") throws(LanesWriteError) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let unix = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        file = try LanesFileWriter(
            path: path, processName: processName, processID: 0, clockAtStart: unix, unixNanosecondsAtClock: unix)
    }

    /// Encodes the batch's spans into chunks and hands them to the file writer's buffer
    /// (`flush()` makes them reach the file).
    package func append(_ batch: OTLPSpanBatch) throws(LanesWriteError) {
        let assembler = batch.assembler
        guard !assembler.spans.isEmpty else { return }

        // Per writer (thread): the events of this batch, sorted by time below.
        struct Event {
            var time: Int64
            /// 0 begin, 1 instant, 2 end: begins and instants before ends at equal times.
            var order: UInt8
            var span: Int32
        }
        var eventsOfWriter: [UInt32: [Event]] = [:]
        var fileID = [UInt64](repeating: 0, count: assembler.spans.count)
        var parentID = [UInt64](repeating: 0, count: assembler.spans.count)
        var taskOf = [UInt64](repeating: 0, count: assembler.spans.count)
        var nameID = [UInt32](repeating: 0, count: assembler.spans.count)
        // Attributes of span i: attributeIDs[attributeStart[i]..<attributeStart[i + 1]].
        var attributeIDs: [(key: UInt32, value: UInt32)] = []
        var attributeStart = [Int](repeating: 0, count: assembler.spans.count + 1)
        var taskNames: [(task: UInt64, name: UInt32)] = []
        let serviceOfResource = assembler.resources.map { resource in
            if let known = serviceIDs[resource.serviceName] { return known }
            serviceIDs[resource.serviceName] = serviceIDs.count
            return serviceIDs.count - 1
        }

        for (index, span) in assembler.spans.enumerated() {
            // Ids: a span's id may have been promised to a child that arrived first.
            if span.isEvent {
                fileID[index] = takeSpanID()
            } else {
                let key = SpanKey(trace: span.trace, span: span.id)
                if let promised = spanIDs[key] {
                    fileID[index] = promised
                } else {
                    fileID[index] = takeSpanID()
                    spanIDs[key] = fileID[index]
                }
            }
            if let parent = span.parent {
                let key = SpanKey(trace: span.trace, span: parent)
                if let known = spanIDs[key] {
                    parentID[index] = known
                } else {
                    parentID[index] = takeSpanID()
                    spanIDs[key] = parentID[index]
                }
            }

            // Lane: Lanes' own task if the span carries one, else its service and trace.
            if let task = span.facts.task {
                taskOf[index] = task
                if let name = span.facts.taskName, !name.isEmpty { taskNames.append((task, stringID(name))) }
            } else {
                let key = LaneKey(service: span.resource < serviceOfResource.count ? serviceOfResource[span.resource] : -1, trace: span.trace)
                let isRoot = span.parent == nil && !span.isEvent
                if var lane = lanes[key] {
                    if isRoot && !lane.namedAfterRoot {
                        lane.namedAfterRoot = true
                        lanes[key] = lane
                        taskNames.append((lane.task, stringID(span.name)))
                    }
                    taskOf[index] = lane.task
                } else {
                    let lane = Lane(task: UInt64(1) << 62 | nextLane, namedAfterRoot: isRoot)
                    nextLane += 1
                    lanes[key] = lane
                    taskNames.append((lane.task, stringID(span.name)))
                    taskOf[index] = lane.task
                }
            }

            nameID[index] = stringID(span.name)
            for attribute in span.attributes { attributeIDs.append((stringID(attribute.key), stringID(attribute.value))) }
            attributeStart[index + 1] = attributeIDs.count

            var writer = Self.unknownThreadWriter
            if let thread = span.thread {
                if let known = writerOfThread[thread.id] {
                    writer = known
                } else {
                    writer = UInt32(writerOfThread.count) + 2
                    writerOfThread[thread.id] = writer
                    try file.defineThread(
                        writerID: writer, threadID: thread.id, name: thread.name, isExecutor: span.facts.executorThread)
                }
            }
            let isInstant = span.isEvent || (span.facts.isInstant && span.begin == span.end)
            if isInstant {
                eventsOfWriter[writer, default: []].append(Event(time: span.begin, order: 1, span: Int32(index)))
            } else {
                eventsOfWriter[writer, default: []].append(Event(time: span.begin, order: 0, span: Int32(index)))
                eventsOfWriter[writer, default: []].append(Event(time: span.end, order: 2, span: Int32(index)))
            }
        }

        // Strings and task names before the chunks that use them.
        if !newStrings.isEmpty {
            try file.defineStrings(firstID: file.definedStringCount, newStrings)
            newStrings.removeAll(keepingCapacity: true)
        }
        for entry in taskNames { try file.defineTask(id: entry.task, name: entry.name, parentTask: 0) }

        for (writer, unsorted) in eventsOfWriter.sorted(by: { $0.key < $1.key }) {
            let events = unsorted.sorted { ($0.time, $0.order, $0.span) < ($1.time, $1.order, $1.span) }
            var encoder = LanesChunkEncoder(writerID: writer, sequence: chunkSequence[writer, default: 0], baseTime: events[0].time)
            for event in events {
                let index = Int(event.span)
                let span = assembler.spans[index]
                // A span's begin and end stay in one chunk where they can (they are usually close).
                if encoder.byteCount >= LanesFileLayout.preferredChunkPayload && event.order != 2 {
                    try writeChunk(&encoder, nextTime: event.time)
                }
                switch event.order {
                case 0:
                    encoder.begin(
                        span: fileID[index], parent: parentID[index], kind: span.facts.kind ?? .unknown,
                        name: nameID[index], task: taskOf[index], onExecutor: span.facts.onExecutor, time: event.time)
                    if span.facts.isInstant { encoder.setFlags(span: fileID[index], flags: .instant) }
                case 1:
                    encoder.instant(
                        span: fileID[index], parent: parentID[index], name: nameID[index], task: taskOf[index], time: event.time)
                default:
                    if span.status != .ok || span.facts.cpuNanoseconds != nil {
                        encoder.end(span: fileID[index], time: event.time, status: span.status, cpuNanoseconds: span.facts.cpuNanoseconds)
                    } else {
                        encoder.end(span: fileID[index], time: event.time)
                    }
                }
                if event.order != 2 {
                    for attribute in attributeIDs[attributeStart[index]..<attributeStart[index + 1]] {
                        encoder.attribute(span: fileID[index], key: attribute.key, value: attribute.value)
                    }
                }
            }
            try writeChunk(&encoder, nextTime: 0)
            file.noteTime(events[events.count - 1].time)
        }
        writtenSpanCount += assembler.spans.count
    }

    /// Hands everything appended so far to the operating system: after this, a crash of this
    /// process loses none of it.
    package func flush() throws(LanesWriteError) {
        try file.flush()
    }

    /// Writes the footer and closes the file.
    package func finish() throws(LanesWriteError) {
        try file.finish()
    }

    private func takeSpanID() -> UInt64 {
        defer { nextSpanID += 1 }
        return nextSpanID
    }

    /// The file's id for `text`, defining it (with the next `defineStrings`) when new.
    private func stringID(_ text: String) -> UInt32 {
        if text.isEmpty { return 0 }
        if let id = stringIDs[text] { return id }
        let id = file.definedStringCount + UInt32(newStrings.count)
        newStrings.append(text)
        stringIDs[text] = id
        return id
    }

    private func writeChunk(_ encoder: inout LanesChunkEncoder, nextTime: Int64) throws(LanesWriteError) {
        guard !encoder.isEmpty else { return }
        try file.write(chunk: encoder)
        let sequence = chunkSequence[encoder.writerID, default: 0] + 1
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
        get { newer[key] ?? older[key] }
        set {
            if newer.count >= capacity {
                older = newer
                newer = [:]
            }
            newer[key] = newValue
        }
    }
}
