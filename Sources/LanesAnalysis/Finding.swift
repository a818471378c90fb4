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

    /// A finding; `relatedSpans` defaults to none.
    public init(
        rule: FindingRule, span: Int32, begin: Int64, end: Int64, costNanoseconds: Int64,
        message: String, advice: String, relatedSpans: [Int32] = []
    ) {
        self.rule = rule
        self.span = span
        self.begin = begin
        self.end = end
        self.costNanoseconds = costNanoseconds
        self.message = message
        self.advice = advice
        self.relatedSpans = relatedSpans
    }
}
