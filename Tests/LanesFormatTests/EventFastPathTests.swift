import Testing
@testable import LanesFormat
import LanesWriter
import LanesModel

/// The reader decodes most events on an unchecked path (word-at-a-time varints, no end checks
/// while 48 bytes remain in a chunk); these check that it agrees with the checked reads.
@Suite("The reader's unchecked event path")
struct EventFastPathTests {
    @Test("unchecked varints read what checked varints read, at every length")
    func varintsAgree() {
        var random = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        var values: [UInt64] = []
        for bits in 0...64 {
            for _ in 0..<20 {
                let value = bits == 0 ? 0 : UInt64.random(in: 0...UInt64.max, using: &random) >> UInt64(64 - bits)
                values.append(value)
                bytes.appendVarint(value)
            }
        }
        bytes += [UInt8](repeating: 0, count: 16)  // the unchecked read's room to spare
        bytes.withUnsafeBytes { buffer in
            var checked = ByteCursor(buffer, from: 0, to: buffer.count)
            var unchecked = ByteCursor(buffer, from: 0, to: buffer.count)
            for value in values {
                #expect(checked.readVarint() == value)
                #expect(unchecked.readVarintUnchecked() == value)
                #expect(unchecked.position == checked.position)
            }
        }
    }

    @Test("a varint longer than ten bytes fails on both paths")
    func overlongVarint() {
        let bytes = [UInt8](repeating: 0x80, count: 11) + [0x01] + [UInt8](repeating: 0, count: 16)
        bytes.withUnsafeBytes { buffer in
            var checked = ByteCursor(buffer, from: 0, to: buffer.count)
            var unchecked = ByteCursor(buffer, from: 0, to: buffer.count)
            #expect(checked.readVarint() == nil)
            #expect(unchecked.readVarintUnchecked() == nil)
        }
    }

    @Test("spans whose time deltas take nine bytes (past the one-word decoding) round-trip")
    func widestDeltas() throws {
        var builder = TraceBuilder()
        let task = builder.task(id: 7)
        let thread = builder.thread(id: 1)
        let name = builder.intern("wide")
        for index in 0..<60 {
            let begin = Int64(index) << 57  // deltas of 2^57: nine-byte varints
            builder.addSpan(name: name, kind: .async, begin: begin, end: begin + 1000, task: task, thread: thread)
        }
        let original = builder.build()
        let (decoded, warnings) = try LanesFileReader.read(bytes: LanesTraceWriter.encode(original), path: "wide.lanes")
        #expect(warnings.isEmpty)
        #expect(decoded == original)
    }
}
