import Foundation
import Lanes
import LanesFormat
import LanesModel
import LanesTracing
import Tracing

/// Recordings and queries over the trace read back, shared by the tracing tests.
enum TracingFixtures {
    /// `InstrumentationSystem.bootstrap` may run once per process: every test that uses the
    /// global `withSpan` goes through this one bootstrap. The tracer records into whichever
    /// scoped recording the test runs in, so tests run in parallel without mixing spans.
    static let tracer: LanesTracer = {
        let tracer = LanesTracer()
        InstrumentationSystem.bootstrap(tracer)
        return tracer
    }()

    /// A fresh path in a per-test temporary folder.
    static func temporaryPath(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("lanes-tracing-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }

    /// Runs `body` inside a scoped recording with the tracer bootstrapped, then reads the
    /// finished file back.
    static func record(_ body: () async throws -> Void) async throws -> Trace {
        _ = tracer
        let path = temporaryPath("trace.lanes")
        try await Lanes.record(to: path) { try await body() }
        return try TraceLoader.load(path: path).trace
    }
}

/// An error with a recognisable description.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
}

extension Trace {
    /// Indexes of the spans named `name`, in trace order.
    func spans(named name: String) -> [Int] {
        (0..<spanCount).filter { self.name(ofSpan: $0) == name }
    }

    /// The one span named `name`, or -1 when there is not exactly one.
    func span(named name: String) -> Int {
        let found = spans(named: name)
        return found.count == 1 ? found[0] : -1
    }

    /// The name of the parent of span `span`, or nil for a root (or for -1).
    func parentName(of span: Int) -> String? {
        guard span >= 0 else { return "<no such span>" }
        return parent(ofSpan: span).map { name(ofSpan: $0) }
    }

    /// The name of the parent of the one span named `name`.
    func parentName(of name: String) -> String? {
        parentName(of: span(named: name))
    }

    /// Names of the span events of span `span`, in recorded order.
    func eventNames(of span: Int) -> [String] {
        guard span >= 0 else { return ["<no such span>"] }
        return events(ofSpan: span).map { strings[$0.name] }
    }

    /// The attributes of span event `event`, typed.
    func attributes(of event: TelemetryEvent) -> [AttributeKeyValue] {
        attributes(start: event.attributeStart, count: event.attributeCount).map {
            AttributeKeyValue(key: strings[$0.key], value: value(of: $0.value))
        }
    }

    /// Names of the children of span `span`, sorted (children of concurrent tasks begin in any order).
    func sortedChildNames(of span: Int) -> [String] {
        guard span >= 0 else { return [] }
        return children(ofSpan: span).map { name(ofSpan: Int($0)) }.sorted()
    }

    /// A plain-text outline of the span forest, for failure messages.
    var outline: String {
        var lines: [String] = []
        func visit(_ span: Int, depth: Int) {
            lines.append(String(repeating: "  ", count: depth) + "\(name(ofSpan: span)) [\(spanKind[span]), \(spanStatus[span])]")
            for child in children(ofSpan: span) { visit(Int(child), depth: depth + 1) }
        }
        for root in roots { visit(Int(root), depth: 0) }
        return lines.joined(separator: "\n")
    }
}
