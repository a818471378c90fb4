#ifndef C_JOB_CAPTURE_PROBE_H
#define C_JOB_CAPTURE_PROBE_H

#include <stdint.h>

// The runtime's delayed-enqueue entry points, called the way Swift's own `Task.sleep` called them
// before Swift 6.2 (a nullary continuation job resumes the sleeping task): Swift 6.3 schedules
// sleeps on its default executor instead, so these are how the job-capture tests reach Lanes'
// delay and deadline hooks.

/// Resumes `continuation` (an `UnsafeContinuation<Void, Never>`'s raw pointer) after `nanoseconds`
/// through `swift_task_enqueueGlobalWithDelay`.
void probe_resume_after_delay(void *continuation, uint64_t nanoseconds);

/// The same through `swift_task_enqueueGlobalWithDeadline` on the continuous clock.
void probe_resume_at_deadline(void *continuation, uint64_t nanoseconds);

#endif
