#ifndef LANES_SPAN_CLOCK_H
#define LANES_SPAN_CLOCK_H

#include <stdint.h>
#include <time.h>

// The span clock. Every Lanes timestamp is nanoseconds on CLOCK_MONOTONIC's scale. Once
// `lanes_publish_counter_clock` has run (after Lanes has calibrated the processor's invariant
// time-stamp counter against CLOCK_MONOTONIC), the counter is read directly: about 10 ns here
// against 24 ns for clock_gettime. Before that, and wherever the counter is not used, it is
// clock_gettime(CLOCK_MONOTONIC).

/// Set (with release ordering) once the three calibration values below are final.
extern int lanes_counter_clock_ready;
/// The counter value and the CLOCK_MONOTONIC time of the calibration's anchor.
extern uint64_t lanes_counter_anchor_ticks;
extern int64_t lanes_counter_anchor_nanoseconds;
/// Nanoseconds per counter tick, in 32.32 fixed point.
extern uint64_t lanes_counter_nanoseconds_per_tick;

/// The processor's time-stamp counter (0 where there is none).
static inline uint64_t lanes_read_counter(void) {
#if defined(__x86_64__)
    return __builtin_ia32_rdtsc();
#else
    return 0;
#endif
}

/// CLOCK_MONOTONIC, from the kernel.
static inline int64_t lanes_system_monotonic_nanoseconds(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (int64_t)time.tv_sec * 1000000000 + (int64_t)time.tv_nsec;
}

/// The span clock: nanoseconds on CLOCK_MONOTONIC's scale.
static inline int64_t lanes_monotonic_nanoseconds(void) {
#if defined(__x86_64__)
    if (__atomic_load_n(&lanes_counter_clock_ready, __ATOMIC_ACQUIRE)) {
        int64_t ticks = (int64_t)(lanes_read_counter() - lanes_counter_anchor_ticks);
        __int128 scaled = (__int128)ticks * (__int128)lanes_counter_nanoseconds_per_tick;
        return lanes_counter_anchor_nanoseconds + (int64_t)(scaled >> 32);
    }
#endif
    return lanes_system_monotonic_nanoseconds();
}

/// Whether the processor has an invariant time-stamp counter (constant rate in every power
/// state), the first condition for timing spans with it.
int lanes_counter_is_invariant(void);

/// Makes the span clock read the counter from now on. Called once.
void lanes_publish_counter_clock(uint64_t anchor_ticks, int64_t anchor_nanoseconds, uint64_t nanoseconds_per_tick);

#endif
