#ifndef LANES_EXECUTOR_HOOKS_H
#define LANES_EXECUTOR_HOOKS_H

#include <stdint.h>

// The unsafe edge of job capture: Lanes takes over the Swift runtime's global executor through
// the hook variables libswift_Concurrency exports (declared in the runtime's
// `ConcurrencyHooks.def`), and runs the jobs it receives on its own threads with
// `swift_job_run`. Every assumption this relies on is numbered in ExecutorHooks.c; Swift code
// reaches the runtime only through the functions below.

/// Receives a job enqueued on the global executor. `delay_nanoseconds` is 0 for a job that is
/// ready now, else how long from now it becomes ready (`Task.sleep` on some paths).
typedef void (*lanes_global_job_sink)(void *job, uint64_t delay_nanoseconds);

/// How installing the hooks went.
typedef enum {
    /// Lanes receives every job enqueued on the global executor from now on.
    LANES_HOOKS_INSTALLED = 0,
    /// Someone else (SwiftNIO's takeover, another tool) already installed a global-executor
    /// hook; nothing was changed.
    LANES_HOOKS_TAKEN = 1,
    /// The loaded concurrency runtime does not export the hooks (another runtime).
    LANES_HOOKS_MISSING = 2,
} lanes_hooks_result;

/// Installs Lanes' global-executor hooks, which hand every job to `sink`. Atomic: when any of
/// the three hooks is already set, nothing is installed. Call at most once per process.
lanes_hooks_result lanes_install_global_executor_hooks(lanes_global_job_sink sink);

/// Whether Lanes' hooks are the installed ones.
int lanes_global_executor_hooks_installed(void);

/// Runs `job` to its next suspension (or its end) on the calling thread, as the runtime's own
/// global executor would: on the generic executor.
void lanes_run_job_on_generic_executor(void *job);

/// The id of the task current on this thread when it enqueued a job (0 when none): the task
/// that created, resumed or re-enqueued the job's task.
uint64_t lanes_enqueuing_task_id(void);

/// The name the current task was given with `Task(name:)`, or NULL.
const char *lanes_current_task_name(void);

/// Finds the runtime's `AsyncTask::getTaskName()` (see TaskNames.c); returns whether task names
/// can be read. Idempotent.
int lanes_prepare_task_names(void);

/// The name of the task `job` is (NULL for an unnamed task, a job that is not a task, or when
/// names cannot be read). Only for a job the caller is about to run.
const char *lanes_task_name_of_job(void *job);

#endif
