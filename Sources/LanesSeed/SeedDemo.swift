import Lanes
import Synchronization

/// The seed scenario in Swift: three chat messages (alice, bob, carol) arrive together and are
/// handled by the article's `on_message` handler while a heartbeat task ticks, on a task-state
/// executor two threads wide, so that blocking in one handler visibly delays the others.
public enum SeedDemo {
    /// The authors of the messages that arrive together.
    public static let authors = ["alice", "bob", "carol"]

    /// Records one run of the seed scenario into a `.lanes` file at `path`, written while the
    /// scenario runs. `scale` is seconds per article second (default 0.1: the naive handler
    /// sleeps 1.8 s in total). Throws `LanesRecordingError` if the file cannot be created.
    public static func record(_ variant: SeedVariant, scale: Double = 0.1, to path: String) async throws {
        try await Lanes.record(to: path) {
            try await run(variant, scale: scale)
        }
    }

    /// Runs the scenario once, recording into whatever recording is current.
    public static func run(_ variant: SeedVariant, scale: Double = 0.1) async throws {
        let steps = SeedSteps(scale: max(0, scale))
        let onMessage = Lanes.handler("on_message", label: { (message: SeedMessage) in message.author }) {
            (message: SeedMessage) async throws in
            switch variant {
            case .naive: try await naiveHandler(steps)
            case .improved: try await improvedHandler(steps)
            }
        }
        let handlersLeft = HandlerCountdown(authors.count)
        try await Lanes.withTaskStates(threads: 2) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for author in authors {
                    group.addTask(name: "on_message \"\(author)\"") {
                        defer { handlersLeft.finishOne() }
                        try await onMessage(SeedMessage(author: author, text: "hello from \(author)"))
                    }
                }
                group.addTask(name: "heartbeat") {
                    try await heartbeat(period: steps.scale, while: { handlersLeft.isRunning })
                }
                try await group.waitForAll()
            }
        }
    }

    /// The handler as first written: blocking calls and one await after another.
    static func naiveHandler(_ steps: SeedSteps) async throws {
        steps.waitFor(3)
        try await steps.awaitFor(2)
        try await steps.awaitFor(4)
        steps.waitFor(7)
        steps.waitFor(2)
    }

    /// The demo's own blocking pool, so that other `makeAsync` users in the process (tests
    /// running beside it) never delay its work; wide enough for two recordings at once.
    static let pool = BlockingPool(width: 8, name: "seed-blocking")

    /// The handler after the article's advice.
    static func improvedHandler(_ steps: SeedSteps) async throws {
        // The article keeps its first synchronous sleep, so it still blocks (and is flagged).
        steps.waitFor(3)
        let waitForAsync = Lanes.makeAsync("makeAsync", on: pool) { (units: Int) in steps.waitFor(units) }
        _ = try await Lanes.gather(
            { try await steps.awaitFor(2) },
            { try await steps.awaitFor(4) },
            { await waitForAsync(7) })
        try Lanes.runSync("run_sync") { try await steps.awaitFor(2) }
    }

    /// Ticks every `period` seconds while `isRunning` holds: a task that needs an executor thread
    /// only for a moment, so its queued time shows when the threads are held.
    static func heartbeat(period: Double, while isRunning: @Sendable () -> Bool) async throws {
        try await Lanes.span("heartbeat") {
            var count = 0
            while isRunning() {
                count += 1
                await Lanes.span("tick") { Lanes.attribute("count", String(count)) }
                try await Task.sleep(nanoseconds: UInt64(max(period, 0.001) * 1e9))
            }
        }
    }
}

/// How many handlers are still running; the heartbeat stops when none are.
final class HandlerCountdown: Sendable {
    private let remaining: Atomic<Int>

    init(_ count: Int) { remaining = Atomic(count) }

    func finishOne() { remaining.subtract(1, ordering: .relaxed) }

    var isRunning: Bool { remaining.load(ordering: .relaxed) > 0 }
}
