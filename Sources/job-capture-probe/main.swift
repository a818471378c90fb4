// Checks that Swift concurrency behaves the same whether Lanes runs the global executor (job
// capture) or the runtime does: `job-capture-probe default` runs the checks on the runtime's own
// executor, `job-capture-probe lanes FILE` with a process-wide recording of FILE. Each check
// prints one line `name ok detail` or `name FAIL detail`; the exit status is the number of
// failures. Two more modes serve the job-capture tests: `startstop FILE N` starts and finishes a
// recording N times with work in between, and `forever FILE` records until killed.
import CJobCaptureProbe
import Foundation
import Lanes
import Synchronization

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: job-capture-probe default | lanes FILE | startstop FILE N | forever FILE")
    exit(2)
}
let failures = Atomic<Int>(0)

func report(_ name: String, _ passed: Bool, _ detail: String) {
    if !passed { failures.add(1, ordering: .relaxed) }
    print("\(name) \(passed ? "ok" : "FAIL") \(detail)")
}

func milliseconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
}

func kernelThreadName() -> String {
    (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
}

/// Sleeping tasks wake after their time, not much later, and run where the executor runs jobs.
nonisolated func checkSleep(expectThread prefix: String?) async {
    let start = ContinuousClock.now
    let results = await withTaskGroup(of: (Double, String).self) { group in
        for index in 0..<5 {
            group.addTask {
                try? await Task.sleep(for: .milliseconds(30 + 10 * index))
                return (milliseconds(since: start) - Double(30 + 10 * index), kernelThreadName())
            }
        }
        return await group.reduce(into: []) { $0.append($1) }
    }
    let late = results.map(\.0)
    // Never early; late only by scheduling (generous: the tests run on loaded machines).
    report("sleep", late.allSatisfy { $0 >= -0.5 && $0 < 1_000 }, "late by \(late.map { Int($0) }) ms")
    if let prefix {
        let threads = Set(results.map(\.1))
        report("sleep-thread", threads.allSatisfy { $0.hasPrefix(prefix) }, "woke on \(threads.sorted())")
    }
}

/// A cancelled sleep ends at once with CancellationError.
nonisolated func checkCancellation() async {
    let start = ContinuousClock.now
    let sleeper = Task { try await Task.sleep(for: .seconds(10)) }
    try? await Task.sleep(for: .milliseconds(20))
    sleeper.cancel()
    let result = await sleeper.result
    let elapsed = milliseconds(since: start)
    let cancelled: Bool
    if case .failure(let error) = result { cancelled = error is CancellationError } else { cancelled = false }
    report("cancellation", cancelled && elapsed < 2_000, "cancelled=\(cancelled) after \(Int(elapsed)) ms")
}

/// A counter tasks can share.
final class Tally: Sendable {
    let count = Atomic<Int>(0)
}

actor Counter {
    var value = 0
    var inside = 0
    var overlapped = false
    func increment() {
        inside += 1
        if inside > 1 { overlapped = true }
        value += 1
        inside -= 1
    }
    func snapshot() -> (Int, Bool) { (value, overlapped) }
}

/// An actor serialises its callers: no increment is lost and none overlaps another.
nonisolated func checkActor() async {
    let counter = Counter()
    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<8 {
            group.addTask { for _ in 0..<1_000 { await counter.increment() } }
        }
    }
    let (value, overlapped) = await counter.snapshot()
    report("actor", value == 8_000 && !overlapped, "count \(value), overlapped \(overlapped)")
}

/// `async let` and task groups return every child's result.
nonisolated func checkStructured() async {
    async let a = (1...100).reduce(0, +)
    async let b = withTaskGroup(of: Int.self) { group in
        for value in 1...50 { group.addTask { value } }
        return await group.reduce(0, +)
    }
    let (first, second) = await (a, b)
    report("structured", first == 5_050 && second == 1_275, "async let \(first), group \(second)")
}

/// A high-priority task that arrives behind a flood of background work starts long before the
/// flood drains: priorities are served high first.
nonisolated func checkPriority() async {
    let flood = 240
    let spin = Duration.milliseconds(2)
    let lowDone = Tally()
    var tasks: [Task<Void, Never>] = []
    for _ in 0..<flood {
        tasks.append(Task(priority: .background) {
            let until = ContinuousClock.now + spin
            while ContinuousClock.now < until {}
            lowDone.count.add(1, ordering: .relaxed)
        })
    }
    let enqueued = ContinuousClock.now
    let high = Task(priority: .high) { () -> (Double, Int) in
        (milliseconds(since: enqueued), lowDone.count.load(ordering: .relaxed))
    }
    let (latency, doneBefore) = await high.value
    for task in tasks { await task.value }
    // The flood holds the threads for about flood × 2 ms / threads; high priority must not wait
    // for most of it.
    report("priority", doneBefore < flood / 2, "high started after \(Int(latency)) ms, \(doneBefore) of \(flood) background jobs done")
}

