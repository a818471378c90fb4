/// The rules that turn a trace into findings. The raw value is the rule's id on the command
/// line, in JSON and in the viewer.
public enum FindingRule: String, CaseIterable, Sendable {
    /// A synchronous span held an executor thread for at least the blocking threshold.
    case blockingCall = "blocking-call"
    /// `runSync` drove async work from inside a task, holding an executor thread while it waited.
    case runSyncInAsync = "run-sync-in-async"
    /// Two or more sibling async spans ran one after another while mostly suspended.
    case sequentialAwaits = "sequential-awaits"
    /// Every executor thread was held by blocking work, or ready jobs waited past the threshold.
    case executorStall = "executor-stall"
    /// An executor job ran past the threshold without suspending.
    case neverYielded = "never-yielded"
}
