import LanesModel
import LanesSynthetic
import Testing
@testable import LanesAnalysis

/// `lanes diff` of load tests: generated server runs of the same length, judged per request.
@Suite("Diff of load tests")
struct LoadTestDiffTests {
    static let seconds: Int64 = 1_000_000_000

    /// A 20-second load test of one route whose requests take `median` ns (log-normal spread).
    static func loadTest(route: String, median: Int64, requests: Int, seed: UInt64) -> Trace {
        ServerTrace.build(ServerLoad(routes: [.init(name: route, median: median, sigma: 0.3)],
                                     requests: requests, duration: 20 * seconds, seed: seed))
    }

    static let ms: Int64 = 1_000_000

    @Test("/sequential at 60 ms against /fixed at 20 ms: three times the requests, a third of the latency")
    func fasterWithMoreRequests() throws {
        let a = Self.loadTest(route: "GET /sequential", median: 60 * Self.ms, requests: 1_200, seed: 1)
        let b = Self.loadTest(route: "GET /fixed", median: 20 * Self.ms, requests: 3_600, seed: 2)
        let diff = TraceDiff(a: a, b: b)
        let verdict = diff.verdict
        #expect(verdict.outcome == .faster)
        #expect(verdict.basis == .allRequests)  // no route in common: all requests against all
        #expect(verdict.headline.hasPrefix("B is faster: all requests p50 "))
        #expect(verdict.headline.contains("×1,200 → ×3,600"))
        #expect(verdict.headline.contains("p < 0.001"))
        let change = diff.allRoots.p50Change
        #expect(change < -0.6 && change > -0.72)
        let report = DiffReport(diff)
        let lines = report.lines()
        #expect(lines[0] == verdict.headline)
        // Totals that grow with the number of requests are not what leads, and extra requests are
        // not listed as spans only in B.
        #expect(!lines.contains { $0.contains("+193%") || $0.contains("+200%") })
        #expect(report.onlyInB.allSatisfy { !$0.name.contains("db.query") || $0.name.hasPrefix("GET /fixed") })
        #expect(lines.contains { $0.hasPrefix("  routes only in A: GET /sequential ×1,200") })
        #expect(lines.contains { $0.hasPrefix("  routes only in B: GET /fixed ×3,600") })
    }

    @Test("the same route faster: the route leads the report with its rank test")
    func sameRouteFaster() {
        let a = Self.loadTest(route: "GET /work", median: 60 * Self.ms, requests: 1_200, seed: 3)
        let b = Self.loadTest(route: "GET /work", median: 20 * Self.ms, requests: 3_600, seed: 4)
        let diff = TraceDiff(a: a, b: b)
        #expect(diff.verdict.outcome == .faster)
        #expect(diff.verdict.basis == .routes)
        #expect(diff.verdict.headline.hasPrefix("B is faster: GET /work p50 "))
        let route = diff.routes.first
        #expect(route?.comparison.direction == .faster)
        #expect((route?.comparison.test?.pValue ?? 1) < 1e-6)
        #expect((route?.comparison.test?.probabilityBLonger ?? 1) < 0.1)
        // The request span is compared per occurrence: three times as many, each a third as long.
        let requests = diff.paths.first { diff.path($0.path) == "GET /work" }
        #expect(requests?.comparison.b.count == 3 * (requests?.comparison.a.count ?? 0))
        #expect(requests?.comparison.direction == .faster)
        // Its child span, three times as many and each a third as long: faster, not "+200%".
        let query = diff.paths.first { diff.path($0.path) == "GET /work › db.query" }
        #expect(query?.comparison.direction == .faster)
        // The extra requests of B are not "only in B": the path is in both runs.
        #expect(diff.onlyInB.isEmpty)
    }

    @Test("pure noise: the same load run twice says no significant change", arguments: [(5 as UInt64, 6 as UInt64), (7, 8), (9, 10)])
    func noise(seedA: UInt64, seedB: UInt64) throws {
        let a = Self.loadTest(route: "GET /work", median: 20 * Self.ms, requests: 2_000, seed: seedA)
        let b = Self.loadTest(route: "GET /work", median: 20 * Self.ms, requests: 2_000, seed: seedB)
        let diff = TraceDiff(a: a, b: b)
        #expect(diff.verdict.outcome == .unchanged)
        #expect(diff.verdict.headline.hasPrefix("no significant change in request latency"))
        #expect(!diff.isUnchanged)
        let gate = try DiffGate(diff, metric: .p50, span: nil, thresholdPercent: 10)
        #expect(!gate.failed)
        #expect(!DiffReport(diff).lines().contains { $0.contains("B is faster") || $0.contains("B is slower") })
    }

