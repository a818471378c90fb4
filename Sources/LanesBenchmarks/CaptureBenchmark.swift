import CLanesRuntime
import Foundation
import InMemoryTracing
import Lanes
import Tracing

#if canImport(Glibc)
import Glibc
#endif

/// `swift run -c release LanesBenchmarks capture [SPANS] [SECONDS]`: what recording costs.
///
/// Nanoseconds per span (begin + end) for a sync span, an async span under a parent, the same
/// nesting through swift-distributed-tracing's InMemoryTracer, two `clock_gettime` monotonic
/// clock reads (the floor) and two reads of the span clock Lanes uses; two threads recording
/// at once against one; the task-state executor against the default executor on 100,000
/// `Task.yield()`s; and memory over a sustained recording against the cap. Each figure is the
/// median of 5 runs. Traces go to /dev/null so the disk is not measured.
enum CaptureBenchmark {
    static func run(arguments: [String]) async throws {
        let spans = arguments.first.flatMap(Int.init) ?? 1_000_000
        let sustainedSeconds = arguments.dropFirst().first.flatMap(Double.init) ?? 10
        print("capture benchmark: \(spans) spans per run, median of 5 runs, release build")

        let floor = median { perIteration(spans) { _ = twoClockReads() } }
        print(line("two monotonic clock reads (floor)", floor))

        var off = [Double]()
        for _ in 0..<5 { off.append(await asyncSpans(spans)) }
        print(line("async span while nothing records", middle(off)))

        let recording = try Lanes.record(to: "/dev/null", captureJobs: false)
        let sync = median { perIteration(spans) { Lanes.syncSpan("sync") {} } }
        print(line("sync span (wall + thread CPU time)", sync))
        var asyncSpan = [Double]()
        for _ in 0..<5 { asyncSpan.append(await asyncSpans(spans)) }
        let asyncMedian = middle(asyncSpan)
        print(line("async span with parent propagation", asyncMedian))
        print("  span clock: \(CounterClockCalibration.description)")
        let spanClock = median { perIteration(spans) { _ = twoSpanClockReads() } }
        print(line("two reads of that span clock", spanClock))
        var twoThreads = [Double]()
        for _ in 0..<5 { twoThreads.append(await asyncSpansOnTwoTasks(spans)) }
        let twoMedian = middle(twoThreads)
        print(line("async span, two threads recording at once (per span, per thread)", twoMedian))
        await recording.finish()

        let tracerSpans = max(1, spans / 20)
        var tracer = [Double]()
        for _ in 0..<5 { tracer.append(await inMemoryTracerSpans(tracerSpans)) }
        let tracerMedian = middle(tracer)
        print(line("InMemoryTracer withSpan, nested (\(tracerSpans) spans)", tracerMedian))

        print(String(format: "  async span / floor: %.1f×   InMemoryTracer / async span: %.1f×   two threads / one: %.2f×",
            asyncMedian / floor, tracerMedian / asyncMedian, twoMedian / asyncMedian))

        try await executorComparison()
        try await sustained(seconds: sustainedSeconds)
    }

    // MARK: Span costs

    /// Two `clock_gettime(CLOCK_MONOTONIC)` calls: the floor the issue sets the span against.
    @inline(never)
    static func twoClockReads() -> Int64 {
        var first = timespec()
        var second = timespec()
        clock_gettime(CLOCK_MONOTONIC, &first)
        clock_gettime(CLOCK_MONOTONIC, &second)
        return Int64(second.tv_nsec &- first.tv_nsec)
    }

    /// Two reads of the clock spans are timed with (the counter once calibrated).
    @inline(never)
    static func twoSpanClockReads() -> Int64 {
        let first = lanes_monotonic_nanoseconds()
        let second = lanes_monotonic_nanoseconds()
        return second &- first
    }

    static func asyncSpans(_ count: Int) async -> Double {
        await Lanes.span("parent") {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<count {
                await Lanes.span("child") {}
            }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(count)
        }
    }

