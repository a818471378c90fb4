/// The diff's answer to "did my change make it better?", and what it rests on.
///
/// With enough requests on both sides (a load test, a server's traffic) the answer comes from the
/// routes' per-occurrence distributions and the rank test: a significant change of a route's
/// median leads, noise is "no significant change", and totals that grow with the number of
/// requests never decide. With too few occurrences to test (one run of a program, the seed demo)
/// it comes from wall time, and a change under `wallThreshold` is called no change.
public struct DiffVerdict: Sendable, Equatable {
    /// A change of wall time smaller than this share is no change when it decides.
    public static let wallThreshold = 0.05

    /// What the verdict rests on.
    public enum Basis: String, Sendable, Encodable {
        /// Routes found in both runs, tested per occurrence.
        case routes
        /// All root spans of A against all of B (the runs share no route).
        case allRequests = "all requests"
        /// Wall time (too few occurrences to test).
        case wall
        /// The runs are identical.
        case identical
    }

    /// Faster, slower, mixed (routes moved both ways) or no significant change.
    public enum Outcome: String, Sendable, Encodable {
        case faster
        case slower
        case mixed
        case unchanged = "no significant change"
        case identical = "no change"
    }

    /// The answer.
    public var outcome: Outcome
    /// What it rests on.
    public var basis: Basis
    /// The answer in one line.
    public var headline: String

    init(_ diff: TraceDiff) {
        if diff.isUnchanged {
            self.init(outcome: .identical, basis: .identical, headline: "no change: the runs match span for span")
            return
        }
        let tested = diff.routes.filter(\.comparison.isTested)
        if !tested.isEmpty {
            let faster = tested.filter { $0.comparison.direction == .faster }
            let slower = tested.filter { $0.comparison.direction == .slower }
            if let lead = tested.first, !faster.isEmpty || !slower.isEmpty {
                let outcome: Outcome = faster.isEmpty ? .slower : (slower.isEmpty ? .faster : .mixed)
                let change = Self.describe(lead.comparison, name: lead.route)
                let headline = outcome == .mixed
                    ? "mixed: \(faster.count) route\(faster.count == 1 ? "" : "s") faster, \(slower.count) slower; most changed: \(change)"
                    : "B is \(outcome.rawValue): \(change)"
                self.init(outcome: outcome, basis: .routes, headline: headline)
            } else {
                let names = tested.count == 1 ? tested[0].route : "\(tested.count) routes"
                self.init(outcome: .unchanged, basis: .routes,
                          headline: "no significant change in request latency (\(names): \(Self.describe(tested[0].comparison, name: nil)))")
            }
            return
        }
        if diff.routes.isEmpty, diff.allRoots.isTested {
            let comparison = diff.allRoots
            let direction = comparison.direction
            let change = Self.describe(comparison, name: "all requests")
            switch direction {
            case .unchanged:
                self.init(outcome: .unchanged, basis: .allRequests, headline: "no significant change in request latency (\(change))")
            case .faster, .slower:
                self.init(outcome: direction == .faster ? .faster : .slower, basis: .allRequests, headline: "B is \(direction.rawValue): \(change)")
            }
            return
        }
        let wall = diff.wall
        let change = OccurrenceComparison.relativeChange(wall.a, wall.b)
        let text = "wall \(DisplayText.duration(wall.a)) → \(DisplayText.duration(wall.b)) (\(DisplayText.percentChange(from: wall.a, to: wall.b)))"
        if abs(change) < Self.wallThreshold {
            self.init(outcome: .unchanged, basis: .wall,
                      headline: "no significant change: \(text), within \(Int(Self.wallThreshold * 100))%; too few requests to test")
        } else {
            self.init(outcome: change < 0 ? .faster : .slower, basis: .wall,
                      headline: "B is \(change < 0 ? "faster" : "slower"): \(text); one run each, too few requests to test")
        }
    }

    init(outcome: Outcome, basis: Basis, headline: String) {
        self.outcome = outcome
        self.basis = basis
        self.headline = headline
    }

    /// "GET /users p50 60.1ms → 20.2ms (−66%), ×3,600 → ×10,800, p < 0.001".
    static func describe(_ comparison: OccurrenceComparison, name: String?) -> String {
        var text = name.map { $0 + " " } ?? ""
        text += "p50 \(DisplayText.duration(comparison.a.p50)) → \(DisplayText.duration(comparison.b.p50))"
        text += " (\(DisplayText.percentChange(from: comparison.a.p50, to: comparison.b.p50)))"
        text += ", ×\(DisplayText.count(comparison.a.count)) → ×\(DisplayText.count(comparison.b.count))"
        if let test = comparison.test { text += ", " + pValueText(test.pValue) }
        return text
    }

    /// "p < 0.001", "p = 0.04".
    static func pValueText(_ p: Double) -> String {
        if p < 0.001 { return "p < 0.001" }
        return "p = " + DisplayText.decimal(p, digits: p < 0.01 ? 3 : 2)
    }
}
