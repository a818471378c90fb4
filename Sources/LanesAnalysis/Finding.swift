/// One rule's verdict: what happened, where, what it cost and what to do about it.
public struct Finding: Sendable {
    /// The rule that produced it.
    public var rule: FindingRule
    /// The span it is about, or -1 when it is about an interval rather than a span (some stalls).
    public var span: Int32
    /// When the problem began, on the trace's clock.
    public var begin: Int64
    /// When it ended.
    public var end: Int64
    /// The measured cost: time blocked, stalled, or the estimated saving, in nanoseconds.
    public var costNanoseconds: Int64
    /// What happened, in one line; span names in it are already escaped for display.
    public var message: String
    /// What to do about it, in one line.
    public var advice: String
    /// Other spans involved (the sequential siblings, the blocking spans behind a stall).
    public var relatedSpans: [Int32]
    /// For `blocking-call`: where it happened (span or task, and the app's code location when
    /// stack samples tell). Findings of one rule and site are reported together.
    public var site: BlockingSite?
    /// For `blocking-call`: what the held thread was doing, when known.
    public var state: BlockingState?
    /// For `blocking-call`: job-nanoseconds ready jobs waited for a thread meanwhile.
    public var waitedNanoseconds: Int64

    /// A finding; `relatedSpans` defaults to none, `site` and `state` to unknown.
    public init(
        rule: FindingRule, span: Int32, begin: Int64, end: Int64, costNanoseconds: Int64,
        message: String, advice: String, relatedSpans: [Int32] = [],
        site: BlockingSite? = nil, state: BlockingState? = nil, waitedNanoseconds: Int64 = 0
    ) {
        self.rule = rule
        self.span = span
        self.begin = begin
        self.end = end
        self.costNanoseconds = costNanoseconds
        self.message = message
        self.advice = advice
        self.relatedSpans = relatedSpans
        self.site = site
        self.state = state
        self.waitedNanoseconds = waitedNanoseconds
    }

    /// What findings are grouped by in reports: the rule, and the site (or the span's name).
    public func groupKey(spanName: String) -> String {
        rule.rawValue + "\u{0}" + (site?.description ?? spanName)
    }
}
