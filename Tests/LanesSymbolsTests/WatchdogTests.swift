import CLanesTestSupport
import Foundation
import Lanes
import LanesAnalysis
import LanesFormat
import LanesModel
import LanesSymbols
import Synchronization
import Testing

/// The watchdog in this very process: jobs that sleep, compute or share one core run on a
/// `withTaskStates` executor inside a scoped recording; the trace is read back, symbolicated
/// against this test binary and diagnosed.
@Suite(.serialized) struct WatchdogTests {
    /// Records `body` on a task-state executor of `threads` threads; returns its value and the
    /// symbolicated trace.
    static func record<Value: Sendable>(threads: Int, _ body: @escaping @Sendable () async -> Value) async throws
        -> (value: Value, trace: Trace)
    {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-watchdog-\(UUID().uuidString).lanes").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let value = try await Lanes.record(to: path) {
            await Lanes.withTaskStates(threads: threads) { await body() }
        }
        var trace = try TraceLoader.load(path: path).trace
        TraceSymbolication.symbolicateIfNeeded(&trace) { Issue.record("symbolication: \($0)") }
        return (value, trace)
    }

    /// The samples of every job of at least `minimum` ns, by job.
    static func samplesOfLongJobs(_ trace: Trace, minimum: Int64 = 100_000_000) -> [[Int]] {
        trace.slices.filter { $0.ended - $0.started >= minimum }.map { Array(SampleDiagnosis.samples(ofJob: $0, in: trace)) }
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    /// A thread blocked in the kernel is never signalled: its sleep lasts as long as asked, how
    /// ever often the watchdog samples it.
    @Test func sampledSleepsAreNotShortened() async throws {
        let (durations, trace) = try await Self.record(threads: 1) { () -> [Double] in
            var durations: [Double] = []
            var start = ContinuousClock.now
            usleep(250_000)
            durations.append(Self.milliseconds(since: start))
            start = ContinuousClock.now
            Self.threadSleep(0.25)
            durations.append(Self.milliseconds(since: start))
            start = ContinuousClock.now
            _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .milliseconds(250))
            durations.append(Self.milliseconds(since: start))
            return durations
        }
        for duration in durations { #expect(duration >= 250, "a 250 ms sleep lasted \(duration) ms") }
        let jobs = Self.samplesOfLongJobs(trace, minimum: 700_000_000)
        try #require(jobs.count == 1, "one 750 ms job expected, found \(trace.slices.map { $0.ended - $0.started })")
        let samples = jobs[0].map { trace.sampling.samples[$0] }
        // First sample at 10 ms, then every 5 ms growing to a sixteenth of the job's age: about
        // 50 in 750 ms when the watchdog gets a CPU whenever it asks.
        #expect(samples.count >= 25, "\(samples.count) samples: \(samples.map { "\(($0.time - $0.jobStarted) / 1_000_000)\($0.stateLetter)\($0.flags.rawValue)" })")
        let stacked = samples.filter { $0.stack >= 0 }
        let described = "samples (ms into the job, state, flags): \(stacked.map { "\(($0.time - $0.jobStarted) / 1_000_000)\($0.stateLetter)\($0.flags.rawValue)" })"
        // Asleep, a thread is read from /proc, never signalled. Between two sleeps it runs for
        // microseconds, but on a loaded machine it may wait milliseconds for a CPU on waking
        // (state R): such a sample may be signalled, and there are at most a few of them.
        let asleep = stacked.filter { $0.stateLetter != "R" }
        #expect(asleep.allSatisfy { $0.flags.contains(.readWhileBlocked) && !$0.flags.contains(.signalled) }, "\(described)")
        #expect(stacked.count - asleep.count <= 3, "\(described)")
        #expect(stacked.count >= samples.count - 2, "most samples have a stack: \(stacked.count) of \(samples.count)")
        let diagnosis = SampleDiagnosis(samples: jobs[0], in: trace)
        #expect(diagnosis.state == .sleepingOrWaiting)
        #expect(diagnosis.sleepingFraction > 0.95)
        let functions = Set(stacked.compactMap { SampleDiagnosis.firstAppFrame(ofStack: Int($0.stack), in: trace)?.filePath })
        #expect(functions == [#filePath], "the sleeps' first app frames are in this file: \(functions)")
    }

    @inline(never)
    static func spin(milliseconds: Int) -> UInt64 {
        let deadline = ContinuousClock.now + .milliseconds(milliseconds)
        var value: UInt64 = 1
        while ContinuousClock.now < deadline {
            for step in 0..<10_000 { value = value &* 6364136223846793005 &+ UInt64(step) }
        }
        return value
    }

    /// A running thread is signalled: its stack comes from its own signal handler, names this
    /// function, and the job is on a CPU or waiting for one, never sleeping.
    @Test func aComputingJobIsSampledBySignal() async throws {
        let (_, trace) = try await Self.record(threads: 1) { Self.spin(milliseconds: 300) }
        let jobs = Self.samplesOfLongJobs(trace, minimum: 250_000_000)
        try #require(jobs.count == 1)
        let samples = jobs[0].map { trace.sampling.samples[$0] }
        // A busy machine keeps the loop off a CPU part of the time; it is signalled only on one.
        let signalled = samples.filter { $0.flags.contains(.signalled) }
        let onProcessor = samples.filter { !$0.flags.contains(.waitingForProcessor) && !$0.flags.contains(.baseline) }
        #expect(signalled.count >= 3, "\(signalled.count) of \(samples.count) samples signalled: \(samples.map(\.flags.rawValue))")
        #expect(signalled.count * 10 >= onProcessor.count * 8, "signalled \(signalled.count) of \(onProcessor.count) on a CPU: \(samples.map(\.flags.rawValue))")
        #expect(samples.allSatisfy { !$0.flags.contains(.interruptedSystemCall) })
        let diagnosis = SampleDiagnosis(samples: jobs[0], in: trace)
        #expect(diagnosis.site?.function == "static WatchdogTests.spin(milliseconds:)", "\(String(describing: diagnosis.site))")
        #expect(diagnosis.site?.filePath == #filePath)
        #expect(diagnosis.state == .computing || diagnosis.state == .preempted)
        #expect(diagnosis.sleepingFraction < 0.1, "sleeping \(diagnosis.sleepingFraction)")
    }

    /// Three CPU loops on one core: each gets about a third of it and waits for it the rest of
    /// the time, so each is "pre-empted", not "computing" (and not to be told to `Task.sleep`).
    @Test func loopsSharingOneCoreArePreempted() async throws {
        let processor = try #require(Self.firstAllowedProcessor())
        let (_, trace) = try await Self.record(threads: 3) {
            await withTaskGroup(of: UInt64.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        Self.pinCurrentThread(to: processor)
                        return Self.spin(milliseconds: 400)
                    }
                }
                return await group.reduce(0, &+)
            }
        }
        let jobs = Self.samplesOfLongJobs(trace, minimum: 350_000_000)
        #expect(jobs.count == 3)
        // Each loop is signalled only while it has the core; on a busy machine some loop may
        // never be caught on it. Every stack taken names the loop.
        let stacks = jobs.joined().map { trace.sampling.samples[$0].stack }.filter { $0 >= 0 }
        #expect(!stacks.isEmpty, "\(jobs.map { $0.map { trace.sampling.samples[$0].flags.rawValue } })")
        // Every stack taken names this file's code, nearly all of them the loop (a sample taken
        // as a loop starts or returns may name the task's closure around it).
        let firstFrames = stacks.map { SampleDiagnosis.firstAppFrame(ofStack: Int($0), in: trace) }
        let described = "first app frames: \(firstFrames.map { $0?.function ?? "none" })"
        #expect(firstFrames.allSatisfy { $0?.filePath == #filePath }, "\(described)")
        let inLoop = firstFrames.filter { $0?.function == "static WatchdogTests.spin(milliseconds:)" }.count
        #expect(inLoop * 10 >= firstFrames.count * 8, "\(described)")
        for job in jobs {
            let diagnosis = SampleDiagnosis(samples: job, in: trace)
            let context = "computing \(diagnosis.computingFraction), pre-empted \(diagnosis.preemptedFraction), sleeping \(diagnosis.sleepingFraction)"
            #expect(diagnosis.state == .preempted, "\(context)")
            #expect(diagnosis.preemptedFraction > 0.5, "\(context)")
            #expect(diagnosis.computingFraction < 0.45, "\(context)")
        }
    }

    /// A job that alternates short computations with short sleeps is sometimes running and
    /// sometimes asleep when sampled. The watchdog signals it only while it runs; if a signal
    /// ever meets a sleep (the thread entered it in the microseconds between the check and the
    /// signal), the sample says so and that job is signalled no more: at most one sleep per job
    /// is cut short.
    @Test func aJobSwitchingBetweenComputeAndSleepLosesAtMostOneSleep() async throws {
        let (interrupted, trace) = try await Self.record(threads: 1) { () -> Int in
            var interrupted = 0
            let deadline = ContinuousClock.now + .milliseconds(400)
            while ContinuousClock.now < deadline {
                _ = Self.spin(milliseconds: 1)
                if usleep(1_000) != 0 && errno == EINTR { interrupted += 1 }
            }
            return interrupted
        }
        let jobs = Self.samplesOfLongJobs(trace, minimum: 350_000_000)
        try #require(jobs.count == 1)
        let samples = jobs[0].map { trace.sampling.samples[$0] }
        let flagged = samples.filter { $0.flags.contains(.interruptedSystemCall) }.count
        #expect(interrupted <= 1, "\(interrupted) sleeps were cut short")
        #expect(flagged == interrupted, "\(flagged) samples say a sleep was cut short, \(interrupted) were")
        let states = samples.map { "\($0.stateLetter)\($0.flags.rawValue)" }
        #expect(samples.contains { $0.stateLetter == "R" }, "\(states)")
        #expect(samples.contains { $0.flags.contains(.readWhileBlocked) }, "\(states)")
    }

    static func firstAllowedProcessor() -> Int32? {
        let processor = lanes_test_first_allowed_processor()
        return processor >= 0 ? processor : nil
    }

    static func pinCurrentThread(to processor: Int32) {
        _ = lanes_test_pin_current_thread(processor)
    }

    /// `Thread.sleep`, which Swift forbids calling from async code directly (it blocks).
    static func threadSleep(_ seconds: Double) {
        Thread.sleep(forTimeInterval: seconds)
    }
}
