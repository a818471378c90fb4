/// The rules that turn a trace into findings. The raw value is the rule's id on the command
/// line, in JSON and in the viewer.
public enum FindingRule: String, CaseIterable, Sendable {
    /// An executor thread was held for at least the blocking threshold: by a job that did not
    /// suspend (whatever it ran), or by a synchronous span.
    case blockingCall = "blocking-call"
    /// `runSync` drove async work from inside a task, holding an executor thread while it waited.
    case runSyncInAsync = "run-sync-in-async"
    /// Two or more sibling async spans ran one after another while mostly suspended.
    case sequentialAwaits = "sequential-awaits"
    /// The executor's threads were held by blocking work most of the time while ready jobs
    /// waited, or a ready job waited past the threshold.
    case executorStall = "executor-stall"
}
