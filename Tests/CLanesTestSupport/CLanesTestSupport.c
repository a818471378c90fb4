#define _GNU_SOURCE
#include "CLanesTestSupport.h"

#include <sched.h>

int lanes_test_first_allowed_processor(void) {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return -1;
    for (int processor = 0; processor < CPU_SETSIZE; processor++) {
        if (CPU_ISSET(processor, &allowed)) return processor;
    }
    return -1;
}

int lanes_test_pin_current_thread(int processor) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(processor, &set);
    return sched_setaffinity(0, sizeof(set), &set);
}
