import LanesModel

/// Recognises Python asyncio traces written by viztracer with `--log_async` and rewrites them in
/// the terms the analysis uses for Swift: each asyncio task is a lane whose steps are executor
/// jobs on a one-thread executor (the event loop), its coroutine a `handler` span, frames that
/// awaited across steps `async` spans, and calls that ran inside a step `sync` spans on the loop
/// (so a long one is a blocking call). Names lose viztracer's ` (file:line)` suffix, which is
/// kept as code-location attributes (`CodeLocation`'s keys). Other threads (the loop's thread
/// outside task steps, a thread pool's workers) keep their slices as they were.
///
/// Runs after the Chrome importer, on its result; a trace that is not such a trace comes back
/// unchanged.
public enum AsyncioTraceConverter {
    /// What recognition found.
    public enum Outcome: Sendable {
        /// Not a viztracer asyncio trace: use the trace as read.
        case notAsyncio
        /// A viztracer trace of asyncio code recorded without `--log_async`: the tasks cannot be
        /// told apart; the warning says how to record them.
        case withoutLogAsync(TraceReadWarning)
        /// The rewritten trace.
        case converted(Trace)
    }

    /// The one-line hint for a trace recorded without `--log_async`.
    public static let missingLogAsyncHint = TraceReadWarning(
        "asyncio code traced without --log_async: tasks and their steps cannot be told apart, so "
        + "blocking calls and stalls of the event loop are not found; record with `viztracer --log_async`")

    /// Recognises and rewrites `trace` (a Chrome JSON import).
    public static func convert(_ trace: Trace) -> Outcome {
        guard trace.metadata.sourceFormat == "chrome", trace.slices.isEmpty, trace.spanCount > 0,
              !trace.spanTraits.contains(where: { SpanTraits(rawValue: $0).kind != .unknown }) else { return .notAsyncio }
        var names = AsyncioNameCatalog(strings: trace.strings)
        let tracks = AsyncioTaskTracks(trace: trace, names: &names)
        guard !tracks.tracks.isEmpty else {
            return AsyncioNameCatalog.mentionsAsyncioLoop(trace.strings) ? .withoutLogAsync(missingLogAsyncHint) : .notAsyncio
        }
        let stitcher = AsyncioStepStitcher(trace: trace, tracks: tracks, names: &names)
        var rewriter = AsyncioTraceRewriter(trace: trace, tracks: tracks, names: names)
        return .converted(rewriter.build(stitcher))
    }
}
