#if canImport(Glibc)
import Glibc
#endif

/// Synchronous CPU work of a handler: about 30 ms of the thread's CPU time, whatever else the
/// machine does, so the pause it causes is "computing", not waiting.
enum PriceCalculation {
    /// The thread CPU time one calculation uses.
    static let cpuNanoseconds: UInt64 = 30_000_000

    /// Mixes numbers until the calling thread has used `cpuNanoseconds` of CPU time.
    static func price(for seed: Int) -> UInt64 {
        let start = threadCPUNanoseconds()
        var value = UInt64(truncatingIfNeeded: seed) | 1
        repeat {
            for _ in 0..<20_000 {
                value = (value ^ (value >> 31)) &* 0x9E37_79B9_7F4A_7C15  // scenario-site: price loop
            }
        } while threadCPUNanoseconds() &- start < cpuNanoseconds
        return value
    }

    private static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
