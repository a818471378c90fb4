#ifndef LANES_THREAD_SLOT_H
#define LANES_THREAD_SLOT_H

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

#endif
