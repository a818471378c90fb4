import LanesModel
import LanesSeed
import Testing

@Suite("Seed demo")
struct SeedDemoTests {
    @Test("naive run: handlers, their steps and the heartbeat")
    func naive() async throws {
        let path = TraceFixtures.temporaryPath("seed-naive.lanes")
        try await SeedDemo.record(.naive, scale: 0.02, to: path)
        let trace = try TraceFixtures.load(path)
        print(trace.outline)
        print(trace.slices.count, trace.metadata)
    }

    @Test("improved run")
    func improved() async throws {
        let path = TraceFixtures.temporaryPath("seed-improved.lanes")
        try await SeedDemo.record(.improved, scale: 0.02, to: path)
        let trace = try TraceFixtures.load(path)
        print(trace.outline)
        print(trace.slices.count, trace.metadata)
    }
}
