import Foundation
import LanesFormat
import LanesModel

/// Temporary trace files and readable queries over a loaded `Trace`, shared by the tests.
enum TraceFixtures {
    /// A fresh path in a per-test temporary folder.
    static func temporaryPath(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("lanes-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }

    /// Loads the trace at `path`, which must be a `.lanes` file.
    static func load(_ path: String) throws -> Trace {
        try TraceLoader.load(path: path).trace
    }
}

extension Trace {
    /// Indexes of the spans named `name`, in trace order.
    func spans(named name: String) -> [Int] {
        (0..<spanCount).filter { self.name(ofSpan: $0) == name }
    }

    /// Indexes of the spans shown as `name` (a handler's `name "label"`), in trace order.
    func spans(displayed name: String) -> [Int] {
        (0..<spanCount).filter { self.displayName(ofSpan: $0) == name }
    }

    /// The one span shown as `name`; -1 if there is not exactly one.
    func span(displayed name: String) -> Int {
        let found = spans(displayed: name)
        return found.count == 1 ? found[0] : -1
    }

    /// The one span named `name`; fails the calling test (by returning -1) if there is not exactly one.
    func span(named name: String) -> Int {
        let found = spans(named: name)
        return found.count == 1 ? found[0] : -1
    }

    /// Names of the children of `span`, in begin order.
    func childNames(of span: Int) -> [String] {
        children(ofSpan: span).map { name(ofSpan: Int($0)) }
    }

    /// The name of the parent of `span`, or nil for a root.
    func parentName(of span: Int) -> String? {
        parent(ofSpan: span).map { name(ofSpan: $0) }
    }

    /// The task (lane) id of `span`.
    func taskID(of span: Int) -> UInt64 {
        tasks[Int(spanTask[span])].id
    }

    /// A plain-text outline of the span forest, for failure messages.
    var outline: String {
        var lines: [String] = []
        func visit(_ span: Int, depth: Int) {
            lines.append(String(repeating: "  ", count: depth) + "\(name(ofSpan: span)) [\(spanKind[span])] task \(taskID(of: span)) thread \(spanThread[span]) \(duration(ofSpan: span) / 1_000_000)ms")
            for child in children(ofSpan: span) { visit(Int(child), depth: depth + 1) }
        }
        for root in roots { visit(Int(root), depth: 0) }
        return lines.joined(separator: "\n")
    }
}
