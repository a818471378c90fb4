import Foundation
import Testing
@testable import LanesFormat
import LanesWriter
import LanesModel

/// The watchdog's records and events (`Traces/FORMAT.md` §4.12–4.16): round trips, damage and
/// hostile counts, and symbols appended to a finished or cut-off file.
@Suite("Watchdog records in .lanes files")
struct SamplingRecordTests {
    /// A trace with slices, samples (with and without stacks, every flag), images (with and
    /// without build ids), symbols with inlined frames, and watchdog settings.
    static func sampledTrace(seed: UInt64, samples sampleCount: Int = 300, symbolicated: Bool = true) -> Trace {
        var random = SplitMix64(seed: seed)
        var metadata = TraceMetadata(processName: "sampled", processID: 42, clockAtStart: 1_000, sourceFormat: "lanes")
        metadata.watchdog = WatchdogSettings(
            isOn: true, firstSampleNanoseconds: 10_000_000, intervalNanoseconds: 5_000_000, signal: 61, note: "")
        var builder = TraceBuilder(metadata: metadata)
        let threads = (0..<3).map { builder.thread(id: UInt64(10 + $0), name: "lanes-global-\($0)", isExecutor: true) }
        let tasks = (0..<4).map { builder.task(id: UInt64(100 + $0)) }
        builder.addImage(LoadedImage(
            path: "/app/.build/debug/app", base: 0x5555_0000_0000, textStart: 0x5555_0000_1000, textEnd: 0x5555_0010_0000,
            buildID: [], fileSize: 123_456, fileModifiedNanoseconds: 1_700_000_000_123_456_789))
        builder.addImage(LoadedImage(
            path: "/lib/x86_64-linux-gnu/libc.so.6", base: 0x7F00_0000_0000, textStart: 0x7F00_0002_8000,
            textEnd: 0x7F00_001A_0000, buildID: Array(0..<20)))
        builder.addImage(LoadedImage(path: "linux-vdso.so.1", base: 0x7FFF_F000_0000, textStart: 0x7FFF_F000_0000,
                                     textEnd: 0x7FFF_F000_1000, buildID: [1, 2, 3, 4]))
        var stacks: [Int32] = []
        for _ in 0..<20 {
            let depth = Int.random(in: 1...30, using: &random)
            let frames = (0..<depth).map { _ in
                Bool.random(using: &random)
                    ? 0x5555_0000_1000 + UInt64.random(in: 1...0xF_0000, using: &random)
                    : 0x7F00_0002_8000 + UInt64.random(in: 1...0x17_0000, using: &random)
            }
            stacks.append(builder.addStack(sampledFrames: frames))
        }
        var time: Int64 = 2_000_000
        for index in 0..<sampleCount {
            time += Int64.random(in: 1...5_000_000, using: &random)
            let flags = SampleFlags(rawValue: UInt8.random(in: 0...255, using: &random))
            builder.addSample(ThreadSample(
                time: time, jobStarted: time - Int64.random(in: 0...1_000_000_000, using: &random),
                thread: threads.randomElement(using: &random)!, task: index % 7 == 0 ? -1 : tasks.randomElement(using: &random)!,
                state: Array("RSDT".utf8).randomElement(using: &random)!, flags: flags,
                cpuNanoseconds: Int64.random(in: 0...Int64(1) << 40, using: &random),
                runQueueNanoseconds: Int64.random(in: 0...Int64(1) << 40, using: &random),
                stack: index % 5 == 0 ? -1 : stacks.randomElement(using: &random)!))
        }
        builder.addSlice(task: tasks[0], thread: threads[0], enqueued: 1_000, started: 2_000, ended: time)
        var trace = builder.build()
        if symbolicated {
            var locationStart: [Int32] = [0]
            var locations: [SymbolLocation] = []
            for address in trace.sampling.stacks.addresses.indices {
                if address % 4 != 3 {
                    for depth in 0...(address % 3) {
                        locations.append(SymbolLocation(
                            function: "static F\(address % 11).f\(depth)()", file: depth == 2 ? "" : "/app/Sources/App/F\(address % 5).swift",
                            line: (address * 7 + depth) % 300, isAppCode: address % 2 == 0))
                    }
                }
                locationStart.append(Int32(locations.count))
            }
            trace.sampling.symbols = FrameSymbols(locationStart: locationStart, locations: locations, notes: ["/lib/libx.so is gone: its frames are not symbolicated"])
        }
        return trace
    }

