/// The thresholds the finding rules use, in nanoseconds.
///
/// Every rule has a default a user can override from the command line; the defaults follow
/// asyncio's slow-callback warning (100 ms).
public struct AnalysisOptions: Sendable {
    /// A synchronous span on an executor thread lasting at least this long is a `blocking-call`.
    public var blockingCallThreshold: Int64 = 100_000_000
    /// All executor threads held, or a ready job waiting, for at least this long is an `executor-stall`.
    public var stallThreshold: Int64 = 100_000_000
    /// An executor job running at least this long without suspending is `never-yielded`.
    public var neverYieldedThreshold: Int64 = 100_000_000
    /// `sequential-awaits` findings whose estimated saving is below this are not reported, so that
    /// millions of tiny back-to-back awaits do not drown the report.
    public var minimumSequentialSaving: Int64 = 1_000_000

    /// The defaults.
    public init() {}
}
