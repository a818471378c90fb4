#if canImport(Glibc)
import Glibc
#endif

/// What the watchdog thread has spent so far, for `LanesBenchmarks watchdog`: its CPU time
/// taking samples, by kind, measured on its own thread's CPU clock around each sample.
@_spi(Benchmarks)
public struct WatchdogCost: Sendable, Equatable {
    /// Samples of threads blocked in the kernel (stack read from outside), and their CPU time.
    public var blockedSamples = 0
    public var blockedNanoseconds: Int64 = 0
    /// Samples of runnable threads (signalled when on a CPU), and their CPU time.
    public var runningSamples = 0
    public var runningNanoseconds: Int64 = 0
    /// How many of those were signalled and answered with a stack, and their CPU time.
    public var signalledSamples = 0
    public var signalledNanoseconds: Int64 = 0

    /// The totals so far in this process.
    public static var current: WatchdogCost { total.withLock { $0 } }

    static let total = Locked(WatchdogCost())

    /// The calling thread's CPU time (ns).
    static func threadCPU() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
