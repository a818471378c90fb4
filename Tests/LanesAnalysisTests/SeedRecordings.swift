import Foundation
import LanesFormat
import LanesModel
import LanesSeed
@testable import LanesAnalysis

/// The seed scenario recorded once per test run, naive then improved, at scale 0.1, into
/// temporary files, and read back as every user would read them.
enum SeedRecordings {
    struct Runs: Sendable {
        let naive: Trace
        let improved: Trace
    }

    static let scale = 0.1

    /// Shared by every test that needs the seed; the recordings take about four seconds.
    static let shared = Task<Runs, any Error> {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("lanes-analysis-seed-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let naivePath = folder.appendingPathComponent("seed-naive.lanes").path
        let improvedPath = folder.appendingPathComponent("seed-improved.lanes").path
        try await SeedDemo.record(.naive, scale: scale, to: naivePath)
        try await SeedDemo.record(.improved, scale: scale, to: improvedPath)
        return Runs(
            naive: try TraceLoader.load(path: naivePath).trace,
            improved: try TraceLoader.load(path: improvedPath).trace)
    }

    static func runs() async throws -> Runs { try await shared.value }
}

extension Trace {
    /// Spans named `name`.
    func spans(named name: String) -> [Int] {
        (0..<spanCount).filter { self.name(ofSpan: $0) == name }
    }

    /// Whether span `span` has an ancestor of kind `kind`.
    func hasAncestor(ofSpan span: Int, kind: SpanKind) -> Bool {
        var current = parent(ofSpan: span)
        while let ancestor = current {
            if spanKind[ancestor] == kind { return true }
            current = parent(ofSpan: ancestor)
        }
        return false
    }

    /// The root above span `span`.
    func root(ofSpan span: Int) -> Int {
        var current = span
        while let parent = parent(ofSpan: current) { current = parent }
        return current
    }

    /// The seed's sleep in seconds for a `wait_for(n)` / `await_for(n)` span: n × scale.
    func seedUnits(ofSpan span: Int) -> Int? {
        let name = name(ofSpan: span)
        guard let open = name.firstIndex(of: "("), let close = name.firstIndex(of: ")") else { return nil }
        return Int(name[name.index(after: open)..<close])
    }
}
