import Testing
@testable import LanesFormat
import LanesWriter
import LanesModel

@Suite("The .lanes reader under damage")
struct LanesFileDamageTests {
    static let original = RandomTraces.make(seed: 3, spanCount: 120)
    static let bytes = LanesTraceWriter.encode(original)

    /// Span names in begin order per lane are enough to tell a prefix from a reshuffle.
    static func spanKeys(_ trace: Trace) -> Set<String> {
        Set((0..<trace.spanCount).map { "\(trace.name(ofSpan: $0))@\(trace.spanBegin[$0])#\(trace.tasks[Int(trace.spanTask[$0])].id)" })
    }

    static func timeKey(_ trace: Trace, _ span: Int) -> String {
        "\(trace.spanBegin[span])#\(trace.tasks[Int(trace.spanTask[span])].id)#\(trace.spanKind[span])"
    }

    @Test("equality can fail: different traces are unequal")
    func equalityDiscriminates() {
        #expect(RandomTraces.make(seed: 1) != RandomTraces.make(seed: 2))
    }

    @Test("every prefix of a valid file reads without crashing and yields a subset of the spans")
    func everyPrefix() {
        let all = Self.spanKeys(Self.original)
        var previousCount = 0
        for length in 0...Self.bytes.count {
            let prefix = Array(Self.bytes[0..<length])
            guard let (trace, warnings) = try? LanesFileReader.read(bytes: prefix, path: "cut.lanes") else {
                #expect(length < LanesFileLayout.magic.count + 2 + 10, "only a cut inside the header may fail, not at \(length)")
                continue
            }
            #expect(Self.spanKeys(trace).isSubset(of: all), "cut at \(length)")
            #expect(trace.spanCount >= previousCount, "a longer prefix never yields fewer spans (cut at \(length))")
            previousCount = trace.spanCount
            if length < Self.bytes.count {
                #expect(!warnings.isEmpty, "a cut file must say so (cut at \(length))")
            }
        }
        #expect(previousCount == Self.original.spanCount)
    }

