import Foundation
import InMemoryTracing
import Lanes
import LanesTracing
import Tracing

/// `LanesBenchmarks tracing [SPANS] [RUNS]`: nanoseconds per `withSpan` through `LanesTracer`
/// (recording to a `.lanes` file) and through swift-distributed-tracing's `InMemoryTracer`,
/// side by side in one run, for a root span, a child span, a child with an attribute and an
/// event, and an async child; plus `LanesTracer` when nothing records. Target: Lanes ≤ 1/4.
enum TracingBenchmark {
    static func run(arguments: [String]) async throws {
        let spanCount = arguments.first.flatMap(Int.init) ?? 200_000
        let runs = arguments.dropFirst().first.flatMap(Int.init) ?? 7
        print("tracing benchmark: \(spanCount) withSpan calls per run, \(runs) runs, medians, ns per withSpan")

        let lanes = LanesTracer()
        let inMemory = InMemoryTracer()
        let unrecorded = try await median(runs) { try await measure(lanes, "withSpan, nothing records", spanCount, .root) }

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-tracing-benchmark-\(getpid()).lanes").path
        defer { unlink(path) }
        var rows: [(name: String, lanes: Double, inMemory: Double)] = []
        for shape in Shape.allCases {
            var lanesTimes: [Double] = []
            var inMemoryTimes: [Double] = []
            for _ in 0..<runs {
                // Interleaved, so both see the same machine load.
                lanesTimes.append(try await Lanes.record(to: path) {
                    try await measure(lanes, shape.rawValue, spanCount, shape)
                })
                inMemoryTimes.append(try await measure(inMemory, shape.rawValue, spanCount, shape))
                inMemory.clearAll(includingActive: true)
            }
            rows.append((shape.rawValue, middle(lanesTimes), middle(inMemoryTimes)))
        }
        let width = rows.map(\.name.count).max() ?? 0
        for row in rows {
            let padded = row.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let ratio = row.inMemory / row.lanes
            print("  \(padded)   LanesTracer \(format(row.lanes)) ns   InMemoryTracer \(format(row.inMemory)) ns   Lanes is \(format(ratio))× faster (\(ratio >= 4 ? "meets" : "misses") the ≥ 4× target)")
        }
        print("  LanesTracer when nothing records: \(format(unrecorded)) ns per withSpan")
    }

    enum Shape: String, CaseIterable {
        case root = "root span"
        case child = "child span"
        case childWithAttributeAndEvent = "child + attribute + event"
        case asyncChild = "async child span"
    }

    /// Nanoseconds per `withSpan` of `shape` through `tracer`, over `count` calls.
    static func measure<T: Tracer>(_ tracer: T, _ name: String, _ count: Int, _ shape: Shape) async throws -> Double {
        let start = monotonicSeconds()
        switch shape {
        case .root:
            for _ in 0..<count {
                tracer.withSpan("request") { _ in }
            }
        case .child:
            tracer.withSpan("parent") { _ in
                for _ in 0..<count {
                    tracer.withSpan("child") { _ in }
                }
            }
        case .childWithAttributeAndEvent:
            tracer.withSpan("parent") { _ in
                for _ in 0..<count {
                    tracer.withSpan("child") { span in
                        span.attributes["db.rows"] = 3
                        span.addEvent("fetched")
                    }
                }
            }
        case .asyncChild:
            await tracer.withSpan("parent") { _ in
                for _ in 0..<count {
                    await tracer.withSpan("child") { _ in await work() }
                }
            }
        }
        return (monotonicSeconds() - start) * 1e9 / Double(count)
    }

    /// An async call the optimizer cannot remove.
    @inline(never)
    static func work() async {}

    static func median(_ runs: Int, _ body: () async throws -> Double) async rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<runs { times.append(try await body()) }
        return middle(times)
    }

    static func middle(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    static func format(_ value: Double) -> String {
        String(format: value >= 100 ? "%.0f" : "%.1f", value)
    }
}
