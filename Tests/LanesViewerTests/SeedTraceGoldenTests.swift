import LanesAnalysis
import LanesFormat
import LanesModel
import LanesViewer
import Testing

/// Golden screens of the recorded seed traces in `Traces/` (the files `lanes demo` writes),
/// read with the real `.lanes` reader.
@Suite("Seed trace golden screens")
struct SeedTraceGoldenTests {
    /// The package root, found from this file's path.
    static var packageRoot: String {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path
    }

    static func document(_ name: String) throws -> ViewerDocument {
        let trace = try TraceLoader.load(path: packageRoot + "/Traces/" + name).trace
        return ViewerDocument(trace: trace, analysis: TraceAnalysis(trace: trace), title: name)
    }

    static let cases: [(String, Int, Int)] = [
        ("seed-naive.lanes", 120, 40), ("seed-naive.lanes", 80, 24),
        ("seed-improved.lanes", 120, 40), ("seed-improved.lanes", 80, 24),
    ]

    @Test("by task and by thread", arguments: cases)
    func views(file: String, width: Int, height: Int) throws {
        let document = try Self.document(file)
        var state = ViewState(document: document, size: GridSize(width: width, height: height), theme: .utf8)
        let stem = file.split(separator: ".").first.map(String.init) ?? file
        let tasks = ViewRenderer.render(state, document, size: state.size)
        #expect(tasks.lines.contains { $0.contains("on_message \"alice\"") })
        try GoldenScreen.expect(tasks, matches: "\(stem)-tasks-\(width)x\(height)")
        _ = state.update(.toggleMode, document: document)
        try GoldenScreen.expect(ViewRenderer.render(state, document, size: state.size), matches: "\(stem)-threads-\(width)x\(height)")
    }

    @Test("naive against improved in the diff view", arguments: [(120, 40), (80, 24)])
    func diff(width: Int, height: Int) throws {
        let state = DiffViewState(a: try Self.document("seed-naive.lanes"), b: try Self.document("seed-improved.lanes"),
                                  size: GridSize(width: width, height: height), theme: .utf8)
        let grid = DiffRenderer.render(state, size: state.size)
        #expect(grid.lines[0].contains("→"))
        try GoldenScreen.expect(grid, matches: "seed-diff-\(width)x\(height)")
    }
}
