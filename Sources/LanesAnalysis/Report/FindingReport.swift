import LanesModel

/// One finding as every report shows it, in text and JSON: the one place that decides what a
/// finding carries, so a new fact (a code site, a thread state) appears in `lanes summary`,
/// `lanes diff` and their JSON at once.
public struct FindingReport: Sendable, Encodable, Equatable {
    /// The rule's id.
    public var rule: FindingRule
    /// Where it happened (see `FindingSite.key`); empty for a finding without a span.
    public var site: String
    /// The span's escaped name, or nil when the finding is about an interval without a span.
    public var span: String?
    /// The span's index in its trace, or -1.
    public var spanIndex: Int
    /// The measured cost.
    public var cost: Seconds
    /// What happened, in one line (names escaped).
    public var message: String
    /// What to do about it, in one line.
    public var advice: String

    /// The report of `finding`, a finding of `trace`.
    public init(_ finding: Finding, in trace: Trace) {
        rule = finding.rule
        site = FindingSite.key(of: finding, in: trace)
        let hasSpan = finding.span >= 0 && Int(finding.span) < trace.spanCount
        span = hasSpan ? DisplayText.name(ofSpan: Int(finding.span), in: trace) : nil
        spanIndex = hasSpan ? Int(finding.span) : -1
        cost = Seconds(finding.costNanoseconds)
        message = finding.message
        advice = finding.advice
    }

    enum CodingKeys: String, CodingKey {
        case rule, site, span
        case spanIndex = "span_index"
        case cost = "seconds"
        case message, advice
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule.rawValue, forKey: .rule)
        try container.encode(site, forKey: .site)
        try container.encode(span, forKey: .span)  // null, not absent, for a finding without a span
        try container.encode(spanIndex, forKey: .spanIndex)
        try container.encode(cost, forKey: .cost)
        try container.encode(message, forKey: .message)
        try container.encode(advice, forKey: .advice)
    }
}

/// Findings of one rule at one site, as reports list them ("blocking-call at wait_for(7) ×3").
public struct FindingGroupReport: Sendable, Encodable {
    /// The rule's id.
    public var rule: FindingRule
    /// The site.
    public var site: String
    /// How many findings.
    public var count: Int
    /// Σ cost.
    public var total: Seconds
    /// The costliest of them.
    public var largest: FindingReport

    /// The report of `group`, a group of `findings` of `trace`.
    public init(_ group: FindingGroup, findings: [Finding], in trace: Trace) {
        rule = group.rule
        site = group.site
        count = group.findings.count
        total = Seconds(group.totalCostNanoseconds)
        largest = FindingReport(findings[group.findings[0]], in: trace)
    }

    enum CodingKeys: String, CodingKey {
        case rule, site, count
        case total = "total_seconds"
        case largest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule.rawValue, forKey: .rule)
        try container.encode(site, forKey: .site)
        try container.encode(count, forKey: .count)
        try container.encode(total, forKey: .total)
        try container.encode(largest, forKey: .largest)
    }
}

/// Where a report's trace came from: the file, its detected format, and what the reader could
/// not read. Set by the command that loaded it.
public struct ReportSource: Sendable, Encodable, Equatable {
    /// The file as the user named it.
    public var file: String
    /// The format it was read as (`lanes`, `chrome`, `otlp`).
    public var format: String
    /// One line per loss the reader reported.
    public var warnings: [String]

    public init(file: String, format: String, warnings: [String] = []) {
        self.file = file
        self.format = format
        self.warnings = warnings
    }
}
