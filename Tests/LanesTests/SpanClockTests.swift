import CLanesRuntime
import Foundation
@testable import Lanes
import Testing

@Suite("The span clock")
struct SpanClockTests {
    typealias Sample = CounterClockCalibration.Sample

    @Test("the counter's rate comes out in 32.32 fixed point, and implausible counters are refused")
    func rateArithmetic() throws {
        let first = Sample(ticks: 1_000_000, nanoseconds: 5_000_000_000)
        // A 3 GHz counter over one second: a third of a nanosecond per tick.
        let threeGigahertz = try #require(CounterClockCalibration.nanosecondsPerTick(
            from: first, to: Sample(ticks: 3_001_000_000, nanoseconds: 6_000_000_000)))
        #expect(threeGigahertz == (UInt64(1) << 32) / 3)
        // 2.5 GHz over 200 ms.
        let slower = try #require(CounterClockCalibration.nanosecondsPerTick(
            from: first, to: Sample(ticks: 501_000_000, nanoseconds: 5_200_000_000)))
        #expect(slower == (UInt64(2) << 32) / 5)

        #expect(CounterClockCalibration.nanosecondsPerTick(
            from: first, to: Sample(ticks: 999_999, nanoseconds: 6_000_000_000)) == nil, "counter ran backwards")
        #expect(CounterClockCalibration.nanosecondsPerTick(
            from: first, to: Sample(ticks: 2_000_000, nanoseconds: 5_000_000_000)) == nil, "no time passed")
        #expect(CounterClockCalibration.nanosecondsPerTick(
            from: first, to: Sample(ticks: 51_000_000, nanoseconds: 6_000_000_000)) == nil, "50 MHz is not a TSC")
        #expect(CounterClockCalibration.nanosecondsPerTick(
            from: first, to: Sample(ticks: UInt64.max, nanoseconds: 5_000_000_001)) == nil, "absurdly fast")
    }

    @Test("after calibration the span clock keeps to CLOCK_MONOTONIC and never runs backwards on a thread")
    func calibratedClockAgreesWithTheKernel() async throws {
        // Other tests' recorders advance the calibration too; these calls finish it if not.
        CounterClockCalibration.advance()
        CounterClockCalibration.advance()
        try await Task.sleep(for: .milliseconds(250))
        CounterClockCalibration.advance()
        let source = CounterClockCalibration.source
        if case .counter(let ticksPerSecond) = source {
            #expect(ticksPerSecond > 1e8 && ticksPerSecond < 2e10)
        }

        var largestGap: Int64 = 0
        for _ in 0..<1_000 {
            let before = lanes_system_monotonic_nanoseconds()
            let clock = MonotonicClock.now()
            let after = lanes_system_monotonic_nanoseconds()
            largestGap = max(largestGap, before - clock, clock - after)
        }
        // Within 50 µs of the kernel's clock read around it (the counter is calibrated to a few
        // parts per million; the margin is for a preemption between the reads).
        #expect(largestGap < 50_000, "span clock (\(source)) strays \(largestGap) ns from CLOCK_MONOTONIC")

        let backwardSteps = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var previous = MonotonicClock.now()
                    var steps = 0
                    for _ in 0..<200_000 {
                        let now = MonotonicClock.now()
                        if now < previous { steps += 1 }
                        previous = now
                    }
                    return steps
                }
            }
            return await group.reduce(0, +)
        }
        #expect(backwardSteps == 0)
    }
}
