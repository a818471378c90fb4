#define _GNU_SOURCE
#include "LanesWorkerSlots.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

lanes_worker_slot lanes_worker_slots[LANES_WORKER_SLOT_COUNT];
int32_t lanes_worker_slot_high_water = 0;

int32_t lanes_worker_slot_claim(uint64_t trace_thread) {
    for (int32_t index = 0; index < LANES_WORKER_SLOT_COUNT; index++) {
        int32_t expected = 0;
        if (!__atomic_compare_exchange_n(&lanes_worker_slots[index].in_use, &expected, 1, 0,
                                         __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
            continue;
        }
        lanes_worker_slot *slot = &lanes_worker_slots[index];
        slot->thread_id = (int32_t)syscall(SYS_gettid);
        slot->trace_thread = trace_thread;
        slot->pthread = pthread_self();
        slot->recorder = 0;
        slot->stack_low = 0;
        slot->stack_high = 0;
        pthread_attr_t attributes;
        if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
            void *low = 0;
            size_t size = 0;
            if (pthread_attr_getstack(&attributes, &low, &size) == 0) {
                slot->stack_low = (uintptr_t)low;
                slot->stack_high = (uintptr_t)low + size;
            }
            pthread_attr_destroy(&attributes);
        }
        __atomic_store_n(&slot->job_started, 0, __ATOMIC_RELAXED);
        int32_t high = __atomic_load_n(&lanes_worker_slot_high_water, __ATOMIC_RELAXED);
        while (high < index + 1 &&
               !__atomic_compare_exchange_n(&lanes_worker_slot_high_water, &high, index + 1, 0,
                                            __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
        }
        return index;
    }
    return -1;
}

void lanes_worker_slot_release(int32_t slot) {
    if (slot < 0) return;
    __atomic_store_n(&lanes_worker_slots[slot].job_started, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&lanes_worker_slots[slot].in_use, 0, __ATOMIC_RELEASE);
}

#include <sched.h>

int lanes_available_processor_count(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        int count = CPU_COUNT(&set);
        if (count > 0) return count;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}

#include <string.h>

void lanes_name_current_thread(const char *name) {
    char truncated[16];
    strncpy(truncated, name, sizeof truncated - 1);
    truncated[sizeof truncated - 1] = 0;
    pthread_setname_np(pthread_self(), truncated);
}
