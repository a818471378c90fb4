import LanesModel
import LanesViewer
import Testing

@Suite("Golden screens")
struct ViewerGoldenTests {
    @Test("seed-like trace by task at 120×40")
    func byTaskLarge() throws {
        let harness = ViewerHarness(SeedLikeTrace.build(.naive))
        try GoldenScreen.expect(harness.grid, matches: "seed-like-tasks-120x40")
    }
}
