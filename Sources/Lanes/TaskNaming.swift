import CLanesRuntime

/// Records the names tasks were given with `Task(name:)`.
///
/// The runtime reads a task's name only for the task current on the calling thread, so Lanes
/// notes it where that task is current: when it begins a span, and when it enqueues a job (it
/// creates a task, resumes another, hops to an actor, yields or sleeps). A named task that does
/// none of these while a recording runs stays unnamed in the trace.
enum TaskNaming {
    /// Notes the name of `task`, the task current on this thread, if it has one and this thread
    /// has not reported it yet. Costs one runtime call when the task is unnamed.
    @inline(__always)
    static func noteCurrentTaskName(_ task: UInt64) {
        guard Recorder.runningCount.load(ordering: .relaxed) > 0, lanes_current_task_name() != nil,
            let recorder = Recorder.reference(for: SpanContext(recorder: nil, span: 0, task: 0))
        else { return }
        ThreadLocalBuffers.reference(for: recorder)._withUnsafeGuaranteedRef { buffer in
            buffer.noteCurrentTask(task, parentTask: 0)
        }
    }
}
