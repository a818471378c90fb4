import CLanesRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Moves the span clock from `clock_gettime` to the processor's time-stamp counter, which
/// reads in less than half the time, once the counter's rate is known.
///
/// The counter is used only where it is as good a clock as CLOCK_MONOTONIC: an invariant
/// counter (constant rate in every power state) that the kernel itself has chosen as its
/// clocksource (so it is synchronised across cores), and not when `LANES_CLOCK=system` asks
/// for the kernel's clock. The rate is measured against CLOCK_MONOTONIC over at least
/// `calibrationInterval`, between two readings taken by the recorder's writer thread; until
/// then timestamps come from `clock_gettime`, and the switch lands within a few nanoseconds
/// of it. Afterwards the counter follows the hardware's rate, as CLOCK_MONOTONIC_RAW does:
/// it may drift from CLOCK_MONOTONIC by the few parts per million NTP corrects, which shifts
/// no duration in a trace by more than that.
package enum CounterClockCalibration {
    /// The span clock in use, for benchmarks and messages.
    enum Source: Equatable, Sendable {
        case system
        case counter(ticksPerSecond: Double)
    }

    /// A counter reading and the CLOCK_MONOTONIC time taken at the same moment.
    struct Sample: Equatable {
        var ticks: UInt64
        var nanoseconds: Int64
    }

    private enum State {
        case unchecked
        case unavailable
        case measuring(since: Sample)
        case published(ticksPerSecond: Double)
    }

    static let calibrationInterval: Int64 = 200_000_000
    private static let state = Mutex(State.unchecked)

    /// The clock timestamps come from now.
    static var source: Source {
        state.withLock { state in
            if case .published(let ticksPerSecond) = state { return .counter(ticksPerSecond: ticksPerSecond) }
            return .system
        }
    }

    /// The clock in use, in words (for the benchmarks' reports).
    package static var description: String {
        switch source {
        case .system: "clock_gettime(CLOCK_MONOTONIC)"
        case .counter(let ticksPerSecond):
            "the time-stamp counter (\(Int((ticksPerSecond / 1e6).rounded())) MHz, calibrated against CLOCK_MONOTONIC)"
        }
    }

    /// Takes the next step of the calibration; cheap when there is none left. The writer
    /// thread of every recording calls it once per cycle.
    static func advance() {
        state.withLock { state in
            switch state {
            case .unavailable, .published:
                return
            case .unchecked:
                state = isCounterUsable() ? .measuring(since: sample()) : .unavailable
            case .measuring(let first):
                let second = sample()
                guard second.nanoseconds - first.nanoseconds >= calibrationInterval else { return }
                guard let rate = nanosecondsPerTick(from: first, to: second) else {
                    state = .unavailable
                    return
                }
                lanes_publish_counter_clock(second.ticks, second.nanoseconds, rate)
                state = .published(ticksPerSecond: 4_294_967_296 * 1e9 / Double(rate))
            }
        }
    }

    /// Nanoseconds per tick in 32.32 fixed point between two samples, or nil when the
    /// samples do not give a plausible counter (running backwards, or outside 100 MHz–20 GHz).
    static func nanosecondsPerTick(from first: Sample, to second: Sample) -> UInt64? {
        guard second.ticks > first.ticks, second.nanoseconds > first.nanoseconds else { return nil }
        let ticks = second.ticks - first.ticks
        let nanoseconds = UInt64(second.nanoseconds - first.nanoseconds)
        let ticksPerSecond = Double(ticks) * 1e9 / Double(nanoseconds)
        guard ticksPerSecond >= 1e8, ticksPerSecond <= 2e10 else { return nil }
        let dividend = (high: nanoseconds >> 32, low: nanoseconds << 32)
        guard dividend.high < ticks else { return nil }
        return ticks.dividingFullWidth(dividend).quotient
    }

    /// The counter and CLOCK_MONOTONIC read together: of five tries, the one whose two counter
    /// readings around the clock were closest, attributed to their midpoint.
    private static func sample() -> Sample {
        var best = Sample(ticks: 0, nanoseconds: 0)
        var narrowest = UInt64.max
        for _ in 0..<5 {
            let before = lanes_read_counter()
            let nanoseconds = lanes_system_monotonic_nanoseconds()
            let after = lanes_read_counter()
            let width = after &- before
            if width < narrowest {
                narrowest = width
                best = Sample(ticks: before &+ width / 2, nanoseconds: nanoseconds)
            }
        }
        return best
    }

    /// An invariant counter that the kernel uses as its own clocksource, unless
    /// `LANES_CLOCK=system` says otherwise.
    private static func isCounterUsable() -> Bool {
        if let setting = getenv("LANES_CLOCK"), String(cString: setting) == "system" { return false }
        guard lanes_counter_is_invariant() != 0 else { return false }
        return kernelClocksource() == "tsc"
    }

    private static func kernelClocksource() -> String? {
        let descriptor = open("/sys/devices/system/clocksource/clocksource0/current_clocksource", O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: bytes[0..<count].prefix { $0 != 0x0A && $0 != 0 }, as: UTF8.self)
    }
}