    @Test("a flipped byte is detected by the checksum and costs at most its own record", arguments: 0..<40)
    func byteFlips(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed) &* 7919)
        var damaged = Self.bytes
        let position = Int.random(in: (LanesFileLayout.magic.count + 2)..<damaged.count, using: &random)
        damaged[position] ^= UInt8.random(in: 1...255, using: &random)
        let (trace, warnings) = try LanesFileReader.read(bytes: damaged, path: "flipped.lanes")
        #expect(!warnings.isEmpty, "flip at \(position) must be reported")
        // A flip in a strings record loses names (read as "?"), never invents spans.
        let originalNames = Dictionary(
            (0..<Self.original.spanCount).map { (Self.timeKey(Self.original, $0), Self.original.name(ofSpan: $0)) },
            uniquingKeysWith: { first, _ in first })
        for span in 0..<trace.spanCount {
            let name = originalNames[Self.timeKey(trace, span)]
            #expect(name != nil, "flip at \(position) invented a span")
            #expect(trace.name(ofSpan: span) == name || trace.name(ofSpan: span) == "?", "flip at \(position)")
        }
    }

    @Test("damage in the middle loses one chunk, not the rest of the file")
    func resynchronisesAfterDamage() throws {
        let original = RandomTraces.make(seed: 5, spanCount: 30_000)
        var bytes = LanesTraceWriter.encode(original)
        let middle = bytes.count / 2
        for offset in middle..<(middle + 16) { bytes[offset] = 0 }
        let (trace, warnings) = try LanesFileReader.read(bytes: bytes, path: "hole.lanes")
        #expect(warnings.first?.message.contains("damaged at byte") == true, "\(warnings)")
        #expect(warnings.first?.message.contains("events lost") == true, "\(warnings)")
        #expect(trace.spanCount > original.spanCount * 3 / 4, "\(trace.spanCount) of \(original.spanCount)")
        #expect(trace.spanCount < original.spanCount)
    }

    @Test("spans left open are closed at the last timestamp and marked unfinished")
    func openSpansAreClosed() throws {
        var encoder = LanesChunkEncoder(writerID: 1, sequence: 0, baseTime: 1_000)
        encoder.begin(span: 1, parent: 0, kind: .handler, name: 0, task: 1, onExecutor: false, time: 1_000)
        encoder.begin(span: 2, parent: 1, kind: .sync, name: 0, task: 1, onExecutor: true, time: 2_000)
        encoder.end(span: 2, time: 5_000, cpuNanoseconds: 10)
        var bytes = LanesFileLayout.magic
        bytes.appendLittleEndian(LanesFileLayout.version)
        bytes.append(contentsOf: encoder.encodedRecord())
        let (trace, warnings) = try LanesFileReader.read(bytes: bytes, path: "killed.lanes")
        #expect(trace.spanCount == 2)
        let handler = try #require((0..<2).first { trace.spanKind[$0] == .handler })
        #expect(trace.spanStatus[handler] == .unfinished)
        #expect(trace.spanEnd[handler] == 5_000)
        #expect(trace.cpuNanoseconds(ofSpan: 1 - handler) == 10)
        #expect(warnings.contains { $0.message.contains("did not finish") && $0.message.contains("1 spans still open") })
    }

    @Test("an end written before its begin (another thread flushed first) still closes the span")
    func endBeforeBegin() throws {
        var first = LanesChunkEncoder(writerID: 2, sequence: 0, baseTime: 9_000)
        first.end(span: 1, time: 9_000)
        var second = LanesChunkEncoder(writerID: 1, sequence: 0, baseTime: 1_000)
        second.begin(span: 1, parent: 0, kind: .async, name: 0, task: 1, onExecutor: false, time: 1_000)
        var bytes = LanesFileLayout.magic
        bytes.appendLittleEndian(LanesFileLayout.version)
        bytes.append(contentsOf: first.encodedRecord())
        bytes.append(contentsOf: second.encodedRecord())
        let (trace, _) = try LanesFileReader.read(bytes: bytes, path: "crossed.lanes")
        #expect(trace.spanCount == 1)
        #expect(trace.spanEnd[0] == 9_000)
        #expect(trace.spanStatus[0] == .ok)
    }

    @Test("hostile sizes: a record claiming huge lengths or a billion strings allocates nothing big")
    func hostileCounts() throws {
        var bytes = LanesFileLayout.magic
        bytes.appendLittleEndian(LanesFileLayout.version)
        var payload: [UInt8] = []
        payload.appendVarint(1)
        payload.appendVarint(1_000_000_000)  // a billion strings, in a 12-byte record
        payload.append(contentsOf: [3, 0x61, 0x62, 0x63])
        bytes.append(contentsOf: RecordFraming.record(type: LanesRecordType.strings.rawValue, payload: payload))
        // A record header declaring 4 GiB.
        bytes.append(contentsOf: [LanesFileLayout.recordMarker, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
        var encoder = LanesChunkEncoder(writerID: 1, sequence: 0, baseTime: 0)
        encoder.begin(span: UInt64.max - 3, parent: 0, kind: .sync, name: 1_000_000, task: 1, onExecutor: false, time: 5)
        encoder.end(span: UInt64.max - 3, time: 10)
        bytes.append(contentsOf: encoder.encodedRecord())
        let (trace, warnings) = try LanesFileReader.read(bytes: bytes, path: "hostile.lanes")
        #expect(trace.spanCount == 1)
        #expect(trace.name(ofSpan: 0) == "?")
        #expect(warnings.contains { $0.message.contains("damaged") })
    }

    @Test("bytes that are not a .lanes file are refused in one line", arguments: [
        (Array("hello, this is not a trace".utf8), "not a .lanes file: the Lanes header is missing", TraceFileError.Kind.notATrace),
        // The magic after a text-mode transfer turned CR LF into LF.
        ([0x89, 0x4C, 0x41, 0x4E, 0x45, 0x53, 0x0A, 0x1A, 0x0A, 1, 0, 0, 0, 0], "line endings", .damaged),
        ([0x89, 0x4C, 0x41], "cut off inside the header", .damaged),
    ])
    func notLanes(bytes: [UInt8], expected: String, kind: TraceFileError.Kind) {
        #expect {
            _ = try LanesFileReader.read(bytes: bytes, path: "x.lanes")
        } throws: { error in
            (error as? TraceFileError).map { $0.description.contains(expected) && $0.kind == kind } == true
        }
    }

    @Test("a newer format version is refused with advice")
    func newerVersion() {
        var bytes = LanesTraceWriter.encode(Self.original)
        bytes[LanesFileLayout.magic.count] = 9
        #expect {
            _ = try LanesFileReader.read(bytes: bytes, path: "new.lanes")
        } throws: { error in
            (error as? TraceFileError).map {
                $0.kind == .unsupportedVersion
                    && $0.description == "lanes: new.lanes: format version 9 is not supported: this lanes reads version 1; update lanes (read as .lanes file)"
            } == true
        }
    }

    @Test("unknown record types are skipped by length")
    func unknownRecordsSkipped() throws {
        var bytes = Array(Self.bytes)
        let footerStart = try #require(Self.footerOffset(bytes))
        bytes.insert(contentsOf: RecordFraming.record(type: 0x55, payload: [1, 2, 3, 4, 5]), at: footerStart)
        let (trace, warnings) = try LanesFileReader.read(bytes: bytes, path: "future.lanes")
        #expect(trace == Self.original)
        #expect(warnings.map(\.message) == ["skipped 1 records of unknown types (written by a newer lanes?)"])
    }

    static func footerOffset(_ bytes: [UInt8]) -> Int? {
        var offset = LanesFileLayout.magic.count + 2
        while offset + 10 <= bytes.count {
            let length = Int(bytes[offset + 2]) | Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4]) << 16 | Int(bytes[offset + 5]) << 24
            if bytes[offset + 1] == LanesRecordType.footer.rawValue { return offset }
            offset += 10 + length
        }
        return nil
    }
}

@Suite("Extreme times")
struct ExtremeTimeTests {
    @Test("a span across the whole clock range builds, round-trips and reports a saturated duration")
    func wholeClockRange() throws {
        var builder = TraceBuilder()
        let task = builder.task(id: 1)
        builder.addSpan(name: builder.intern("forever"), kind: .async, begin: .min, end: .max, task: task)
        builder.addSpan(name: builder.intern("moment"), kind: .sync, begin: -5, end: 5, task: task)
        let trace = builder.build()
        let forever = try #require((0..<2).first { trace.name(ofSpan: $0) == "forever" })
        #expect(trace.duration(ofSpan: forever) == .max)
        #expect(trace.spans(inLane: 0, overlapping: -10, 10).count == 2)
        let (decoded, warnings) = try LanesFileReader.read(bytes: LanesTraceWriter.encode(trace), path: "extreme.lanes")
        #expect(warnings.isEmpty)
        #expect(decoded == trace)
    }
}