    @Test("a 3× regression fails the gate; the improvement and noise pass it")
    func gate() throws {
        let fixed = Self.loadTest(route: "GET /work", median: 20 * Self.ms, requests: 3_600, seed: 11)
        let sequential = Self.loadTest(route: "GET /work", median: 60 * Self.ms, requests: 1_200, seed: 12)
        let regression = TraceDiff(a: fixed, b: sequential)
        #expect(regression.verdict.outcome == .slower)
        let failing = try DiffGate(regression, metric: .p50, span: nil, thresholdPercent: 10)
        #expect(failing.failed)
        #expect(failing.checks.first?.subject == "GET /work")
        #expect((failing.checks.first?.changePercent ?? 0) > 150)
        for metric in [DiffGate.Metric.p90, .p99] {
            #expect(try DiffGate(regression, metric: metric, span: nil, thresholdPercent: 10).failed)
        }
        #expect(try DiffGate(regression, metric: .p50, span: "GET /work", thresholdPercent: 10).failed)
        // A budget larger than the slowdown passes.
        #expect(!(try DiffGate(regression, metric: .p50, span: nil, thresholdPercent: 400).failed))
        // The improvement passes.
        #expect(!(try DiffGate(TraceDiff(a: sequential, b: fixed), metric: .p50, span: nil, thresholdPercent: 10).failed))
        // Wall time is the same in both runs (same length of load test): the wall gate passes.
        #expect(!(try DiffGate(regression, metric: .wall, span: nil, thresholdPercent: 10).failed))
        // The reversed pair of different routes (the issue's /fixed → /sequential) fails too.
        let fixedRoute = Self.loadTest(route: "GET /fixed", median: 20 * Self.ms, requests: 3_600, seed: 13)
        let sequentialRoute = Self.loadTest(route: "GET /sequential", median: 60 * Self.ms, requests: 1_200, seed: 14)
        let reversed = try DiffGate(TraceDiff(a: fixedRoute, b: sequentialRoute), metric: .p50, span: nil, thresholdPercent: 10)
        #expect(reversed.failed)
        #expect(reversed.checks.map(\.subject) == ["all requests"])
        #expect(throws: DiffGate.UnknownSpan.self) { try DiffGate(regression, metric: .p50, span: "missing", thresholdPercent: 10) }
    }

    @Test("a route slower in one half: several routes, the changed one leads, the others stay unchanged")
    func oneRouteOfThree() {
        func run(_ slow: Double, seed: UInt64) -> Trace {
            ServerTrace.build(ServerLoad(routes: [
                .init(name: "GET /users", median: 4 * Self.ms, sigma: 0.3, share: 5),
                .init(name: "POST /orders", median: 20 * Self.ms, sigma: 0.3, share: 2),
                .init(name: "GET /search", median: Int64(60 * slow) * Self.ms, sigma: 0.3, share: 1),
            ], requests: 8_000, duration: 20 * Self.seconds, seed: seed))
        }
        let diff = TraceDiff(a: run(1, seed: 21), b: run(2, seed: 22))
        #expect(diff.verdict.outcome == .slower)
        #expect(diff.routes.first?.route == "GET /search")
        #expect(diff.routes.first?.comparison.direction == .slower)
        #expect(diff.routes.dropFirst().allSatisfy { $0.comparison.direction == .unchanged })
    }

    @Test("the rank test: identical samples have p = 1, separated ones a tiny p, small ones none")
    func rankTest() {
        let same = [UInt64](repeating: 5, count: 20)
        #expect(RankTest.compare(same, same)?.pValue == 1)
        let low = (0..<50).map { UInt64($0) }
        let high = (100..<150).map { UInt64($0) }
        let separated = RankTest.compare(low, high)
        #expect((separated?.pValue ?? 1) < 1e-10)
        #expect(separated?.probabilityBLonger == 1)
        #expect(RankTest.compare(low, low)?.pValue == 1)
        #expect(RankTest.compare([1, 2, 3], [4, 5, 6]) == nil)
    }
}
