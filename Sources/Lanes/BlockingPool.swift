import Foundation
import Synchronization

/// A bounded pool of plain threads for blocking work, so that it never holds one of the
/// executor's few threads. `Lanes.makeAsync` runs its functions here.
///
/// At most `width` functions run at once; the rest wait in order. Threads start on demand and
/// stay for the life of the pool.
public final class BlockingPool: Sendable {
    /// The pool `makeAsync` uses unless given another: 8 threads wide.
    public static let shared = BlockingPool(width: 8, name: "lanes-blocking")

    /// How many functions may run at once.
    public let width: Int
    private let name: String
    private let state = Locked(PoolState())
    private let available = DispatchSemaphore(value: 0)

    private struct PoolState {
        var queue = FIFOQueue<@Sendable () -> Void>()
        var threads = 0
        var idle = 0
    }

    /// A pool running at most `width` functions at once on threads named `name`.
    public init(width: Int, name: String = "lanes-blocking") {
        self.width = max(1, width)
        self.name = name
    }

    /// Queues `work` to run on a pool thread.
    func submit(_ work: @escaping @Sendable () -> Void) {
        let startThread = state.withLock { state -> Int? in
            state.queue.append(work)
            if state.idle == 0 && state.threads < width {
                state.threads += 1
                return state.threads
            }
            return nil
        }
        if let number = startThread {
            let threadName = "\(name)-\(number)"
            let thread = Thread { [self] in
                ThreadLocalBuffers.describeCurrentThread(name: threadName, isExecutor: false)
                runWorker()
            }
            thread.name = "\(name)-\(number)"
            thread.start()
        } else {
            available.signal()
        }
    }

    private func runWorker() {
        while true {
            let work = state.withLock { state -> (@Sendable () -> Void)? in
                guard let work = state.queue.popFirst() else {
                    state.idle += 1
                    return nil
                }
                return work
            }
            if let work {
                work()
            } else {
                available.wait()
                state.withLock { $0.idle -= 1 }
            }
        }
    }
}
