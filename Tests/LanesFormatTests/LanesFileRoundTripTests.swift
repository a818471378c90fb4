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

    @Test("an empty trace round-trips")
    func empty() throws {
        let bytes = LanesTraceWriter.encode(Trace.empty)
        let (decoded, warnings) = try LanesFileReader.read(bytes: bytes, path: "empty.lanes")
        #expect(warnings.isEmpty)
        #expect(decoded.spanCount == 0)
    }
}
