import Testing
@testable import LanesFormat
import LanesModel

@Suite("The .lanes writer and reader")
struct LanesFileRoundTripTests {
    @Test("write → read gives back an equal trace", arguments: 0..<60)
    func roundTrip(seed: Int) throws {
        let original = RandomTraces.make(seed: UInt64(seed))
        let bytes = LanesTraceWriter.encode(original)
        let (decoded, warnings) = try LanesFileReader.read(bytes: bytes, path: "random.lanes")
        #expect(warnings.isEmpty, "seed \(seed): \(warnings)")
        #expect(decoded == original, "seed \(seed)")
        #expect(decoded.metadata.processName == original.metadata.processName)
        #expect(decoded.metadata.processID == original.metadata.processID)
        #expect(decoded.metadata.clockAtStart == original.metadata.clockAtStart)
        #expect(decoded.metadata.unixNanosecondsAtClock == original.metadata.unixNanosecondsAtClock)
        #expect(decoded.metadata.finishedCleanly)
        #expect(decoded.tasks.map(\.name) == original.tasks.map(\.name))
        #expect(decoded.threads == original.threads)
    }

    @Test("encoding is deterministic: the same trace gives the same bytes")
    func deterministic() {
        let trace = RandomTraces.make(seed: 7)
        #expect(LanesTraceWriter.encode(trace) == LanesTraceWriter.encode(trace))
    }

    @Test("a large trace spans several chunks and still round-trips")
    func manyChunks() throws {
        let original = RandomTraces.make(seed: 99, spanCount: 20_000)
        let bytes = LanesTraceWriter.encode(original)
        let (decoded, warnings) = try LanesFileReader.read(bytes: bytes, path: "big.lanes")
        #expect(warnings.isEmpty)
        #expect(decoded == original)
    }

    @Test("parent tasks round-trip; a task naming itself or a loop of parents does not")
    func parentTasks() throws {
        var builder = TraceBuilder(metadata: TraceMetadata(sourceFormat: "lanes"))
        let main = builder.task(id: 1)
        let child = builder.task(id: 40, name: "worker")
        let grandchild = builder.task(id: 41)
        let loopA = builder.task(id: 50)
        let loopB = builder.task(id: 51)
        builder.setParent(ofTask: child, to: main)
        builder.setParent(ofTask: grandchild, to: child)
        builder.setParent(ofTask: main, to: main)  // ignored
        builder.setParent(ofTask: loopA, to: loopB)
        builder.setParent(ofTask: loopB, to: loopA)
        builder.addSlice(task: grandchild, thread: builder.thread(id: 7), enqueued: 10, started: 20, ended: 30)
        let original = builder.build()
        #expect(original.tasks.parent(ofTask: Int(child)) == Int(main))
        #expect(original.tasks.parent(ofTask: Int(grandchild)) == Int(child))
        #expect(original.tasks.parent(ofTask: Int(main)) == nil)
        // One of the two looping tasks lost its parent, so every walk upwards ends.
        #expect(original.tasks.parent(ofTask: Int(loopA)) == nil || original.tasks.parent(ofTask: Int(loopB)) == nil)
        let (decoded, warnings) = try LanesFileReader.read(bytes: LanesTraceWriter.encode(original), path: "parents.lanes")
        #expect(warnings.isEmpty)
        #expect(decoded.tasks == original.tasks)
        let decodedChild = try #require(decoded.tasks.firstIndex { $0.id == 40 })
        let decodedMain = try #require(decoded.tasks.firstIndex { $0.id == 1 })
        #expect(decoded.tasks.parent(ofTask: decodedChild) == decodedMain)
    }

    @Test("an empty trace round-trips")
    func empty() throws {
        let bytes = LanesTraceWriter.encode(Trace.empty)
        let (decoded, warnings) = try LanesFileReader.read(bytes: bytes, path: "empty.lanes")
        #expect(warnings.isEmpty)
        #expect(decoded.spanCount == 0)
    }
}
