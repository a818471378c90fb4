import LanesModel
import LanesWriter

/// The watchdog's vector (`Traces/FORMAT.md` §4.12–4.16): settings, images, stacks, samples and
/// symbols, every field, with the damage and hostile cases those sections define.
extension ConformanceVectors {
    static func watchdog() -> [UInt8] {
        var file = File()
        file.bytes += RecordFraming.watchdog(WatchdogSettings(
            isOn: true, firstSampleNanoseconds: 10_000_000, intervalNanoseconds: 5_000_000, signal: 34,
            note: "threads blocked in the kernel are read from /proc"))
        file.thread(writer: 1, id: 1, name: "lanes-executor-1", executor: true)
        file.thread(writer: 2, id: 2, name: "lanes-watchdog", executor: false)

        let program = LoadedImage(
            path: "/usr/local/bin/app", base: 0x40_0000, textStart: 0x40_1000, textEnd: 0x48_0000,
            buildID: (0..<20).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }, fileSize: 1_234_567,
            fileModifiedNanoseconds: 1_700_000_000_123_456_789)
        let vdso = LoadedImage(
            path: "linux-vdso.so.1", base: 0x7FFF_F7FC_1000, textStart: 0x7FFF_F7FC_1000, textEnd: 0x7FFF_F7FC_2000, buildID: [])
        // A hostile path, a time before 1970, and a text end below the text start (an empty range).
        let odd = LoadedImage(
            path: "/opt/lib/\"odd\"\nname.so", base: 0x7F00_0000_0000, textStart: 0x7F00_0000_1000,
            textEnd: 0x7F00_0000_0800, buildID: [0xAB], fileSize: 42, fileModifiedNanoseconds: -5)
        file.bytes += RecordFraming.images([program, vdso, odd])
        // The program again (same base and path, another size): the first one read stands.
        var again = program
        again.fileSize = 1
        file.bytes += RecordFraming.images([again])
        // One image, then a build id of 65 bytes: damage; the image before it is kept.
        var images: [UInt8] = [2]
        images += imageBytes(base: 0x7F10_0000_0000, textStart: 0x7F10_0000_1000, textEnd: 0x7F10_0000_9000, buildID: [], path: "libkept.so")
        images += imageBytes(base: 0x7F20_0000_0000, textStart: 0x7F20_0000_1000, textEnd: 0x7F20_0000_9000, buildID: Array(repeating: 7, count: 65), path: "libdamaged.so")
        file.record(LanesRecordType.images.rawValue, images)

        // Stacks 1–3 (the third has no frames).
        file.bytes += RecordFraming.stacks(firstID: 1, [[0x40_1234, 0x40_2346, 0x7F00_0000_1A2B], [0x40_1300], []])
        file.chunk(writer: 1, base: 9_000) { encoder in
            encoder.job(task: 3, enqueued: 8_990, started: 9_000, ended: 38_000)
        }
        file.chunk(writer: 2, base: 20_000) { encoder in
            encoder.sample(thread: 1, task: 3, time: 20_000, jobStarted: 9_000, state: UInt8(ascii: "R"), flags: 0x10,
                           cpuNanoseconds: 10_000, runQueueNanoseconds: 500, stack: 0)
            encoder.sample(thread: 1, task: 3, time: 25_000, jobStarted: 9_000, state: UInt8(ascii: "R"), flags: 0x05,
                           cpuNanoseconds: 15_800, runQueueNanoseconds: 700, stack: 1)
            encoder.sample(thread: 1, task: 3, time: 30_000, jobStarted: 9_000, state: UInt8(ascii: "S"), flags: 0x02,
                           cpuNanoseconds: 16_000, runQueueNanoseconds: 700, stack: 3)
            // A thread no `thread` record describes, no task, and a stack no record defined.
            encoder.sample(thread: 7, task: 0, time: 26_000, jobStarted: 24_000, state: UInt8(ascii: "D"), flags: 0xE8,
                           cpuNanoseconds: 0, runQueueNanoseconds: 0, stack: 99)
        }
        // Stack 3 defined again (it applies to the samples after this record), and stack 4.
        file.bytes += RecordFraming.stacks(firstID: 3, [[0x7FFF_F7FC_1100], [0x40_1500, 0x40_2346]])
        // A first id beyond the next undefined one: damage, the whole record is ignored.
        file.bytes += RecordFraming.stacks(firstID: 9, [[0x1]])
        // Stack 5, then one of 1,025 frames: damage; stack 5 is kept.
        var stacks: [UInt8] = [5, 2, 1]
        stacks.appendSignedVarint(0x40_1600)
        stacks.appendVarint(1_025)
        stacks += [UInt8](repeating: 2, count: 1_025)  // each frame one past the previous
        file.record(LanesRecordType.stacks.rawValue, stacks)
        file.chunk(writer: 2, sequence: 1, base: 35_000) { encoder in
            encoder.sample(thread: 1, task: 3, time: 35_000, jobStarted: 9_000, state: UInt8(ascii: "R"), flags: 0x81,
                           cpuNanoseconds: 17_000, runQueueNanoseconds: 4_000, stack: 3)
            encoder.sample(thread: 1, task: 3, time: 36_000, jobStarted: 9_000, state: UInt8(ascii: "R"), flags: 0x01,
                           cpuNanoseconds: 17_900, runQueueNanoseconds: 4_100, stack: 4)
            // A state byte that is not a letter.
            encoder.sample(thread: 1, task: 3, time: 37_000, jobStarted: 9_000, state: 0, flags: 0x01,
                           cpuNanoseconds: 18_800, runQueueNanoseconds: 4_200, stack: 5)
        }
        // A sample with a field a later writer added (ignored), and one cut short after its state
        // (undecodable, skipped by its length; the chunk goes on).
        let added = sampleBytes(thread: 1, task: 3, offset: 0, age: 29_000, state: "R", flags: 0x01, cpu: 19_700, runQueue: 4_300, stack: 4)
        let cut = sampleBytes(thread: 1, task: 3, offset: 1, age: 0, state: "R", flags: 0, cpu: 0, runQueue: 0, stack: 0)
        let last = sampleBytes(thread: 1, task: 3, offset: 2, age: 29_002, state: "S", flags: 0x02, cpu: 19_800, runQueue: 4_300, stack: 0)
        var events = extensionEvent(0x82, added + [0x2A])
        events += extensionEvent(0x82, Array(cut.prefix(5)))
        events += extensionEvent(0x82, last)
        file.rawChunk(writer: 2, base: 38_000, firstSpan: 0, declaredEvents: 3, events)
        file.footer(end: 38_000)

