import CLanesRuntime
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The clocks Lanes records with: the monotonic clock for every timestamp, and the calling
/// thread's CPU clock for synchronous spans.
enum MonotonicClock {
    /// Nanoseconds on CLOCK_MONOTONIC's scale: the time base of every `.lanes` file. Read from
    /// the processor's time-stamp counter once `CounterClockCalibration` has measured it,
    /// else from `clock_gettime`.
    @inline(__always)
    static func now() -> Int64 {
        lanes_monotonic_nanoseconds()
    }

    /// CPU time consumed by the calling thread, in nanoseconds. A system call (about 0.5 µs),
    /// so only synchronous spans pay for it.
    @inline(__always)
    static func threadCPUTime() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }

    /// Nanoseconds since 1970 on the wall clock, paired once with `now()` in the file header.
    static func unixNow() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }
}