    @Test("samples, stacks, images, symbols and settings round-trip", arguments: 0..<12)
    func roundTrip(seed: Int) throws {
        let original = Self.sampledTrace(seed: UInt64(seed))
        let (decoded, warnings) = try LanesFileReader.read(bytes: LanesTraceWriter.encode(original), path: "sampled.lanes")
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(decoded.sampling == original.sampling)
        #expect(decoded == original)
        #expect(decoded.metadata.watchdog == original.metadata.watchdog)
        #expect(decoded.sampling.samples.count == 300)
        // Sorted by (thread, time).
        #expect(zip(decoded.sampling.samples, decoded.sampling.samples.dropFirst()).allSatisfy { ($0.thread, $0.time) <= ($1.thread, $1.time) })
    }

    @Test("addresses resolve to their images; a stack's first frame is its PC, the rest return addresses minus one")
    func addressesAndImages() throws {
        var builder = TraceBuilder()
        builder.addImage(LoadedImage(path: "/a", base: 0x1000, textStart: 0x2000, textEnd: 0x3000, buildID: []))
        builder.addImage(LoadedImage(path: "/b", base: 0x8000, textStart: 0x9000, textEnd: 0xA000, buildID: []))
        let stack = builder.addStack(sampledFrames: [0x2100, 0x9200, 0x5000])
        #expect(builder.addStack(sampledFrames: [0x2100, 0x9200, 0x5000]) == stack)
        let trace = builder.build()
        #expect(trace.sampling.stacks.count == 1)
        #expect(trace.sampling.stacks.addresses == [0x2100, 0x91FF, 0x4FFF])
        #expect(trace.sampling.stacks.addressImage == [0, 1, -1])
    }

    @Test("a sample leaves the chunk's time alone: events after it decode as if it were not there")
    func sampleKeepsTime() throws {
        var bytes = RecordFraming.preamble(processName: "", processID: 0, clockAtStart: 0, unixNanosecondsAtClock: 0)
        var encoder = LanesChunkEncoder(writerID: 1, sequence: 0, baseTime: 100)
        encoder.begin(span: 1, parent: 0, kind: .sync, name: 0, task: 5, onExecutor: true, time: 100)
        encoder.sample(thread: 7, task: 5, time: 5_000, jobStarted: 90, state: UInt8(ascii: "S"), flags: 2,
                       cpuNanoseconds: 10, runQueueNanoseconds: 20, stack: 0)
        encoder.end(span: 1, time: 200)
        bytes.append(contentsOf: encoder.encodedRecord())
        let (trace, _) = try LanesFileReader.read(bytes: bytes, path: "time.lanes")
        #expect(trace.spanCount == 1)
        #expect(trace.spanBegin[0] == 100)
        #expect(trace.spanEnd[0] == 200)
        #expect(trace.sampling.samples.count == 1)
        #expect(trace.sampling.samples[0].time == 5_000)
        #expect(trace.sampling.samples[0].jobStarted == 90)
        #expect(trace.sampling.samples[0].stateLetter == "S")
        #expect(trace.sampling.samples[0].stack == -1)
    }

