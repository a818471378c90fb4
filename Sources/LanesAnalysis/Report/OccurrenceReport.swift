/// A set of occurrences (a route's requests, a path's spans) in one run, as reports show it:
/// count, rate, percentiles. JSON: `count`, `rate_per_second`, `total_seconds`, `p50_seconds`,
/// `p90_seconds`, `p99_seconds`, `max_seconds`.
public struct OccurrenceReport: Sendable, Encodable, Equatable {
    /// Count and percentiles.
    public var statistics: LatencyStatistics
    /// Occurrences per second of the run's wall time.
    public var ratePerSecond: Double

    /// `statistics` over a run `wallNanoseconds` long.
    public init(_ statistics: LatencyStatistics, wallNanoseconds: Int64) {
        self.statistics = statistics
        ratePerSecond = wallNanoseconds > 0 ? Double(statistics.count) / (Double(wallNanoseconds) / 1e9) : 0
    }

    enum CodingKeys: String, CodingKey {
        case ratePerSecond = "rate_per_second"
    }

    public func encode(to encoder: any Encoder) throws {
        try statistics.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ratePerSecond, forKey: .ratePerSecond)
    }

    /// "312/s", "5.20k/s", "0.50/s".
    public var rateText: String {
        let perSecond = ratePerSecond
        let number: String
        if perSecond >= 10_000 { number = DisplayText.decimal(perSecond / 1_000, digits: 0) + "k" }
        else if perSecond >= 1_000 { number = DisplayText.decimal(perSecond / 1_000, digits: 2) + "k" }
        else if perSecond >= 100 { number = DisplayText.decimal(perSecond, digits: 0) }
        else if perSecond >= 10 { number = DisplayText.decimal(perSecond, digits: 1) }
        else { number = DisplayText.decimal(perSecond, digits: 2) }
        return number + "/s"
    }
}

/// One route of one run: its name and its requests.
public struct RouteReport: Sendable, Encodable, Equatable {
    /// The route's name, escaped.
    public var route: String
    /// Its requests.
    public var requests: OccurrenceReport

    enum CodingKeys: String, CodingKey { case route }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(route, forKey: .route)
        try requests.encode(to: encoder)
    }
}
