#ifndef LANES_WORKER_SLOTS_H
#define LANES_WORKER_SLOTS_H

#include <pthread.h>
#include <stdint.h>

// What each of Lanes' executor threads is running, published for the watchdog: one slot per
// thread in a fixed table, written by the thread itself with relaxed atomics (three stores per
// job) and read by the watchdog thread. Plain C so that a signal handler may read it.

/// The most executor threads the watchdog can watch at once; more run unwatched.
#define LANES_WORKER_SLOT_COUNT 256

typedef struct {
    /// 1 while a thread owns the slot.
    int32_t in_use;
    /// The kernel's id of the thread (for /proc/self/task/TID).
    int32_t thread_id;
    /// Lanes' number for the thread, as in the trace's thread records.
    uint64_t trace_thread;
    pthread_t pthread;
    /// The thread's stack: [stack_low, stack_high).
    uintptr_t stack_low;
    uintptr_t stack_high;
    /// When the running job started (span clock, ns); 0 while the thread is idle.
    int64_t job_started;
    /// The task id of the running job (0 for jobs that are not tasks, such as an actor's).
    uint64_t job_task;
    /// Incremented at every job start: tells two jobs apart that started at the same time.
    uint64_t job_sequence;
    /// The recording the thread's pool records into (an unretained `Recorder`, which lives for
    /// the rest of the process), or NULL for the process-wide one: where the watchdog writes
    /// the thread's samples.
    void *recorder;
} lanes_worker_slot;

/// The table. Slots [0, lanes_worker_slot_high_water) have been used at some point.
extern lanes_worker_slot lanes_worker_slots[LANES_WORKER_SLOT_COUNT];
extern int32_t lanes_worker_slot_high_water;

/// How many processors this process may run on (its affinity mask), at least 1.
int lanes_available_processor_count(void);

/// Gives the calling thread its kernel name (the first 15 bytes of `name`), as `top -H`, `perf`
/// and debuggers show it.
void lanes_name_current_thread(const char *name);

/// Claims a slot for the calling thread, fills in its identity and stack; -1 when all are taken.
int32_t lanes_worker_slot_claim(uint64_t trace_thread);

/// Says which recording the slot's thread records into (NULL: the process-wide one).
static inline void lanes_worker_slot_set_recorder(int32_t slot, void *recorder) {
    if (slot < 0) return;
    __atomic_store_n(&lanes_worker_slots[slot].recorder, recorder, __ATOMIC_RELEASE);
}

/// Gives the slot back (the thread is exiting).
void lanes_worker_slot_release(int32_t slot);

/// The thread started running a job of `task` at `started`.
static inline void lanes_worker_slot_begin_job(int32_t slot, uint64_t task, int64_t started) {
    if (slot < 0) return;
    lanes_worker_slot *entry = &lanes_worker_slots[slot];
    __atomic_store_n(&entry->job_task, task, __ATOMIC_RELAXED);
    __atomic_store_n(&entry->job_sequence, entry->job_sequence + 1, __ATOMIC_RELAXED);
    __atomic_store_n(&entry->job_started, started, __ATOMIC_RELEASE);
}

/// The thread's job returned.
static inline void lanes_worker_slot_end_job(int32_t slot) {
    if (slot < 0) return;
    __atomic_store_n(&lanes_worker_slots[slot].job_started, 0, __ATOMIC_RELEASE);
}

#endif
