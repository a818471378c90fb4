#ifndef LANES_THREAD_SLOT_H
#define LANES_THREAD_SLOT_H

#include <stdint.h>

/// The calling thread's Lanes slot (a retained `ThreadSlot`), NULL until its first span and
/// again once its thread-exit destructor ran. A thread-local read is one instruction here,
/// where `pthread_getspecific` is a call.
extern _Thread_local void *lanes_thread_slot;

static inline void *lanes_current_thread_slot(void) {
    return lanes_thread_slot;
}

static inline void lanes_set_current_thread_slot(void *slot) {
    lanes_thread_slot = slot;
}

/// The `WorkerPool` whose worker the calling thread is (unretained; the pool outlives its
/// threads), NULL on any other thread. Set once when a worker starts.
extern _Thread_local const void *lanes_thread_pool;

static inline const void *lanes_current_thread_pool(void) {
    return lanes_thread_pool;
}

static inline void lanes_set_current_thread_pool(const void *pool) {
    lanes_thread_pool = pool;
}

/// The task whose own job a `WorkerPool` thread is running (0: none, or a job that is not a
/// task's, such as an actor's drain job, which may run many tasks in turn).
extern _Thread_local uint64_t lanes_thread_running_task;

static inline uint64_t lanes_current_running_task(void) {
    return lanes_thread_running_task;
}

static inline void lanes_set_current_running_task(uint64_t task) {
    lanes_thread_running_task = task;
}

#endif
