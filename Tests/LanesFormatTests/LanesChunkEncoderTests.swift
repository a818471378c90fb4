import Testing
@testable import LanesFormat
import LanesWriter
import LanesModel

@Suite("The chunk encoder")
struct LanesChunkEncoderTests {
    /// A file holding only `encoder`'s chunk.
    private func file(of encoder: borrowing LanesChunkEncoder) -> [UInt8] {
        var bytes = LanesFileLayout.magic
        bytes.appendLittleEndian(LanesFileLayout.version)
        bytes.append(contentsOf: encoder.encodedRecord())
        return bytes
    }

    @Test("an encoder started far too small grows and loses nothing, even with the widest varints")
    func growsPastItsCapacity() throws {
        var encoder = LanesChunkEncoder(writerID: 1, sequence: 0, baseTime: 0, reservingCapacity: 1)
        let count = 5_000
        // Ids near the top of the range and times far apart make every varint as long as it gets.
        let firstID = UInt64.max / 2
        for index in 0..<count {
            let id = firstID + UInt64(index) * 1_000_003
            let begin = Int64(index) * 4_000_000_000_000
            encoder.begin(
                span: id, parent: 0, kind: .sync, name: 0, task: UInt64.max - UInt64(index), onExecutor: index % 2 == 0,
                time: begin)
            encoder.end(span: id, time: begin + 1_000_000_000_000)
        }
        let eventCount = encoder.eventCount
        let byteCount = encoder.byteCount
        #expect(eventCount >= 2 * count)
        #expect(byteCount > 128, "the buffer must have grown past its starting size")

        let (trace, warnings) = try LanesFileReader.read(bytes: file(of: encoder), path: "grown.lanes")
        // A bare chunk has no header or footer; nothing else may be reported.
        let losses = warnings.filter { !$0.message.contains("did not finish") && !$0.message.contains("header record") }
        #expect(losses.isEmpty, "\(losses)")
        #expect(trace.spanCount == count)
        let durations = Set((0..<trace.spanCount).map { trace.spanEnd[$0] - trace.spanBegin[$0] })
        #expect(durations == [1_000_000_000_000])
        let executorSpans = (0..<trace.spanCount).filter { trace.spanFlags[$0].contains(.onExecutor) }.count
        #expect(executorSpans == count / 2)
    }

    @Test("a span as long as the whole clock range: a time step wider than Int64.max is encoded, not trapped on")
    func timeStepWiderThanHalfTheRange() throws {
        let begin = Int64.min + 10
        let end = Int64.max - 10
        var encoder = LanesChunkEncoder(writerID: 1, sequence: 0, baseTime: begin)
        encoder.begin(span: 1, parent: 0, kind: .async, name: 0, task: 1, onExecutor: false, time: begin)
        encoder.end(span: 1, time: end)
        let (trace, _) = try LanesFileReader.read(bytes: file(of: encoder), path: "whole-range.lanes")
        #expect(trace.spanCount == 1)
        #expect(trace.spanBegin.first == begin)
        #expect(trace.spanEnd.first == end)
    }

    @Test("reset empties the chunk and the next one decodes on its own")
    func resetStartsAFreshChunk() throws {
        var encoder = LanesChunkEncoder(writerID: 1, sequence: 0, baseTime: 100)
        encoder.begin(span: 1, parent: 0, kind: .async, name: 0, task: 7, onExecutor: false, time: 100)
        encoder.reset(sequence: 1, baseTime: 500)
        let isEmpty = encoder.isEmpty
        let byteCount = encoder.byteCount
        #expect(isEmpty)
        #expect(byteCount == 0)
        encoder.begin(span: 2, parent: 1, kind: .async, name: 0, task: 7, onExecutor: false, time: 600)
        encoder.end(span: 2, time: 900)
        let (trace, _) = try LanesFileReader.read(bytes: file(of: encoder), path: "reset.lanes")
        #expect(trace.spanCount == 1)
        #expect(trace.spanBegin[0] == 600)
        #expect(trace.spanEnd[0] == 900)
        #expect(trace.tasks[Int(trace.spanTask[0])].id == 7, "the task must be written again after a reset")
    }
}
