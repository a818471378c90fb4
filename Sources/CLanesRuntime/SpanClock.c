#include "LanesSpanClock.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

int lanes_counter_clock_ready = 0;
uint64_t lanes_counter_anchor_ticks = 0;
int64_t lanes_counter_anchor_nanoseconds = 0;
uint64_t lanes_counter_nanoseconds_per_tick = 0;

int lanes_counter_is_invariant(void) {
#if defined(__x86_64__)
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(0x80000000, &eax, &ebx, &ecx, &edx) || eax < 0x80000007) return 0;
    if (!__get_cpuid(0x80000007, &eax, &ebx, &ecx, &edx)) return 0;
    return (edx >> 8) & 1;
#else
    return 0;
#endif
}

void lanes_publish_counter_clock(uint64_t anchor_ticks, int64_t anchor_nanoseconds, uint64_t nanoseconds_per_tick) {
    if (__atomic_load_n(&lanes_counter_clock_ready, __ATOMIC_ACQUIRE)) return;
    lanes_counter_anchor_ticks = anchor_ticks;
    lanes_counter_anchor_nanoseconds = anchor_nanoseconds;
    lanes_counter_nanoseconds_per_tick = nanoseconds_per_tick;
    __atomic_store_n(&lanes_counter_clock_ready, 1, __ATOMIC_RELEASE);
}
