import Foundation

/// A small async program that blocks its executor threads in the ways real code does, with no
/// instrumentation at all: `Thread.sleep`, a semaphore wait, a blocking read from a pipe and a
/// CPU loop, inside a plain task, a task group, `async let` and an actor, while well-behaved
/// tasks sleep with `Task.sleep` and a heartbeat ticks. Lanes' tests record it with job capture
/// (built once with Lanes, once without) and check that each blocking site is found, with its
/// line, its kind (sleeping or computing) and its count.
public enum BlockingScenario {
    /// How many times each blocking site runs.
    public static let rounds = 3
    /// How long each blocking call holds its thread.
    public static let blockMilliseconds = 60

    /// Runs every round, then returns.
    public static func run() async {
        let ledger = Ledger()
        let heartbeat = Task(name: "heartbeat") { await Heartbeat.tick(until: .now + .milliseconds(1_200)) }
        for _ in 0..<rounds {
            Sleeper.legacyCall()
            await withTaskGroup(of: Void.self) { group in
                group.addTask { Waiter.waitForSignal() }
                group.addTask { try? await Task.sleep(for: .milliseconds(20)) }
            }
            async let checksum = Cruncher.checksum()
            _ = await checksum
            PipeReader.readSlowly()
            await ledger.record()
        }
        await heartbeat.value
    }
}

/// `Thread.sleep` in synchronous "legacy" code called from an async function: the classic
/// blocking call.
enum Sleeper {
    static func legacyCall() {
        Thread.sleep(forTimeInterval: Double(BlockingScenario.blockMilliseconds) / 1000)  // blocking: sleep
    }
}

/// A semaphore wait on an executor thread, in a task-group child.
enum Waiter {
    static func waitForSignal() {
        let semaphore = DispatchSemaphore(value: 0)
        _ = semaphore.wait(timeout: .now() + .milliseconds(BlockingScenario.blockMilliseconds))  // blocking: semaphore
    }
}

/// A CPU loop in an `async let` child.
enum Cruncher {
    static func checksum() async -> UInt64 {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(BlockingScenario.blockMilliseconds) * 1_000_000
        var value: UInt64 = 1
        while DispatchTime.now().uptimeNanoseconds < deadline {  // blocking: compute
            for step in 0..<1_000 { value = value &* 6364136223846793005 &+ UInt64(step) }
        }
        return value
    }
}

/// A blocking read from a pipe that another thread writes to a little later.
enum PipeReader {
    static func readSlowly() {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { return }
        let writer = descriptors[1]
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: Double(BlockingScenario.blockMilliseconds) / 1000)
            var byte: UInt8 = 1
            _ = write(writer, &byte, 1)
            close(writer)
        }
        var byte: UInt8 = 0
        _ = read(descriptors[0], &byte, 1)  // blocking: read
        close(descriptors[0])
    }
}

/// An actor whose method blocks: every caller queues behind it.
actor Ledger {
    var entries = 0
    func record() {
        entries += 1
        Thread.sleep(forTimeInterval: Double(BlockingScenario.blockMilliseconds) / 1000)  // blocking: actor
    }
}

/// A well-behaved task that ticks every 10 ms with `Task.sleep`.
enum Heartbeat {
    static func tick(until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