        // Symbols, appended after the footer as `lanes record` does.
        file.bytes += RecordFraming.symbols([
            (0x40_1234, [
                SymbolLocation(function: "Checksum.update(_:)", file: "Sources/App/Checksum.swift", line: 41, isAppCode: true),
                SymbolLocation(function: "Server.handle(_:)", file: "Sources/App/Server.swift", line: 88, isAppCode: true),
            ][...]),
            (0x40_2345, [SymbolLocation(function: "Server.run()", file: "Sources/App/Server.swift", line: 120, isAppCode: true)][...]),
            (0x7F00_0000_1A2A, [SymbolLocation(function: "swift_task_switch", file: "", line: 0, isAppCode: false)][...]),
            // An address no stack holds: nothing to show.
            (0x999_9999, [SymbolLocation(function: "unused()", file: "Unused.swift", line: 1, isAppCode: true)][...]),
        ], notes: ["/usr/local/bin/app: no line information for 1 address"])
        // A second record: the same note again (kept once), another, and a later entry for an
        // address (it replaces the first).
        file.bytes += RecordFraming.symbols([
            (0x7F00_0000_1A2A, [SymbolLocation(function: "swift_task_switch", file: "Task.cpp", line: 7, isAppCode: false)][...]),
        ], notes: ["/usr/local/bin/app: no line information for 1 address", "linux-vdso.so.1 has no symbols"])
        // A record whose second entry names a string past its table: damage; the first is kept.
        var symbols: [UInt8] = [2]
        symbols.appendString("Worker.poll()")
        symbols.appendString("Sources/App/Worker.swift")
        symbols += [0, 2]  // no notes, two entries
        symbols.appendVarint(0x40_1300)
        symbols += [1, 0, 1, 7, 1]
        symbols.appendVarint(0x40_1500)
        symbols += [1, 9, 1, 8, 1]
        file.record(LanesRecordType.symbols.rawValue, symbols)
        return file.bytes
    }

    /// One entry of an `images` record, written by hand (for damage the writer never writes).
    private static func imageBytes(base: UInt64, textStart: UInt64, textEnd: UInt64, buildID: [UInt8], path: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendVarint(base)
        bytes.appendVarint(textStart)
        bytes.appendVarint(textEnd)
        bytes.appendVarint(UInt64(buildID.count))
        bytes += buildID
        bytes += [0, 0]  // size and time unknown
        bytes.appendString(path)
        return bytes
    }

    /// The fields of a `sample` event (§4.16), written by hand.
    private static func sampleBytes(
        thread: UInt64, task: UInt64, offset: Int64, age: UInt64, state: Unicode.Scalar, flags: UInt8, cpu: UInt64,
        runQueue: UInt64, stack: UInt64
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendVarint(thread)
        bytes.appendVarint(task)
        bytes.appendSignedVarint(offset)
        bytes.appendVarint(age)
        bytes += [UInt8(ascii: state), flags]
        bytes.appendVarint(cpu)
        bytes.appendVarint(runQueue)
        bytes.appendVarint(stack)
        return bytes
    }

    /// An extension event written by hand: the opcode, the payload's length, the payload.
    static func extensionEvent(_ opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
        var bytes = [opcode]
        bytes.appendVarint(UInt64(payload.count))
        return bytes + payload
    }
}
