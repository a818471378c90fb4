import LanesModel
import LanesWriter

/// Reads `.lanes` files into a `Trace`, recovering whatever is whole.
///
/// The reader never trusts a length or a count: records longer than the limit or failing their
/// checksum are damage, after which it searches for the next intact record; a file cut off by a
/// crash yields every whole chunk before the cut; spans still open at the end are closed at the
/// last timestamp and marked `unfinished`. Everything lost is described in the warnings.
public enum LanesFileReader {
    /// Parses `bytes` (the contents of `path`, used only in messages). `progress`, if given, is
    /// called about every megabyte with the fraction of the file decoded.
    public static func read(
        bytes: [UInt8], path: String, progress: ((Double) -> Void)? = nil
    ) throws -> (trace: Trace, warnings: [TraceReadWarning]) {
        let result = try readCountingLosses(bytes: bytes, path: path, progress: progress)
        return (result.trace, result.warnings)
    }

    /// `read`, also returning what was lost by kind, as counts (the conformance twins of
    /// `Traces/conformance/` list them; the warnings say the same in sentences).
    package static func readCountingLosses(
        bytes: [UInt8], path: String, progress: ((Double) -> Void)? = nil
    ) throws -> (trace: Trace, warnings: [TraceReadWarning], losses: [(kind: String, count: Int)]) {
        let magic = LanesFileLayout.magic
        guard bytes.count >= magic.count + 2, bytes.starts(with: magic) else {
            if bytes.count < magic.count + 2, magic.starts(with: bytes) {
                throw TraceFileError(.damaged, path: path, format: .lanes, reason: "cut off inside the header (\(bytes.count) bytes): nothing was recorded")
            }
            if bytes.starts(with: magic.prefix(6)) {
                throw TraceFileError(.damaged, path: path, format: .lanes, reason: "damaged header: line endings or high bytes were altered in transfer (copy it in binary mode)")
            }
            throw TraceFileError(.notATrace, path: path, reason: "not a .lanes file: the Lanes header is missing")
        }
        let version = UInt16(bytes[magic.count]) | UInt16(bytes[magic.count + 1]) << 8
        guard version == LanesFileLayout.version else {
            throw TraceFileError(.unsupportedVersion, path: path, format: .lanes, reason: "format version \(version) is not supported: this lanes reads version \(LanesFileLayout.version); update lanes")
        }
        var decoder = LanesFileDecoder()
        decoder.progress = progress
        // Spans take at least 4 bytes each; reserving for a generous guess avoids regrowing the
        // columns (untouched reserved pages cost nothing).
        let estimatedSpans = min(bytes.count / 8, 1 << 26)
        decoder.builder.reserveSpans(estimatedSpans)
        decoder.builder.reserveSlices(estimatedSpans / 2)
        bytes.withUnsafeBytes { buffer in
            decoder.decodeRecords(buffer, from: magic.count + 2)
        }
        let (trace, warnings) = decoder.finish()
        return (trace, warnings, decoder.losses)
    }
}