    static func asyncSpansOnTwoTasks(_ count: Int) async -> Double {
        async let first = Task.detached { await asyncSpans(count) }.value
        async let second = Task.detached { await asyncSpans(count) }.value
        let (a, b) = await (first, second)
        return (a + b) / 2
    }

    static func inMemoryTracerSpans(_ count: Int) async -> Double {
        let tracer = InMemoryTracer()
        return await tracer.withSpan("parent") { _ in
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<count {
                await tracer.withSpan("child") { (_: InMemorySpan) async in }
            }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(count)
        }
    }

    // MARK: Executor

    static let yieldingTasks = 10
    static let yieldsPerTask = 10_000

    static func yieldWorkload() async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<yieldingTasks {
                group.addTask {
                    for _ in 0..<yieldsPerTask { await Task.yield() }
                }
            }
        }
    }

    static func executorComparison() async throws {
        var defaultTimes = [Double]()
        var tracingTimes = [Double]()
        for _ in 0..<5 {
            var start = DispatchTime.now().uptimeNanoseconds
            await yieldWorkload()
            defaultTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            let recording = try Lanes.record(to: "/dev/null", captureJobs: false)
            start = DispatchTime.now().uptimeNanoseconds
            await Lanes.withTaskStates(threads: 2) { await yieldWorkload() }
            tracingTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            await recording.finish()
        }
        let total = yieldingTasks * yieldsPerTask
        let defaultMedian = middle(defaultTimes)
        let tracingMedian = middle(tracingTimes)
        print("\(total) Task.yield() on the default executor".padding(toLength: 68, withPad: " ", startingAt: 0)
            + String(format: "%9.1f ms", defaultMedian))
        print("\(total) Task.yield() on the task-state executor (2 threads, recording)".padding(toLength: 68, withPad: " ", startingAt: 0)
            + String(format: "%9.1f ms  (%.2f× the default executor)", tracingMedian, tracingMedian / defaultMedian))
    }

    // MARK: Sustained recording

    static func sustained(seconds: Double) async throws {
        let cap = LanesRecording.defaultMemoryLimit
        let residentBefore = residentBytes()
        let recording = try Lanes.record(to: "/dev/null", captureJobs: false)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    var count = 0
                    await Lanes.span("worker") {
                        while DispatchTime.now().uptimeNanoseconds < deadline {
                            for _ in 0..<1000 { await Lanes.span("tick") {} }
                            count += 1000
                        }
                    }
                    return count
                }
            }
            var peakResident = 0
            while DispatchTime.now().uptimeNanoseconds < deadline {
                try? await Task.sleep(for: .milliseconds(200))
                peakResident = max(peakResident, residentBytes())
            }
            var total = 0
            for await count in group { total += count }
            return (total, peakResident)
        }
        let dropped = recording.droppedEvents
        await recording.finish()
        print(String(format: "sustained %.0f s, 2 tasks at full speed: %d spans (%.1f M/s), %llu events dropped",
            seconds, counts.0, Double(counts.0) / seconds / 1e6, dropped))
        print(String(format: "  resident memory grew %.1f MiB (peak over the run) against a %.0f MiB cap",
            Double(max(0, counts.1 - residentBefore)) / 1_048_576, Double(cap) / 1_048_576))
    }

    /// Resident set size of this process, from /proc/self/statm.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    // MARK: Helpers

    static func perIteration(_ count: Int, _ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<count { body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(count)
    }

    static func median(_ measure: () -> Double) -> Double {
        middle((0..<5).map { _ in measure() })
    }

    static func middle(_ values: [Double]) -> Double {
        values.sorted()[values.count / 2]
    }

    static func line(_ label: String, _ nanoseconds: Double) -> String {
        label.padding(toLength: 68, withPad: " ", startingAt: 0) + String(format: "%9.1f ns/span", nanoseconds)
    }
}