/// Code on the main actor runs where the runtime's main executor runs it (on Linux, where
/// `dispatch_main` drains the main queue), not on Lanes' pool: main-actor jobs do not go through
/// the global executor.
nonisolated func checkMainActor() async {
    let thread = await MainActor.run { kernelThreadName() }
    report("main-actor", !thread.hasPrefix("lanes-"), "ran on \(thread)")
}

/// Sleeps scheduled through the runtime's delay and deadline entry points (as Swift's own
/// `Task.sleep` did before 6.2) wake after their time.
nonisolated func checkDelayedEnqueue() async {
    // Only Lanes' hooks are checked: the runtime's own deadline path cannot take a job made
    // this way (it allocates from the current task's stack allocator on another thread).
    guard GlobalExecutorProbe.isCapturing else { return }
    for (name, resume) in [("delay-hook", probe_resume_after_delay), ("deadline-hook", probe_resume_at_deadline)] {
        let start = ContinuousClock.now
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            resume(unsafeBitCast(continuation, to: UnsafeMutableRawPointer.self), 40_000_000)
        }
        let elapsed = milliseconds(since: start)
        report(name, elapsed >= 39.5 && elapsed < 2_000, "woke after \(Int(elapsed)) ms")
    }
}

/// `withTaskStates` still runs its body on its own executor beside the takeover.
nonisolated func checkTaskStates() async {
    let name = await Lanes.withTaskStates(threads: 1) { kernelThreadName() }
    report("with-task-states", name.hasPrefix("lanes-executor"), "body ran on \(name)")
}

/// Whether this run records with job capture.
enum GlobalExecutorProbe {
    nonisolated(unsafe) static var isCapturing = false
}

nonisolated func runChecks(capturing: Bool) async {
    await checkSleep(expectThread: capturing ? "lanes-global" : nil)
    await checkCancellation()
    await checkActor()
    await checkStructured()
    await checkPriority()
    await checkMainActor()
    await checkDelayedEnqueue()
    await checkTaskStates()
    let named = Task(name: "probe-named-task") { await Task.yield(); return Task.name ?? "" }
    report("task-name", await named.value == "probe-named-task", "Task.name inside: \(await named.value)")
}

/// Work for recordings: a few tasks that yield, sleep and hop to an actor.
nonisolated func someWork() async {
    let counter = Counter()
    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<4 {
            group.addTask {
                await Task.yield()
                await counter.increment()
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
    }
}

switch arguments[1] {
case "default":
    await runChecks(capturing: false)
case "lanes" where arguments.count >= 3:
    // Sleeps that began before the takeover: one is cancelled after it, one ends on time.
    let start = ContinuousClock.now
    let cancelledAcross = Task { try await Task.sleep(for: .seconds(30)) }
    let endingAcross = Task { try await Task.sleep(for: .milliseconds(300)) }
    try? await Task.sleep(for: .milliseconds(20))
    let recording = try Lanes.record(to: arguments[2])
    GlobalExecutorProbe.isCapturing = true
    cancelledAcross.cancel()
    let cancelledResult = await cancelledAcross.result
    let cancelledAfter = milliseconds(since: start)
    let wasCancelled: Bool
    if case .failure(let error) = cancelledResult { wasCancelled = error is CancellationError } else { wasCancelled = false }
    report("cancel-across-takeover", wasCancelled && cancelledAfter < 2_000, "cancelled=\(wasCancelled) after \(Int(cancelledAfter)) ms")
    let endedOnTime = (try? await endingAcross.value) != nil
    let endedAfter = milliseconds(since: start)
    report("sleep-across-takeover", endedOnTime && endedAfter >= 299 && endedAfter < 2_300, "ended=\(endedOnTime) after \(Int(endedAfter)) ms")
    await runChecks(capturing: true)
    recording.finish()
case "startstop" where arguments.count >= 4:
    let rounds = Int(arguments[3]) ?? 100
    for round in 0..<rounds {
        // A round that takes over a second says which step took the time (on stderr).
        let start = ContinuousClock.now
        let recording = try Lanes.record(to: "\(arguments[2]).\(round)")
        let recorded = ContinuousClock.now
        await someWork()
        let worked = ContinuousClock.now
        recording.finish()
        let finished = ContinuousClock.now
        if finished - start > .seconds(1) {
            FileHandle.standardError.write(Data(
                "round \(round): record \(recorded - start), work \(worked - recorded), finish \(finished - worked)\n".utf8))
        }
    }
    report("startstop", true, "\(rounds) recordings")
case "forever" where arguments.count >= 3:
    _ = try Lanes.record(to: arguments[2])
    print("recording", terminator: "\n")
    fflush(nil)
    while true { await someWork() }
default:
    print("unknown mode \(arguments[1])")
    exit(2)
}
exit(Int32(failures.load(ordering: .relaxed)))
