// Lanes' global-executor takeover: the only code that touches the Swift runtime's executor
// hooks. What it assumes, each checked on the toolchain named in `GlobalExecutorTakeover.swift`
// (which refuses other compilers):
//
//  1. libswift_Concurrency exports the hook variables `swift_task_enqueueGlobal_hook`,
//     `swift_task_enqueueGlobalWithDelay_hook` and `swift_task_enqueueGlobalWithDeadline_hook`
//     as plain function pointers (no pointer authentication on Linux), read by the runtime on
//     every enqueue. They are referenced weakly: a runtime without them gives
//     LANES_HOOKS_MISSING, never a failure to load.
//  2. The hooks and `swift_job_run` use the Swift calling convention with the signatures of the
//     runtime's ConcurrencyHooks.def (Swift 6.x): `(Job *, original)`, `(unsigned long long
//     delay, Job *, original)`, `(long long sec, long long nsec, long long tolerance sec, long
//     long tolerance nsec, int clock, Job *, original)`; `SerialExecutorRef` is two words, and
//     the generic executor is both zero.
//  3. A job handed to a hook must be run exactly once, on any thread, with `swift_job_run` on
//     the generic executor; until then it stays valid. The hooks may be called on any thread,
//     including from inside a running job, and must not block.
//  4. `swift_get_time` reads the clock a deadline was given in (continuous = 1, suspending = 2).
//  5. Hooks, once installed, are never uninstalled: jobs may already be queued with Lanes.

#include "LanesExecutorHooks.h"
#include "LanesTaskIdentity.h"

#include <stddef.h>

#define LANES_SWIFTCALL __attribute__((swiftcall))

typedef struct {
    const void *identity;
    uintptr_t implementation;
} lanes_serial_executor_ref;

typedef LANES_SWIFTCALL void (*lanes_enqueue_original)(void *job);
typedef LANES_SWIFTCALL void (*lanes_enqueue_hook)(void *job, lanes_enqueue_original original);
typedef LANES_SWIFTCALL void (*lanes_delay_original)(unsigned long long delay, void *job);
typedef LANES_SWIFTCALL void (*lanes_delay_hook)(
    unsigned long long delay, void *job, lanes_delay_original original);
typedef LANES_SWIFTCALL void (*lanes_deadline_original)(
    long long seconds, long long nanoseconds, long long tolerance_seconds,
    long long tolerance_nanoseconds, int clock, void *job);
typedef LANES_SWIFTCALL void (*lanes_deadline_hook)(
    long long seconds, long long nanoseconds, long long tolerance_seconds,
    long long tolerance_nanoseconds, int clock, void *job, lanes_deadline_original original);

extern lanes_enqueue_hook swift_task_enqueueGlobal_hook __attribute__((weak));
extern lanes_delay_hook swift_task_enqueueGlobalWithDelay_hook __attribute__((weak));
extern lanes_deadline_hook swift_task_enqueueGlobalWithDeadline_hook __attribute__((weak));
extern LANES_SWIFTCALL void swift_job_run(void *job, lanes_serial_executor_ref executor);
extern LANES_SWIFTCALL void swift_get_time(long long *seconds, long long *nanoseconds, int clock)
    __attribute__((weak));
extern LANES_SWIFTCALL const char *swift_task_getCurrentTaskName(void) __attribute__((weak));

static lanes_global_job_sink lanes_sink;

static LANES_SWIFTCALL void lanes_on_enqueue(void *job, lanes_enqueue_original original) {
    (void)original;
    lanes_sink(job, 0);
}

static LANES_SWIFTCALL void lanes_on_enqueue_with_delay(
    unsigned long long delay, void *job, lanes_delay_original original) {
    (void)original;
    lanes_sink(job, delay == 0 ? 1 : (uint64_t)delay);
}

static LANES_SWIFTCALL void lanes_on_enqueue_with_deadline(
    long long seconds, long long nanoseconds, long long tolerance_seconds,
    long long tolerance_nanoseconds, int clock, void *job, lanes_deadline_original original) {
    (void)tolerance_seconds;
    (void)tolerance_nanoseconds;
    (void)original;
    long long now_seconds = 0, now_nanoseconds = 0;
    swift_get_time(&now_seconds, &now_nanoseconds, clock);
    __int128 remaining = ((__int128)seconds - now_seconds) * 1000000000 + (nanoseconds - now_nanoseconds);
    uint64_t delay = remaining <= 0 ? 1 : (remaining > (__int128)INT64_MAX ? (uint64_t)INT64_MAX : (uint64_t)remaining);
    lanes_sink(job, delay);
}

lanes_hooks_result lanes_install_global_executor_hooks(lanes_global_job_sink sink) {
    if (&swift_task_enqueueGlobal_hook == NULL || &swift_task_enqueueGlobalWithDelay_hook == NULL
        || &swift_task_enqueueGlobalWithDeadline_hook == NULL || swift_get_time == NULL) {
        return LANES_HOOKS_MISSING;
    }
    lanes_sink = sink;
    // The enqueue hook decides ownership: whoever set it first owns the global executor.
    lanes_enqueue_hook expected = NULL;
    if (!__atomic_compare_exchange_n(&swift_task_enqueueGlobal_hook, &expected, lanes_on_enqueue,
                                     0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        return LANES_HOOKS_TAKEN;
    }
    // Delayed jobs may still go to the runtime's own timer if someone set those hooks alone;
    // its wake-ups then reach Lanes through the enqueue hook.
    lanes_delay_hook no_delay_hook = NULL;
    __atomic_compare_exchange_n(&swift_task_enqueueGlobalWithDelay_hook, &no_delay_hook,
                                lanes_on_enqueue_with_delay, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    lanes_deadline_hook no_deadline_hook = NULL;
    __atomic_compare_exchange_n(&swift_task_enqueueGlobalWithDeadline_hook, &no_deadline_hook,
                                lanes_on_enqueue_with_deadline, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return LANES_HOOKS_INSTALLED;
}

int lanes_global_executor_hooks_installed(void) {
    if (&swift_task_enqueueGlobal_hook == NULL) return 0;
    return __atomic_load_n(&swift_task_enqueueGlobal_hook, __ATOMIC_ACQUIRE) == lanes_on_enqueue;
}

void lanes_run_job_on_generic_executor(void *job) {
    lanes_serial_executor_ref generic = {0, 0};
    swift_job_run(job, generic);
}

uint64_t lanes_enqueuing_task_id(void) {
    return lanes_current_task_id();
}

const char *lanes_current_task_name(void) {
    return swift_task_getCurrentTaskName ? swift_task_getCurrentTaskName() : NULL;
}
