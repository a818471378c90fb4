import LanesModel
import Synchronization

extension Lanes {
    /// Runs differently typed async operations concurrently, as child tasks, and returns their
    /// results in argument order, like `asyncio.gather`.
    ///
    /// The first error cancels the operations still running and is rethrown once they have
    /// finished. Recorded as a `gather` span whose children are the operations' spans.
    public static func gather<each Value: Sendable>(
        _ operation: repeat @escaping @Sendable () async throws -> each Value
    ) async throws -> (repeat each Value) {
        try await recordSpan("gather", kind: .gather, attributes: [:], isolation: nil) {
            let slots = (repeat ResultSlot<each Value>())
            try await withThrowingTaskGroup(of: Void.self) { group in
                repeat addTask(to: &group, each operation, storingIn: each slots)
                while try await group.next() != nil {}
            }
            return (repeat (each slots).take())
        }
    }

    /// Runs the async operations concurrently, as child tasks, and returns their results in
    /// the operations' order. The first error cancels the rest and is rethrown. Recorded as a
    /// `gather` span. (Named apart from `gather`: Swift 6.3 stops inferring `@Sendable` for
    /// closures passed to the variadic form when any overload of the same name exists.)
    public static func gatherAll<Value: Sendable>(
        _ operations: [@Sendable () async throws -> Value]
    ) async throws -> [Value] {
        try await recordSpan("gather", kind: .gather, attributes: [:], isolation: nil) {
            try await withThrowingTaskGroup(of: (Int, Value).self) { group in
                for (index, operation) in operations.enumerated() {
                    group.addTask { (index, try await operation()) }
                }
                var results = [Value?](repeating: nil, count: operations.count)
                while let (index, value) = try await group.next() {
                    results[index] = value
                }
                return results.map { $0! }
            }
        }
    }

    private static func addTask<Value: Sendable>(
        to group: inout ThrowingTaskGroup<Void, any Error>,
        _ operation: @escaping @Sendable () async throws -> Value, storingIn slot: ResultSlot<Value>
    ) {
        group.addTask { slot.store(try await operation()) }
    }
}

/// Where one `gather` child leaves its result.
final class ResultSlot<Value: Sendable>: Sendable {
    private let value = Locked<Value?>(nil)

    func store(_ newValue: Value) { value.withLock { $0 = newValue } }

    func take() -> Value { value.withLock { $0.take()! } }
}
