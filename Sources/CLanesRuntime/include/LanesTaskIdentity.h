#ifndef LANES_TASK_IDENTITY_H
#define LANES_TASK_IDENTITY_H

#include <stdint.h>

// The two Swift concurrency runtime entry points Lanes reads the running task's id through.
// Both are exported by libswift_Concurrency with the Swift calling convention. Swift code may
// not name `swift_task_getCurrent` directly, and `withUnsafeCurrentTask` (a generic call that
// retains the task) costs about a fifth of a recorded span, so the lookup is done here.
void *swift_task_getCurrent(void) __attribute__((swiftcall));
uint64_t swift_task_getJobTaskId(void *job) __attribute__((swiftcall));

/// The id of the Swift task running on this thread, or 0 when none is.
static inline uint64_t lanes_current_task_id(void) {
    void *task = swift_task_getCurrent();
    return task ? swift_task_getJobTaskId(task) : 0;
}

/// Whether a Swift task is running on this thread.
static inline int lanes_has_current_task(void) {
    return swift_task_getCurrent() != 0;
}

/// The task id of an executor job (a task is its own first job; 0 for jobs that are not tasks).
static inline uint64_t lanes_job_task_id(void *job) {
    return swift_task_getJobTaskId(job);
}

#endif
