/// The thresholds the finding rules use, in nanoseconds.
///
/// Every rule has a default a user can override from the command line.
public struct AnalysisOptions: Sendable {
    /// A job that held an executor thread this long without suspending, or a synchronous span on
    /// an executor thread lasting this long, is a `blocking-call`. 20 ms catches a 50 ms blocking
    /// call in a loaded server with room to spare, and no healthy job (microseconds) comes near it.
    public var blockingCallThreshold: Int64 = 20_000_000
    /// Threads held most of the time while jobs wait, or a ready job waiting, for at least this
    /// long is an `executor-stall` (asyncio's slow-callback warning is 100 ms too).
    public var stallThreshold: Int64 = 100_000_000
    /// `sequential-awaits` findings whose estimated saving is below this are not reported, so that
    /// millions of tiny back-to-back awaits do not drown the report.
    public var minimumSequentialSaving: Int64 = 1_000_000

    /// The defaults.
    public init() {}
}
