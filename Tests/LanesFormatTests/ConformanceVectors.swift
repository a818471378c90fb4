import LanesModel
import LanesWriter

/// The conformance vectors of `Traces/FORMAT.md` §8, built with the real writer (record framing
/// and chunk encoder) where the format allows, and byte by byte where a vector needs what no
/// writer writes (unknown records and opcodes, damage). `ConformanceTests` checks that these
/// bytes equal the committed files, so a change to the writer that alters the format fails.
enum ConformanceVectors {
    /// A file under construction: the preamble and header, then records.
    struct File {
        var bytes = RecordFraming.preamble(
            processName: "vector", processID: 7, clockAtStart: 1_000, unixNanosecondsAtClock: 1_700_000_000_000_000_000)
        var chunkOffsets: [Int] = []

        mutating func record(_ type: UInt8, _ payload: [UInt8]) {
            bytes += RecordFraming.record(type: type, payload: payload)
        }

        mutating func strings(first: Int, _ strings: [String]) {
            bytes += RecordFraming.strings(firstID: first, strings[...])
        }

        mutating func thread(writer: UInt32, id: UInt64, name: String, executor: Bool) {
            bytes += RecordFraming.thread(writerID: writer, threadID: id, name: name, isExecutor: executor)
        }

        mutating func tasks(_ tasks: [(id: UInt64, name: UInt32, parent: UInt64)]) {
            bytes += RecordFraming.tasks(tasks)
        }

        /// A chunk encoded by the real encoder.
        mutating func chunk(writer: UInt32, sequence: UInt64 = 0, base: Int64, _ events: (inout LanesChunkEncoder) -> Void) {
            var encoder = LanesChunkEncoder(writerID: writer, sequence: sequence, baseTime: base)
            events(&encoder)
            chunkOffsets.append(bytes.count)
            encoder.chunk().appendFramedRecord(to: &bytes)
        }

        /// A chunk whose events are given as bytes.
        mutating func rawChunk(writer: UInt32, base: Int64, firstSpan: UInt64, declaredEvents: UInt64, _ events: [UInt8]) {
            var payload: [UInt8] = []
            payload.appendVarint(UInt64(writer))
            payload.appendVarint(0)
            payload.appendSignedVarint(base)
            payload.appendVarint(firstSpan)
            payload.appendVarint(declaredEvents)
            chunkOffsets.append(bytes.count)
            record(LanesRecordType.events.rawValue, payload + events)
        }

        mutating func footer(end: Int64) {
            bytes += RecordFraming.footer(chunkOffsets: chunkOffsets, endTime: end)
        }
    }

    /// Every vector, by name.
    static let all: [(name: String, bytes: [UInt8])] = [
        ("minimal", minimal()), ("every-event", everyEvent()), ("cross-chunk", crossChunk()),
        ("inline-strings", inlineStrings()), ("flight-window", flightWindow()), ("extensions", extensions()),
        ("rules", rules()), ("damaged-checksum", damagedChecksum()), ("cut-off", cutOff()),
        ("reserved-opcode", reservedOpcode()), ("strings-lost", stringsLost()), ("no-footer", noFooter()),
        ("job-capture", jobCapture()), ("watchdog", watchdog()), ("otlp-facts", openTelemetryFacts()),
    ]

    /// Only the preamble, the header and an empty footer.
    static func minimal() -> [UInt8] {
        var file = File()
        file.footer(end: 1_000)
        return file.bytes
    }

