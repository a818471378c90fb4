import LanesAnalysis
import LanesModel
import LanesSynthetic
import LanesViewer
import Testing

/// The route view on a server-shaped trace: 10,000 requests of three routes over 20 seconds, the
/// slowest route getting slower in the second half (so its heat strip has something to show).
@Suite("Route view")
struct RouteViewTests {
    /// Three routes; `/search` is four times slower during the last quarter of the run.
    static let trace: Trace = {
        let load = ServerLoad(
            routes: [
                .init(name: "GET /users", median: 4_000_000, sigma: 0.3, share: 5),
                .init(name: "POST /orders", median: 20_000_000, sigma: 0.4, share: 2),
                .init(name: "GET /search", median: 60_000_000, sigma: 0.5, share: 1, slowdown: (from: 0.75, factor: 4)),
            ],
            requests: 10_000, duration: 20_000_000_000, seed: 3)
        return ServerTrace.build(load)
    }()

    static func harness(width: Int, height: Int, theme: Theme = .utf8) -> ViewerHarness {
        ViewerHarness(trace, title: "server.lanes", width: width, height: height, theme: theme)
    }

    @Test("a server trace opens in the route view, one row per route, most requests first")
    func opensInRouteView() throws {
        let harness = Self.harness(width: 120, height: 30)
        #expect(harness.state.mode == .routes)
        let names = harness.state.rows.compactMap { row -> String? in
            guard case .route(let route) = row.content else { return nil }
            return harness.document.routes.groups.names[Int(route)]
        }
        #expect(names == ["GET /users", "POST /orders", "GET /search"])
        let counts = harness.document.routes.groups.statistics.map(\.count)
        #expect(counts.reduce(0, +) == 10_000)
        #expect(counts[0] > counts[1] && counts[1] > counts[2])
        // The medians come out near what the load asked for.
        let p50 = harness.document.routes.groups.statistics.map(\.p50)
        #expect(abs(Double(p50[0]) / 4e6 - 1) < 0.1)
        #expect(Double(p50[2]) > 60e6 && Double(p50[2]) < 90e6)  // a quarter of the requests four times slower
        try GoldenScreen.expect(harness.grid, matches: "server-routes-120x30")
    }

    @Test("Enter unfolds a route into its slowest requests, drawn as spans")
    func slowestRequests() throws {
        var harness = Self.harness(width: 120, height: 30)
        harness.press(.moveToBottom, .activate)
        let spans = harness.state.rows.compactMap(\.span)
        #expect(spans.count == RouteIndex.slowestLimit)
        let durations = spans.map { harness.document.trace.duration(ofSpan: Int($0)) }
        #expect(durations == durations.sorted(by: >))
        let search = harness.document.routes.groups.roots(ofRoute: 2)
        let slowest = search.map { harness.document.trace.duration(ofSpan: Int($0)) }.max()
        #expect(durations.first == slowest)
        try GoldenScreen.expect(harness.grid, matches: "server-routes-unfolded-120x30")
    }

    @Test("narrow terminals keep the names and the strip", arguments: [(80, 24), (60, 16), (40, 12)])
    func narrow(width: Int, height: Int) throws {
        let harness = Self.harness(width: width, height: height)
        #expect(harness.lines.count == height)
        #expect(harness.lines.contains { $0.contains("GET /users") || $0.contains("GET /u") })
        try GoldenScreen.expect(harness.grid, matches: "server-routes-\(width)x\(height)")
    }

    @Test("ASCII glyphs for a terminal without UTF-8")
    func ascii() throws {
        let harness = Self.harness(width: 100, height: 20, theme: .ascii)
        for cell in harness.grid.cells { #expect(cell.scalar.isASCII) }
        try GoldenScreen.expect(harness.grid, matches: "server-routes-ascii-100x20")
    }

    @Test("r and Tab switch between routes, tasks and threads")
    func switching() {
        var harness = Self.harness(width: 120, height: 30)
        harness.press(.toggleRoutes)
        #expect(harness.state.mode == .tasks)
        harness.press(.cycleMode)
        #expect(harness.state.mode == .routes)
        harness.press(.cycleMode)
        #expect(harness.state.mode == .threads)
        harness.press(.cycleMode)
        #expect(harness.state.mode == .tasks)
    }
}
