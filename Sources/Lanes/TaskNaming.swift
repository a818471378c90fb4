import CLanesRuntime

/// Records the names tasks were given with `Task(name:)`.
///
/// A pool that records jobs reads the name of each task it is about to run (through the runtime's
/// own `AsyncTask::getTaskName`, see `Sources/CLanesRuntime/TaskNames.c`): one call that checks a
/// flag for an unnamed task. Spans note the current task's name too, for tasks that run elsewhere
/// (on the main actor).
enum TaskNaming {
    /// Whether the runtime's task names can be read here; looked up once.
    static let isAvailable: Bool = lanes_prepare_task_names() != 0

    /// Notes the name of the task `job` is, before the job runs, into `buffer`.
    @inline(__always)
    static func noteName(ofJob job: UnsafeMutableRawPointer, task: UInt64, into buffer: ThreadBuffer) {
        guard isAvailable, let name = lanes_task_name_of_job(job) else { return }
        buffer.noteTaskName(task, name)
    }
}