/// The decoding state of one file: string and id maps, open spans, damage accounting.
struct LanesFileDecoder: ~Copyable {
    var builder = TraceBuilder(metadata: TraceMetadata(sourceFormat: "lanes", finishedCleanly: false))
    /// File string id → builder string id.
    var fileStrings: [UInt32] = [0]
    var threadOfWriter: [UInt32: Int32] = [:]
    /// Span id → builder index + 1 (0: not seen), for ids below `denseIDLimit`.
    var denseSpanIndex = GrowableTable<Int32>()
    var sparseSpanIndex: [UInt64: Int32] = [:]
    /// Task id → builder index + 1 (0: not seen), for small ids; larger ids in the dictionary.
    var denseTaskIndex: [Int32] = []
    /// For each task index, the earliest enqueue of its captured jobs and the task that
    /// enqueued it (its creator): the task's parent when no `tasks` record names one.
    var earliestEnqueue: [(time: Int64, enqueuer: UInt64)] = []
    var sparseTaskIndex: [UInt64: Int32] = [:]
    /// Spans whose parent had not been read when they began: resolved at the end.
    var unresolvedParents: [(span: Int32, parentID: UInt64)] = []
    /// One bit per added span: set once the span has ended (a second end is ignored).
    var ended = GrowableTable<UInt64>()
    var pendingEnds: [UInt64: (time: Int64, status: SpanStatus, cpu: Int64?)] = [:]
    var pendingAttributes: [UInt64: [(key: UInt32, value: StoredAttributeValue)]] = [:]
    /// Resources, scopes and OpenTelemetry events read so far (`LanesFileDecoder+Telemetry.swift`).
    var telemetry = TelemetryDecoding()
    var pendingFlags: [UInt64: SpanFlags] = [:]
    /// Renames read before their span's begin (the renaming thread flushed first).
    var pendingRenames: [UInt64: UInt32] = [:]
    /// Spans that take their parent's task but were read before their parent.
    var spansInheritingTask: [(span: Int32, parentID: UInt64)] = []
    /// File stack id → builder stack index (id 0 is "no stack").
    var fileStacks: [Int32] = [-1]
    /// Samples whose stack id no `stacks` record defined.
    var missingStacks = 0
    var latestTime: Int64 = .min
    var sawHeader = false
    /// The `window` record of a flight-recorder dump: the times it holds and why it was written.
    var flightWindow: (start: Int64, end: Int64, reason: String)?
    var sawFooter = false

    // Damage accounting.
    var damagedRecords = 0
    var firstDamageOffset = -1
    var lostEvents = 0
    var lostEventsKnown = true
    var truncatedAt = -1
    var unknownRecords = 0
    var undecodableChunks = 0
    var missingStrings = 0
    /// Extension events of a known opcode whose payload did not parse (skipped by length).
    var undecodableExtensions = 0
    /// Spans whose parent was never read (shown as roots), counted by `finish()`.
    var parentsLost = 0
    /// String ids a damaged or lost `strings` record would have defined: they read as "?".
    var lostStringIDs = 0
    var resynchronisationBudget = 0
    /// Told the fraction decoded about every megabyte.
    var progress: ((Double) -> Void)?

    mutating func decodeRecords(_ bytes: UnsafeRawBufferPointer, from start: Int) {
        var offset = start
        let count = bytes.count
        resynchronisationBudget = max(1 << 20, 64 * count)
        var nextReport = 1 << 20
        while offset < count {
            if let progress, offset >= nextReport {
                progress(Double(offset) / Double(count))
                nextReport = offset + (1 << 20)
            }
            if count - offset < LanesFileLayout.recordHeaderSize {
                truncatedAt = offset
                break
            }
            switch validRecord(bytes, at: offset) {
            case .valid(let type, let length):
                let payloadStart = offset + LanesFileLayout.recordHeaderSize
                decodeRecord(type: type, bytes, from: payloadStart, to: payloadStart + length)
                offset = payloadStart + length
            case .truncated:
                truncatedAt = offset
                noteLostEvents(bytes, recordAt: offset)
                offset = count
            case .damaged:
                damagedRecords += 1
                if firstDamageOffset < 0 { firstDamageOffset = offset }
                noteLostEvents(bytes, recordAt: offset)
                offset = resynchronise(bytes, after: offset)
            }
        }
    }

    enum RecordCheck { case valid(type: UInt8, length: Int), truncated, damaged }

