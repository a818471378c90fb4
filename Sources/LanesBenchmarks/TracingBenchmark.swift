import Foundation
import InMemoryTracing
import Lanes
import LanesTracing
import Tracing

/// `LanesBenchmarks tracing [SPANS] [RUNS] [SHAPE] [lanes-only]`: nanoseconds per `withSpan` through
/// `LanesTracer` (recording to a `.lanes` file) and through swift-distributed-tracing's
/// `InMemoryTracer`, side by side in one run, for a root span, a child span, a child with an
/// attribute and an event, an async child, and a server request as Hummingbird's
/// `TracingMiddleware` traces one (or only the shapes whose name starts with SHAPE).
/// Each shape is also timed through `LanesTracer` when nothing records and through
/// swift-distributed-tracing's `NoOpTracer`: that is the library's own share (binding the
/// context, the attribute and event values), which every tracer pays.
/// With `lanes-only`, only the recording `LanesTracer` runs (for a profiler).
/// Target: Lanes ≤ 1/4 of `InMemoryTracer`.
enum TracingBenchmark {
    static func run(arguments: [String]) async throws {
        let spanCount = arguments.first.flatMap(Int.init) ?? 200_000
        let runs = arguments.dropFirst().first.flatMap(Int.init) ?? 7
        let shapes = Shape.allCases.filter { $0.rawValue.hasPrefix(arguments.dropFirst(2).first ?? "") }
        let lanesOnly = arguments.dropFirst(3).first == "lanes-only"
        print("tracing benchmark: \(spanCount) withSpan calls per run, \(runs) runs, medians, ns per withSpan")

        let lanes = LanesTracer()
        let inMemory = InMemoryTracer()

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-tracing-benchmark-\(getpid()).lanes").path
        defer { unlink(path) }
        var rows: [(name: String, lanes: Double, inMemory: Double, unrecorded: Double, noOp: Double)] = []
        for shape in shapes {
            var lanesTimes: [Double] = []
            var inMemoryTimes: [Double] = []
            var unrecordedTimes: [Double] = []
            var noOpTimes: [Double] = []
            for _ in 0..<runs {
                // Interleaved, so all four see the same machine load.
                lanesTimes.append(try await Lanes.record(to: path) {
                    try await measure(lanes, shape.rawValue, spanCount, shape)
                })
                if lanesOnly { continue }
                noOpTimes.append(try await measure(NoOpTracer(), shape.rawValue, spanCount, shape))
                unrecordedTimes.append(try await measure(lanes, shape.rawValue, spanCount, shape))
                inMemoryTimes.append(try await measure(inMemory, shape.rawValue, spanCount, shape))
                inMemory.clearAll(includingActive: true)
            }
            if lanesOnly {
                print("  \(shape.rawValue)   LanesTracer \(format(middle(lanesTimes))) ns")
                continue
            }
            rows.append((shape.rawValue, middle(lanesTimes), middle(inMemoryTimes), middle(unrecordedTimes), middle(noOpTimes)))
        }
        if lanesOnly { return }
        let width = rows.map(\.name.count).max() ?? 0
        for row in rows {
            let padded = row.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let ratio = row.inMemory / row.lanes
            print("  \(padded)   LanesTracer \(format(row.lanes)) ns   InMemoryTracer \(format(row.inMemory)) ns   Lanes is \(format(ratio))× faster (\(ratio >= 4 ? "meets" : "misses") the ≥ 4× target)   nothing recording \(format(row.unrecorded)) ns   NoOpTracer \(format(row.noOp)) ns")
        }
        let contextTimes = (0..<runs).map { _ in measureContextCopy(count: spanCount) }
        print("  a span carried in ServiceContext (copy with the span set, read back; any tracer's cost per span): \(format(middle(contextTimes))) ns")
    }

    /// What a tracer that carries its span in the context pays per span besides `withSpan`'s own
    /// work: the parent's context copied with the new span in it, and a span read from it.
    static func measureContextCopy(count: Int) -> Double {
        var parent = ServiceContext.topLevel
        parent[BenchmarkSpanKey.self] = BenchmarkSpan()
        let span = BenchmarkSpan()
        var found = 0
        let start = monotonicSeconds()
        for _ in 0..<count {
            var child = parent
            child[BenchmarkSpanKey.self] = span
            if child[BenchmarkSpanKey.self] != nil { found += 1 }
        }
        let seconds = monotonicSeconds() - start
        precondition(found == count)
        return seconds * 1e9 / Double(count)
    }

    final class BenchmarkSpan: Sendable {}

    enum BenchmarkSpanKey: ServiceContextKey {
        typealias Value = BenchmarkSpan
    }

    enum Shape: String, CaseIterable {
        case root = "root span"
        case child = "child span"
        case childWithAttributeAndEvent = "child + attribute + event"
        case asyncChild = "async child span"
        case serverRequest = "server request"
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
        case .serverRequest:
            let headers = ["host": "127.0.0.1:8080", "accept": "*/*"]
            for _ in 0..<count {
                await serverRequest(tracer, method: "GET", path: "/hello", headers: headers)
            }
        }
        return (monotonicSeconds() - start) * 1e9 / Double(count)
    }

    /// What Hummingbird 2.28's `TracingMiddleware` asks of the tracer for one request without a
    /// `traceparent` header (its calls, in its order): extract, a server span under a
    /// placeholder name, the request's attributes, the context bound around the route, the
    /// rename to the route, the response's attributes, the end.
    static func serverRequest<T: Tracer>(_ tracer: T, method: String, path: String, headers: [String: String]) async {
        var context = ServiceContext.current ?? .topLevel
        tracer.extract(headers, into: &context, using: DictionaryExtractor())
        let span = tracer.startSpan("HTTP \(method) route not found", context: context, ofKind: .server)
        span.updateAttributes { attributes in
            attributes["http.request.method"] = method
            attributes["url.path"] = path
            attributes["url.query"] = headers["query"]
            attributes["user_agent.original"] = headers["user-agent"]
            attributes["http.request.body.size"] = headers["content-length"].flatMap { Int($0) }
        }
        await ServiceContext.$current.withValue(span.context) {
            await work()
            span.operationName = path
            span.updateAttributes { attributes in
                attributes["http.route"] = path
                attributes["http.response.status_code"] = 200
                attributes["http.response.body.size"] = 5
            }
        }
        span.end()
    }

    struct DictionaryExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    }

    /// An async call the optimizer cannot remove.
    @inline(never)
    static func work() async {}

    static func middle(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    static func format(_ value: Double) -> String {
        String(format: value >= 100 ? "%.0f" : "%.1f", value)
    }
}
