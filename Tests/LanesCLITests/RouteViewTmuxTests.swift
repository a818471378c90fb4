import Foundation
import LanesFormat
import LanesSynthetic
import LanesTestSupport
import Testing

/// The route view, the findings list and the name column in the real `lanes` binary, in tmux.
@Suite("lanes view of a server trace in tmux", .serialized)
struct RouteViewTmuxTests {
    @Test("opens in the route view; r shows tasks, f lists findings, > widens the names, q quits",
          .enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed"))
    func routeView() throws {
        let lanes = try ChildProcess.executable("lanes")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-routes-tmux-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ms: Int64 = 1_000_000
        let trace = ServerTrace.build(ServerLoad(routes: [
            .init(name: "GET /users", median: 4 * ms, share: 4),
            .init(name: "GET /slow", median: 80 * ms, share: 1),
        ], requests: 2_000, duration: 10_000_000_000, seed: 5))
        let tracePath = directory.appendingPathComponent("server.lanes").path
        try Data(LanesTraceWriter.encode(trace)).write(to: URL(fileURLWithPath: tracePath))

        let session = try TmuxSession(name: "routes", lanes: lanes, arguments: ["view", tracePath])
        defer { session.close() }
        let first = try session.screen { $0.contains("? help") && $0.contains("heat: p90") }
        let lines = first.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.contains("by route") == true, "header: \(lines.first ?? "")")
        #expect(lines[1].hasPrefix(" route"))
        #expect(first.contains("GET /users") && first.contains("GET /slow"))
        #expect(first.contains("p50") && first.contains("p99"))

        // r: the tasks, with no anonymous rows.
        try session.send("r")
        let tasks = try session.screen { $0.contains("task / span") }
        #expect(tasks.contains("GET /users"))
        #expect(!tasks.contains("  task 1"))

        // > widens the name column: the separator moves right by four columns.
        func separatorColumn(_ screen: String) -> Int? {
            screen.split(separator: "\n").dropFirst(2).first.flatMap { line in line.firstIndex(of: "│").map { line.distance(from: line.startIndex, to: $0) } }
        }
        let before = separatorColumn(tasks)
        try session.send(">")
        let wider = try session.screen { separatorColumn($0) != before }
        if let before, let after = separatorColumn(wider) { #expect(after == before + 4) }

        // f: the findings list (the slow route's long jobs held the executor threads), Esc: back.
        try session.send("f")
        let findings = try session.screen { $0.contains("findings by cost") }
        #expect(findings.contains("blocking-call"))
        try session.send("Escape")
        _ = try session.screen { !$0.contains("findings by cost") }
        try session.send("q")
        let after = try session.screen { $0.contains("lanes exited with") }
        #expect(after.contains("lanes exited with 0"))
    }
}