    /// Every core record and event opcode, each kind, both begin bits.
    static func everyEvent() -> [UInt8] {
        var file = File()
        file.strings(first: 1, ["request", "load", "parse", "fan", "pool", "bridge", "wait", "tick", "error text", "key", "value", "alice"])
        file.thread(writer: 1, id: 1, name: "lanes-executor-1", executor: true)
        file.thread(writer: 2, id: 2, name: "lanes-blocking-1", executor: false)
        file.tasks([(5, 12, 0), (6, 0, 5)])
        file.chunk(writer: 1, base: 2_000) { encoder in
            encoder.begin(span: 1, parent: 0, kind: .handler, name: 1, task: 5, onExecutor: false, time: 2_000)
            encoder.attribute(span: 1, key: 10, value: 11)
            encoder.begin(span: 2, parent: 1, kind: .async, name: 2, task: 5, onExecutor: false, time: 2_010)
            encoder.begin(span: 3, parent: 2, kind: .sync, name: 3, task: 5, onExecutor: true, time: 2_020)
            encoder.end(span: 3, time: 2_050, cpuNanoseconds: 25)
            encoder.begin(span: 4, parent: 1, kind: .gather, name: 4, task: 6, onExecutor: false, time: 2_060)
            encoder.instant(span: 5, parent: 4, name: 8, task: 6, time: 2_061)
            encoder.end(span: 4, time: 2_070, errorMessage: 9)
            encoder.end(span: 2, time: 2_080)
            encoder.begin(span: 9, parent: 1, kind: .runSync, name: 6, task: 5, onExecutor: true, time: 2_090)
            encoder.setFlags(span: 9, flags: .instant)
            encoder.end(span: 9, time: 2_095, status: .error, cpuNanoseconds: 4)
            encoder.job(task: 5, enqueued: 1_990, started: 2_000, ended: 2_085)
            encoder.end(span: 1, time: 2_100, status: .ok, cpuNanoseconds: nil)
        }
        file.chunk(writer: 2, base: 2_030) { encoder in
            encoder.begin(span: 6, parent: 1, kind: .poolWait, name: 7, task: 5, onExecutor: false, time: 2_030)
            encoder.end(span: 6, time: 2_031)
            encoder.begin(span: 7, parent: 1, kind: .makeAsync, name: 5, task: 5, onExecutor: false, time: 2_031)
            encoder.begin(span: 8, parent: 7, kind: .unknown, name: 0, task: 0, onExecutor: false, time: 2_032)
            encoder.end(span: 8, time: 2_033, status: .unfinished, cpuNanoseconds: 0)
            encoder.end(span: 7, time: 2_040, cpuNanoseconds: 9)
        }
        file.record(LanesRecordType.dropped.rawValue, [2, 3, 0xD0, 0x20])  // writer 2, 3 events, time 2,088
        file.footer(end: 2_100)
        return file.bytes
    }

    /// Job capture (§4.10, §4.11): the capture record, jobs with each enqueuer code, a task whose
    /// parent is its first job's enqueuer, one whose `tasks` record names another parent, and a job
    /// payload with a field a later writer added.
    static func jobCapture() -> [UInt8] {
        var file = File()
        file.bytes += RecordFraming.jobCapture(JobCapture(isCapturing: true, width: 2, note: ""))
        file.strings(first: 1, ["worker"])
        file.thread(writer: 1, id: 1, name: "lanes-global-1", executor: true)
        file.tasks([(12, 1, 0), (13, 0, 10)])
        file.chunk(writer: 1, base: 5_000) { encoder in
            encoder.job(task: 10, enqueuer: 0, enqueued: 4_990, started: 5_000, ended: 5_010)  // code 0: none
            encoder.job(task: 11, enqueuer: 10, enqueued: 5_005, started: 5_010, ended: 5_020)  // created by 10
            encoder.job(task: 11, enqueuer: 11, enqueued: 5_025, started: 5_030, ended: 5_040)  // code 1: itself
            encoder.job(task: 12, enqueuer: 11, enqueued: 5_030, started: 5_040, ended: 5_045)  // created by 11
            encoder.job(task: 12, enqueuer: 99, enqueued: 5_050, started: 5_050, ended: 5_060)  // resumed by 99: not its parent
            encoder.job(task: 13, enqueuer: 12, enqueued: 5_060, started: 5_060, ended: 5_070)  // its tasks record says 10
        }
        // A job payload with one more field than §4.11 lists: read up to the fields known.
        file.rawChunk(writer: 1, base: 5_100, firstSpan: 0, declaredEvents: 1, [0x81, 6, 14, 0, 3, 4, 1, 0x2A])
        file.footer(end: 5_110)
        return file.bytes
    }

    /// Begins, ends, attributes and parents spread over chunks of two writers, in both orders.
    static func crossChunk() -> [UInt8] {
        var file = File()
        file.strings(first: 1, ["outer", "inner", "late key", "late value"])
        file.thread(writer: 1, id: 1, name: "lanes-executor-1", executor: true)
        file.thread(writer: 2, id: 2, name: "lanes-executor-2", executor: true)
        // Writer 2 flushed first: the end and an attribute of span 1, and a child of span 1 that
        // takes its task, all before span 1's begin is read.
        file.chunk(writer: 2, base: 3_050) { encoder in
            encoder.begin(span: 1025, parent: 1, kind: .async, name: 2, task: 9, onExecutor: false, time: 3_050)
            encoder.end(span: 1025, time: 3_060)
            encoder.attribute(span: 1, key: 3, value: 4)
            encoder.end(span: 1, time: 3_100)
        }
        file.chunk(writer: 1, base: 3_000) { encoder in
            encoder.begin(span: 1, parent: 0, kind: .handler, name: 1, task: 9, onExecutor: false, time: 3_000)
        }
        file.footer(end: 3_100)
        return file.bytes
    }