    @Test("hostile counts in stacks, images and symbols records allocate nothing big and are reported")
    func hostileCounts() throws {
        var bytes = LanesFileLayout.magic
        bytes.appendLittleEndian(LanesFileLayout.version)
        var stacks: [UInt8] = []
        stacks.appendVarint(1)
        stacks.appendVarint(1_000_000_000)  // a billion stacks in a few bytes
        stacks.append(contentsOf: [2, 2, 2])
        bytes.append(contentsOf: RecordFraming.record(type: LanesRecordType.stacks.rawValue, payload: stacks))
        var deep: [UInt8] = []
        deep.appendVarint(1)
        deep.appendVarint(1)
        deep.appendVarint(5_000)  // more frames than any stack may have
        deep.append(contentsOf: repeatElement(2, count: 5_000))
        bytes.append(contentsOf: RecordFraming.record(type: LanesRecordType.stacks.rawValue, payload: deep))
        var images: [UInt8] = []
        images.appendVarint(3)
        images.appendVarint(0x1000)
        images.appendVarint(0x2000)
        images.appendVarint(0x3000)
        images.appendVarint(1_000_000)  // a build id longer than any
        bytes.append(contentsOf: RecordFraming.record(type: LanesRecordType.images.rawValue, payload: images))
        var symbols: [UInt8] = []
        symbols.appendVarint(UInt64.max)
        bytes.append(contentsOf: RecordFraming.record(type: LanesRecordType.symbols.rawValue, payload: symbols))
        // A sample naming a stack no record defined.
        var encoder = LanesChunkEncoder(writerID: 1, sequence: 0, baseTime: 0)
        encoder.sample(thread: 1, task: 0, time: 10, jobStarted: 0, state: UInt8(ascii: "R"), flags: 1,
                       cpuNanoseconds: 5, runQueueNanoseconds: 0, stack: 77)
        bytes.append(contentsOf: encoder.encodedRecord())
        let (trace, warnings) = try LanesFileReader.read(bytes: bytes, path: "hostile.lanes")
        #expect(trace.sampling.stacks.count == 0)
        #expect(trace.sampling.images.isEmpty)
        #expect(trace.sampling.samples.count == 1)
        #expect(trace.sampling.samples.first?.stack == -1)
        #expect(warnings.contains { $0.message.contains("could not be fully decoded") })
        #expect(warnings.contains { $0.message.contains("1 samples refer to stacks that were not recorded") })
    }

    @Test("every prefix of a sampled file reads without crashing")
    func everyPrefix() throws {
        let bytes = LanesTraceWriter.encode(Self.sampledTrace(seed: 3, samples: 40))
        for length in stride(from: 0, through: bytes.count, by: 7) {
            _ = try? LanesFileReader.read(bytes: Array(bytes.prefix(length)), path: "prefix.lanes")
        }
    }

    @Test("symbols appended to a finished file, or to one a crash cut off, are read back")
    func appendSymbols() throws {
        let symbolicated = Self.sampledTrace(seed: 5, samples: 50)
        var bare = symbolicated
        bare.sampling.symbols = nil
        let whole = LanesTraceWriter.encode(bare)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-append-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for cut in [0, 5] {
            let path = directory.appendingPathComponent("cut-\(cut).lanes").path
            let bytes = Array(whole.dropLast(cut))
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let removed = try LanesFileAppender.appendSymbols(of: symbolicated.sampling, toFileAt: path, bytes: bytes)
            let (read, warnings) = try LanesFileReader.read(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))), path: path)
            #expect(read.sampling.symbols == symbolicated.sampling.symbols)
            #expect(!warnings.contains { $0.message.contains("damaged") }, "\(warnings)")
            if cut == 0 {
                #expect(removed == 0)
                #expect(warnings.isEmpty, "\(warnings)")
                #expect(read.metadata.finishedCleanly)
            } else {
                // The cut footer is gone; everything before it is intact.
                #expect(removed > 0)
                #expect(read.sampling.samples == symbolicated.sampling.samples)
                #expect(warnings.contains { $0.message.contains("did not finish") })
            }
        }
    }

    @Test("a sample costs 48 bytes in memory; stacks are stored once however many samples share them")
    func memory() {
        #expect(MemoryLayout<ThreadSample>.stride == 48)
        let small = Self.sampledTrace(seed: 9, samples: 1_000, symbolicated: false)
        let large = Self.sampledTrace(seed: 9, samples: 100_000, symbolicated: false)
        let perSample = Double(large.sampling.memoryFootprint - small.sampling.memoryFootprint) / 99_000
        #expect(perSample <= 52, "\(perSample) bytes per sample")
    }
}
