import Dispatch

/// Runs two independent pieces of work at once: `background` on another thread, `foreground`
/// on this one, and returns both results once both are done.
///
/// `TraceBuilder.build()` uses it to sort a large trace's task-state slices while it moves the
/// spans into lanes; the two share no data, and on a machine with a second core the slices then
/// cost almost nothing to the time a reader waits. The analysis, the viewer and `lanes diff` use
/// it the same way (the concurrency series beside the rest of an analysis, an analysis beside the
/// viewer's indexes, the two sides of a diff). This is the one place Lanes' readers go parallel.
package func concurrently<Background: Sendable, Foreground>(
    _ background: @escaping @Sendable () -> Background, _ foreground: () -> Foreground
) -> (Background, Foreground) {
    let result = ResultBox<Background>()
    let group = DispatchGroup()
    DispatchQueue.global(qos: .userInitiated).async(group: group) { result.value = background() }
    let foregroundResult = foreground()
    group.wait()
    guard let backgroundResult = result.value else { preconditionFailure("the background work did not finish") }
    return (backgroundResult, foregroundResult)
}

/// Carries the background result back; written once on the background thread before the group
/// is left and read only after `group.wait()`, which orders the two.
private final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}