    /// Strings the writer did not intern: `A0`, `A1`, `named tasks`, and an error message inline.
    static func inlineStrings() -> [UInt8] {
        var file = File()
        file.strings(first: 1, ["request"])
        file.thread(writer: 1, id: 1, name: "main", executor: false)
        file.bytes += RecordFraming.namedTasks([(id: 3, name: "task named inline", parent: 0)])
        file.chunk(writer: 1, base: 4_000) { encoder in
            encoder.begin(span: 1, parent: 0, kind: .handler, name: 1, task: 3, onExecutor: false, time: 4_000)
            encoder.attribute(span: 1, inlineKey: "label", inlineValue: "request-8f14e45f")
            encoder.begin(span: 2, parent: 1, kind: .async, name: 0, task: 3, onExecutor: false, time: 4_010)
            encoder.name(span: 2, inline: "GET /users/8f14e45f")
            encoder.attribute(span: 2, inlineKey: "error", inlineValue: "not found: \"8f14e45f\"")
            encoder.end(span: 2, time: 4_020, errorMessage: 0)
            encoder.end(span: 1, time: 4_030)
        }
        file.footer(end: 4_030)
        return file.bytes
    }

    /// A flight-recorder dump: a `window` record and the recorder's dropped count.
    static func flightWindow() -> [UInt8] {
        var file = File()
        file.strings(first: 1, ["request"])
        file.thread(writer: 1, id: 4, name: "lanes-executor-1", executor: true)
        file.bytes += RecordFraming.window(start: 5_000, end: 35_000, reason: "rule span request > 500ms")
        file.chunk(writer: 1, base: 20_000) { encoder in
            encoder.begin(span: 4097, parent: 0, kind: .handler, name: 1, task: 2, onExecutor: false, time: 20_000)
            encoder.end(span: 4097, time: 34_000)
        }
        file.bytes += RecordFraming.dropped(writerID: 0, count: 12, time: 35_000)
        file.footer(end: 35_000)
        return file.bytes
    }

    /// What §6 lets old readers skip: unknown records, an unknown extension, an unknown span
    /// kind, unknown flag bits, trailing fields.
    static func extensions() -> [UInt8] {
        var file = File()
        file.record(0x2A, [1, 2, 3])  // job capture's range: unknown here
        file.strings(first: 1, ["new kind", "known"])
        var thread: [UInt8] = [1, 1, 0b0000_1001]  // writer 1, thread 1, executor + a reserved bit
        thread.appendString("lanes-executor-1")
        thread += [0xEE, 0xEE]  // trailing fields
        file.record(LanesRecordType.thread.rawValue, thread)
        var events: [UInt8] = []
        events += [0x40 | 9, 0x00, 1, 0]  // begin, kind 9 (unknown to version 1), name 1, root
        events += [0x8F, 3, 0xAA, 0xBB, 0xCC]  // an extension nobody here knows
        events += [0x0A, 0, 0b1111_0110]  // set flags on span 1: instant plus bits readers ignore
        events += [0x40 | 2, 5, 2, 2]  // begin async, Δ5, name 2, parent = 1
        events += [0x01, 5, 0]  // end span 2
        events += [0x01, 5, 2]  // end span 1
        file.rawChunk(writer: 1, base: 6_000, firstSpan: 1, declaredEvents: 6, events)
        file.record(0x7D, [9, 9])  // an unassigned type
        file.footer(end: 6_010)
        return file.bytes
    }

    /// The rules of §4: a second header, trailing header fields, a redefined string, a thread
    /// described twice, duplicate attribute keys.
    static func rules() -> [UInt8] {
        var file = File()
        var header: [UInt8] = []
        header.appendLittleEndian(Int64(9_999))
        header.appendLittleEndian(Int64(1))
        header.appendLittleEndian(UInt32(99))
        header.appendString("second header")
        file.record(LanesRecordType.header.rawValue, header)
        file.strings(first: 1, ["first", "key", "one", "two"])
        file.strings(first: 1, ["redefined"])  // ignored: id 1 is already defined
        file.thread(writer: 1, id: 3, name: "old name", executor: true)
        file.thread(writer: 1, id: 3, name: "new name", executor: false)
        file.chunk(writer: 1, base: 7_000) { encoder in
            encoder.begin(span: 1, parent: 0, kind: .async, name: 1, task: 1, onExecutor: false, time: 7_000)
            encoder.attribute(span: 1, key: 2, value: 3)
            encoder.attribute(span: 1, key: 2, value: 4)
            encoder.end(span: 1, time: 7_001)
        }
        file.footer(end: 7_001)
        return file.bytes
    }

