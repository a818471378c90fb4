/// What the diff says about one set of occurrences measured in both runs (a route's requests, a
/// path's spans): their statistics, the rank test, and whether the change is real.
public struct OccurrenceComparison: Sendable, Equatable {
    /// Statistics in A.
    public var a: LatencyStatistics
    /// Statistics in B.
    public var b: LatencyStatistics
    /// The rank test of B's durations against A's; nil when a side has too few to test.
    public var test: RankTest?

    /// The significance level: a p-value below it is a change, not noise.
    public static let significanceLevel = 0.01
    /// A change of the median smaller than this share of A's median is called no change, however
    /// sure the test is (a million requests make 0.5% significant, and it is still nothing).
    public static let smallestMeaningfulChange = 0.02

    /// B's p50 relative to A's: +0.5 is 50% slower (0 when A's p50 is 0).
    public var p50Change: Double { Self.relativeChange(a.p50, b.p50) }

    /// Faster, slower, or no significant change (also when too few to test).
    public var direction: ChangeDirection {
        guard let test, test.pValue < Self.significanceLevel, abs(p50Change) >= Self.smallestMeaningfulChange else {
            return .unchanged
        }
        return p50Change > 0 ? .slower : .faster
    }

    /// Whether there were enough occurrences on both sides to test.
    public var isTested: Bool { test != nil }

    /// `(b − a) / a`, 0 when `a` is 0.
    static func relativeChange(_ a: Int64, _ b: Int64) -> Double {
        a == 0 ? 0 : (Double(b) - Double(a)) / Double(a)
    }
}

/// Which way a measure moved.
public enum ChangeDirection: String, Sendable, Encodable {
    case faster
    case slower
    /// No significant change (or too few occurrences to tell).
    case unchanged = "no significant change"
}

/// One route (a kind of root span: a handler, an HTTP route) in both runs.
public struct RouteComparison: Sendable, Equatable {
    /// The route's name, escaped for display.
    public var route: String
    /// Its requests in A and in B, and the test.
    public var comparison: OccurrenceComparison
}

/// Findings of one rule at one site in both runs.
public struct FindingGroupChange: Sendable {
    /// The rule.
    public var rule: FindingRule
    /// The site (see `FindingSite.key`).
    public var site: String
    /// The group in A (count, total, median, largest, state…), or nil when A has none there.
    public var a: TraceSummary.FindingGroup?
    /// The group in B, or nil.
    public var b: TraceSummary.FindingGroup?

    /// How many in A.
    public var countA: Int { a?.count ?? 0 }
    /// How many in B.
    public var countB: Int { b?.count ?? 0 }
    /// Σ cost in A, in nanoseconds.
    public var costA: Int64 { a?.totalCostNanoseconds ?? 0 }
    /// Σ cost in B, in nanoseconds.
    public var costB: Int64 { b?.totalCostNanoseconds ?? 0 }

    /// Resolved (only in A), new (only in B), or remaining (in both).
    public var status: Status {
        b == nil ? .resolved : (a == nil ? .new : .remaining)
    }

    /// What became of a group of findings.
    public enum Status: String, Sendable, Encodable { case resolved, new, remaining }
}

/// Spans that ran one after another in one run and overlapped in the other (or the other way):
/// the before/after of a `gather` or `async let` refactor.
public struct OverlapChange: Sendable, Equatable {
    /// The names of the spans, in A's order, escaped.
    public var names: [String]
    /// How many times the same change happened (one per handler invocation, say).
    public var count: Int
    /// Whether they ran one after another in A (and overlapped in B), or the reverse.
    public var overlappedInB: Bool
    /// Each time, from the first begin to the last end in A, in nanoseconds.
    public var extentsA: [Int64]
    /// The same in B.
    public var extentsB: [Int64]

    /// The median of `extentsA`.
    public var extentA: Int64 { Self.median(extentsA) }
    /// The median of `extentsB`.
    public var extentB: Int64 { Self.median(extentsB) }

    static func median(_ values: [Int64]) -> Int64 {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[(sorted.count - 1) / 2]
    }
}