    func validRecord(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> RecordCheck {
        guard bytes[offset] == LanesFileLayout.recordMarker else { return .damaged }
        let type = bytes[offset + 1]
        let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 2, as: UInt32.self).littleEndian)
        guard length <= LanesFileLayout.maximumRecordPayload else { return .damaged }
        let payloadStart = offset + LanesFileLayout.recordHeaderSize
        guard payloadStart + length <= bytes.count else {
            // A record longer than what is left is a cut-off tail, unless it is far too long
            // to have been written whole in one go, which we still treat as a cut.
            return .truncated
        }
        let stored = bytes.loadUnaligned(fromByteOffset: offset + 6, as: UInt32.self).littleEndian
        var crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[(offset + 1)..<(offset + 6)]))
        crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[payloadStart..<(payloadStart + length)]), continuing: crc)
        return crc == stored ? .valid(type: type, length: length) : .damaged
    }

    /// The offset of the next intact record after damage at `offset`, or the end of the file.
    /// The search spends a bounded number of checksum bytes, so hostile input cannot make it slow.
    mutating func resynchronise(_ bytes: UnsafeRawBufferPointer, after offset: Int) -> Int {
        var candidate = offset + 1
        let count = bytes.count
        while candidate + LanesFileLayout.recordHeaderSize <= count {
            if bytes[candidate] == LanesFileLayout.recordMarker {
                let length = Int(bytes.loadUnaligned(fromByteOffset: candidate + 2, as: UInt32.self).littleEndian)
                if length <= LanesFileLayout.maximumRecordPayload, candidate + LanesFileLayout.recordHeaderSize + length <= count {
                    resynchronisationBudget -= length
                    if resynchronisationBudget < 0 { return count }
                    if case .valid = validRecord(bytes, at: candidate) { return candidate }
                }
            }
            candidate += 1
        }
        if candidate < count, truncatedAt < 0 { truncatedAt = candidate }
        return count
    }

    /// Adds the event count a damaged or cut-off chunk declares, when its header is legible.
    mutating func noteLostEvents(_ bytes: UnsafeRawBufferPointer, recordAt offset: Int) {
        guard offset + LanesFileLayout.recordHeaderSize < bytes.count,
              bytes[offset] == LanesFileLayout.recordMarker,
              bytes[offset + 1] == LanesRecordType.events.rawValue
        else {
            lostEventsKnown = false
            return
        }
        var cursor = ByteCursor(bytes, from: offset + LanesFileLayout.recordHeaderSize, to: bytes.count)
        guard cursor.readVarint() != nil, cursor.readVarint() != nil, cursor.readSignedVarint() != nil,
              cursor.readVarint() != nil, let events = cursor.readVarint(), events <= 1 << 24
        else {
            lostEventsKnown = false
            return
        }
        lostEvents += Int(events)
    }

    mutating func decodeRecord(type: UInt8, _ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) {
        var cursor = ByteCursor(bytes, from: start, to: end)
        switch LanesRecordType(rawValue: type) {
        case .header:
            // The first header stands; a later one (only in damaged or hostile files) is ignored.
            guard !sawHeader else { return }
            guard let clock = cursor.readLittleEndianInt64(), let unix = cursor.readLittleEndianInt64(),
                  let processID = cursor.readLittleEndianUInt32()
            else { return noteUndecodable() }
            builder.metadata.clockAtStart = clock
            builder.metadata.unixNanosecondsAtClock = unix
            builder.metadata.processID = processID
            builder.metadata.processName = cursor.readString() ?? ""
            sawHeader = true
        case .strings:
            decodeStrings(&cursor)
        case .thread:
            guard let writer = cursor.readVarint(), let threadID = cursor.readVarint(), let flags = cursor.readByte(),
                  let name = cursor.readString(), writer <= UInt64(UInt32.max)
            else { return noteUndecodable() }
            threadOfWriter[UInt32(writer)] = builder.thread(id: threadID, name: name, isExecutor: flags & 1 != 0)
        case .tasks:
            guard let count = cursor.readVarint(), count <= UInt64(cursor.remaining) else { return noteUndecodable() }
            var taskID: UInt64 = 0
            for _ in 0..<count {
                guard let delta = cursor.readSignedVarint(), let name = cursor.readVarint(), let parent = cursor.readVarint()
                else { return noteUndecodable() }
                taskID = taskID &+ UInt64(bitPattern: delta)
                let index = taskIndex(ofID: taskID)
                if name != 0 { builder.setName(ofTask: index, toString: string(name)) }
                if parent != 0 && parent != taskID { builder.setParent(ofTask: index, to: taskIndex(ofID: parent)) }
            }
        case .jobCapture:
            guard let flags = cursor.readByte(), let width = cursor.readVarint(), let note = cursor.readString()
            else { return noteUndecodable() }
            builder.metadata.jobCapture = JobCapture(
                isCapturing: flags & 1 != 0, width: Int(min(width, 1 << 20)), note: note)
        case .images:
            decodeImages(&cursor)
        case .stacks:
            decodeStacks(&cursor)
        case .symbols:
            decodeSymbols(&cursor)
        case .watchdog:
            decodeWatchdog(&cursor)
        case .dropped:
            guard cursor.readVarint() != nil, let count = cursor.readVarint(), let time = cursor.readSignedVarint()
            else { return noteUndecodable() }
            builder.metadata.droppedEvents &+= count
            latestTime = max(latestTime, time)
        case .events:
            decodeEvents(&cursor)
        case .namedTasks:
            guard let count = cursor.readVarint(), count <= UInt64(cursor.remaining) else { return noteUndecodable() }
            var taskID: UInt64 = 0
            for _ in 0..<count {
                guard let delta = cursor.readSignedVarint(), let name = cursor.readString(), cursor.readVarint() != nil
                else { return noteUndecodable() }
                taskID = taskID &+ UInt64(bitPattern: delta)
                let index = taskIndex(ofID: taskID)
                if !name.isEmpty { builder.setName(ofTask: index, toString: builder.intern(name)) }
            }
        case .window:
            guard let start = cursor.readSignedVarint(), let end = cursor.readSignedVarint(), let reason = cursor.readString()
            else { return noteUndecodable() }
            flightWindow = (start, end, reason)
        case .resource:
            decodeResource(&cursor)
        case .scope:
            decodeScope(&cursor)
        case .footer:
            sawFooter = true
            builder.metadata.finishedCleanly = true
        case nil:
            unknownRecords += 1
        }
    }

    mutating func noteUndecodable() { undecodableChunks += 1 }

    /// The builder string id of file string `id` (unknown ids read as "?").
    @inline(__always)
    mutating func string(_ id: UInt64) -> UInt32 {
        if id < UInt64(fileStrings.count) {
            let string = fileStrings[Int(id)]
            if string != LanesFileDecoder.undefinedString { return string }
        }
        missingStrings += 1
        return builder.intern("?")
    }

    /// Marks a file string id that a lost `strings` record would have defined.
    static let undefinedString = UInt32.max

    mutating func decodeStrings(_ cursor: inout ByteCursor) {
        guard let first = cursor.readVarint(), let count = cursor.readVarint(), first >= 1,
              count <= UInt64(cursor.remaining)
        else { return noteUndecodable() }
        // A record that starts past the next undefined id follows a lost one: the ids between
        // stay undefined (read as "?"), and the damage stays limited to the strings that record
        // held. The gap is bounded by the file's size, so a hostile id cannot make it allocate.
        if first > UInt64(fileStrings.count) {
            let gap = first - UInt64(fileStrings.count)
            guard gap <= UInt64(resynchronisationBudget / 64 + (1 << 16)) else { return noteUndecodable() }
            lostStringIDs += Int(gap)
            fileStrings.append(contentsOf: repeatElement(LanesFileDecoder.undefinedString, count: Int(gap)))
        }
        // `count` is bounded by the record's bytes (each string takes at least one), so
        // reserving for it cannot be made to allocate more than the file justifies.
        builder.strings.reserveCapacity(adding: Int(count))
        let neededFileStrings = fileStrings.count + Int(count)
        if neededFileStrings > fileStrings.capacity { fileStrings.reserveCapacity(max(neededFileStrings, 2 * fileStrings.capacity)) }
        var id = Int(first)
        for _ in 0..<count {
            guard let text = cursor.readString() else { return noteUndecodable() }
            let interned = builder.intern(text)
            // An id is defined once: a later definition of a defined id is ignored; one that
            // fills a gap left by a lost record is taken.
            if id >= fileStrings.count {
                fileStrings.append(interned)
            } else if fileStrings[id] == LanesFileDecoder.undefinedString {
                fileStrings[id] = interned
                lostStringIDs -= 1
            }
            id += 1
        }
    }

    // MARK: Task and span id maps

    /// The builder index of task `id`, adding it on first sight. Small ids use a dense table
    /// (grown only as far as the tasks read justify), others the builder's dictionary.
    @inline(__always)
    mutating func taskIndex(ofID id: UInt64) -> Int32 {
        if id < UInt64(denseTaskIndex.count), denseTaskIndex[Int(id)] != 0 { return denseTaskIndex[Int(id)] - 1 }
        if !sparseTaskIndex.isEmpty, let index = sparseTaskIndex[id] { return index }
        let index = builder.addNewTask(id: id)
        let limit = UInt64(max(1 << 16, 4 * (Int(index) + 1)))
        if id >= limit {
            sparseTaskIndex[id] = index
            return index
        }
        if id < limit {
            if id >= UInt64(denseTaskIndex.count) {
                var newCount = max(1024, denseTaskIndex.count * 2)
                while UInt64(newCount) <= id { newCount *= 2 }
                denseTaskIndex.append(contentsOf: repeatElement(0, count: min(newCount, Int(limit)) - denseTaskIndex.count))
            }
            denseTaskIndex[Int(id)] = index + 1
        }
        return index
    }

    @inline(__always)
    func spanIndex(ofID id: UInt64) -> Int32? {
        if id < UInt64(denseSpanIndex.count) {
            let stored = denseSpanIndex[Int(id)]
            return stored == 0 ? nil : stored - 1
        }
        return sparseSpanIndex[id]
    }

    @inline(__always)
    mutating func remember(id: UInt64, index: Int32) {
        // The dense table grows only as far as the spans actually read justify, so a hostile
        // id cannot make it allocate.
        let limit = UInt64(max(1 << 16, 4 * (builder.spanCount + 1)))
        if id < limit {
            if id >= UInt64(denseSpanIndex.count) {
                var newCount = max(1024, denseSpanIndex.count * 2)
                while UInt64(newCount) <= id { newCount *= 2 }
                denseSpanIndex.grow(to: min(newCount, Int(limit)))
            }
            denseSpanIndex[Int(id)] = index + 1
        } else {
            sparseSpanIndex[id] = index
        }
    }

    /// What `finish()` found lost, by kind (non-zero counts only), in the order
    /// `Traces/FORMAT.md` §8 lists them.
    var losses: [(kind: String, count: Int)] {
        let all: [(String, Int)] = [
            ("damaged-records", damagedRecords), ("cut-off-at", truncatedAt >= 0 ? truncatedAt : 0),
            ("lost-events", lostEventsKnown ? lostEvents : -1), ("undecodable", undecodableChunks),
            ("unknown-records", unknownRecords), ("undecodable-extensions", undecodableExtensions + telemetry.undecodable),
            ("missing-strings", missingStrings), ("unresolved-ends", pendingEnds.count), ("orphans", parentsLost),
            ("missing-stacks", missingStacks), ("unknown-scopes", telemetry.unknownScopes),
        ]
        return all.filter { $0.1 != 0 }.map { (kind: $0.0, count: $0.1) }
    }

    /// Resolves parents, closes open spans and builds the trace with its warnings.
    mutating func finish() -> (trace: Trace, warnings: [TraceReadWarning]) {
        // Settle inherited tasks; a parent may itself inherit, so repeat while anything changes
        // (each pass settles at least one more level; bounded by the list length).
        var unsettled = spansInheritingTask
        var passes = 0
        while !unsettled.isEmpty, passes < 64 {
            passes += 1
            var stillUnsettled: [(span: Int32, parentID: UInt64)] = []
            let unsettledSpans = Set(unsettled.map(\.span))
            for entry in unsettled {
                guard let parent = spanIndex(ofID: entry.parentID) else { continue }
                if unsettledSpans.contains(parent) {
                    stillUnsettled.append(entry)
                } else {
                    builder.setTask(of: entry.span, to: builder.task(ofSpan: parent))
                }
            }
            if stillUnsettled.count == unsettled.count { break }
            unsettled = stillUnsettled
        }
        // A task without a recorded parent was started by whichever task enqueued its first job.
        for (task, first) in earliestEnqueue.enumerated() where first.time != .max && first.enqueuer != 0 {
            let task = Int32(task)
            guard builder.parent(ofTask: task) < 0 else { continue }
            let creator = taskIndex(ofID: first.enqueuer)
            if creator != task { builder.setParent(ofTask: task, to: creator) }
        }
        parentsLost = 0
        for entry in unresolvedParents {
            if let parent = spanIndex(ofID: entry.parentID) {
                builder.setParent(of: entry.span, to: parent)
            } else if builder.telemetry(ofSpan: entry.span)?.parentIsRemote != true {
                // A parent OpenTelemetry says is remote may never have been sent (lanes collect).
                parentsLost += 1
            }
        }
        var openSpans = 0
        let closingTime = latestTime == .min ? 0 : latestTime
        let spanCount = builder.spanCount
        for word in 0..<((spanCount + 63) >> 6) where ended[word] != .max {
            // A word with a clear bit holds an open span (or lies past the last span).
            for index in (word << 6)..<min(spanCount, (word + 1) << 6) where ended[word] & (1 << UInt64(index & 63)) == 0 {
                openSpans += 1
                builder.endSpan(Int32(index), at: closingTime, status: .unfinished)
            }
        }
        var warnings: [TraceReadWarning] = []
        if damagedRecords > 0 {
            let lost = lostEventsKnown ? "\(groupedCount(lostEvents)) events lost" : "an unknown number of events lost"
            warnings.append(TraceReadWarning("\(damagedRecords) \(damagedRecords == 1 ? "record" : "records") damaged at byte \(groupedCount(firstDamageOffset)), \(lost)"))
        }
        if truncatedAt >= 0 {
            let lost = lostEvents > 0 && damagedRecords == 0 ? ", \(groupedCount(lostEvents)) events lost" : ""
            warnings.append(TraceReadWarning("cut off at byte \(groupedCount(truncatedAt)): the last record is incomplete\(lost)"))
        }
        if undecodableChunks > 0 {
            warnings.append(TraceReadWarning("\(undecodableChunks) records could not be fully decoded (written by a newer lanes?)"))
        }
        if unknownRecords > 0 {
            warnings.append(TraceReadWarning("skipped \(unknownRecords) records of unknown types (written by a newer lanes?)"))
        }
        if !sawFooter {
            let open = openSpans > 0 ? "; \(groupedCount(openSpans)) spans still open were closed at the last timestamp" : ""
            warnings.append(TraceReadWarning("the recording did not finish (no footer)\(open)"))
        } else if openSpans > 0 {
            warnings.append(TraceReadWarning("\(groupedCount(openSpans)) spans never ended; closed at the last timestamp"))
        }
        if !pendingEnds.isEmpty {
            warnings.append(TraceReadWarning("\(groupedCount(pendingEnds.count)) span ends refer to spans whose begin was lost"))
        }
        if parentsLost > 0 {
            warnings.append(TraceReadWarning("\(groupedCount(parentsLost)) spans lost their parent and are shown as roots"))
        }
        if missingStacks > 0 {
            warnings.append(TraceReadWarning("\(groupedCount(missingStacks)) samples refer to stacks that were not recorded"))
        }
        if undecodableExtensions > 0 {
            warnings.append(TraceReadWarning("\(groupedCount(undecodableExtensions)) extension events could not be decoded and were skipped"))
        }
        if let window = flightWindow {
            builder.metadata.flightWindow = FlightWindowInfo(start: window.start, end: window.end, reason: window.reason)
        }
        if missingStrings > 0 {
            warnings.append(TraceReadWarning("\(groupedCount(missingStrings)) references to undefined strings read as \"?\""))
        }
        if builder.metadata.droppedEvents > 0 {
            warnings.append(TraceReadWarning("the recorder dropped \(groupedCount(Int(clamping: builder.metadata.droppedEvents))) events (its buffers were full)"))
        }
        warnings.append(contentsOf: telemetry.warnings())
        if !sawHeader {
            warnings.append(TraceReadWarning("the header record is missing or damaged: process name and wall-clock time unknown"))
        }
        return (builder.build(), warnings)
    }
}