    /// Three chunks; the middle one's checksum fails: the reader skips it and resynchronises.
    static func damagedChecksum() -> [UInt8] {
        var file = File()
        file.strings(first: 1, ["a", "b", "c"])
        file.thread(writer: 1, id: 1, name: "t", executor: false)
        for (index, name) in [UInt32(1), 2, 3].enumerated() {
            file.chunk(writer: 1, sequence: UInt64(index), base: 8_000 + Int64(index) * 100) { encoder in
                let span = UInt64(index + 1)
                encoder.begin(span: span, parent: 0, kind: .async, name: name, task: 1, onExecutor: false, time: 8_000 + Int64(index) * 100)
                encoder.end(span: span, time: 8_050 + Int64(index) * 100)
            }
        }
        file.footer(end: 8_250)
        // Flip a byte in the second chunk's events.
        let second = file.chunkOffsets[1]
        file.bytes[second + 10 + 6] ^= 0x40
        return file.bytes
    }

    /// A file cut off inside its last chunk (a crash while writing).
    static func cutOff() -> [UInt8] {
        var file = File()
        file.strings(first: 1, ["kept", "cut"])
        file.thread(writer: 1, id: 1, name: "t", executor: false)
        file.chunk(writer: 1, base: 9_000) { encoder in
            encoder.begin(span: 1, parent: 0, kind: .async, name: 1, task: 1, onExecutor: false, time: 9_000)
        }
        file.chunk(writer: 1, sequence: 1, base: 9_100) { encoder in
            encoder.begin(span: 2, parent: 1, kind: .async, name: 2, task: 1, onExecutor: false, time: 9_100)
            encoder.end(span: 2, time: 9_150)
            encoder.end(span: 1, time: 9_200)
        }
        return Array(file.bytes.dropLast(3))
    }

    /// A chunk with a reserved opcode in the middle: the events before it are kept.
    static func reservedOpcode() -> [UInt8] {
        var file = File()
        file.strings(first: 1, ["before", "after"])
        var events: [UInt8] = []
        events += [0x40 | 2, 0, 1, 0]  // begin span 1 "before"
        events += [0x01, 10, 0]  // end it
        events += [0x0B, 1, 2, 3]  // reserved: the rest of the chunk is lost
        events += [0x40 | 2, 0, 2, 0]
        events += [0x01, 10, 0]
        file.rawChunk(writer: 1, base: 10_000, firstSpan: 1, declaredEvents: 4, events)
        file.footer(end: 10_020)
        return file.bytes
    }

    /// Two `strings` records; the first is damaged: only its strings are lost.
    static func stringsLost() -> [UInt8] {
        var file = File()
        file.strings(first: 1, ["lost one", "lost two"])
        let damaged = file.bytes.count - 3
        file.strings(first: 3, ["kept three", "kept four"])
        file.chunk(writer: 1, base: 11_000) { encoder in
            encoder.begin(span: 1, parent: 0, kind: .async, name: 1, task: 1, onExecutor: false, time: 11_000)
            encoder.end(span: 1, time: 11_001)
            encoder.begin(span: 2, parent: 0, kind: .async, name: 3, task: 1, onExecutor: false, time: 11_002)
            encoder.end(span: 2, time: 11_003)
            encoder.begin(span: 3, parent: 0, kind: .async, name: 4, task: 1, onExecutor: false, time: 11_004)
            encoder.end(span: 3, time: 11_005)
        }
        file.footer(end: 11_005)
        file.bytes[damaged] ^= 0xFF
        return file.bytes
    }

    /// No footer: spans still open are closed at the latest time, unfinished.
    static func noFooter() -> [UInt8] {
        var file = File()
        file.strings(first: 1, ["open", "closed"])
        file.chunk(writer: 1, base: 12_000) { encoder in
            encoder.begin(span: 1, parent: 0, kind: .handler, name: 1, task: 4, onExecutor: false, time: 12_000)
            encoder.begin(span: 2, parent: 1, kind: .async, name: 2, task: 4, onExecutor: false, time: 12_010)
            encoder.end(span: 2, time: 12_500)
            encoder.job(task: 4, enqueued: 12_400, started: 12_450, ended: 12_900)
        }
        return file.bytes
    }
}
