import Foundation
import LanesFormat
import LanesModel
import LanesTestSupport
import Testing

/// The real `lanes` binary in a real terminal: tmux runs `lanes view` at 120×40, keys are sent
/// with `send-keys`, and the screen is read back with `capture-pane -p`. This tests the ncurses
/// backend itself (startup, drawing, keys, restoring the terminal), not only the renderer.
///
/// Needs `swift build` first (the binary is looked up next to the test bundle) and tmux.
@Suite("lanes view in tmux", .serialized)
struct ViewerTmuxTests {
    /// A small trace shaped like the seed: two handlers that block an executor thread in turn.
    static func traceBytes() -> [UInt8] {
        var builder = TraceBuilder()
        let thread = builder.thread(id: 1, name: "executor 1", isExecutor: true)
        for (offset, name) in ["alice", "bob"].enumerated() {
            let task = builder.task(id: UInt64(offset + 1))
            let start = Int64(offset) * 300_000_000
            let root = builder.addSpan(name: builder.intern("on_message \"\(name)\""), kind: .handler,
                                       begin: start, end: start + 600_000_000, task: task, thread: thread)
            builder.addSpan(name: builder.intern("wait_for(3)"), kind: .sync, begin: start, end: start + 300_000_000,
                            parent: root, task: task, thread: thread, flags: .onExecutor)
            builder.addSpan(name: builder.intern("await_for(2)"), kind: .async, begin: start + 300_000_000,
                            end: start + 600_000_000, parent: root, task: task, thread: thread)
        }
        return LanesTraceWriter.encode(builder.build())
    }

    @Test("draws the trace, answers keys and restores the terminal on q",
          .enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed"))
    func interactiveSession() throws {
        let lanes = try ChildProcess.executable("lanes")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-tmux-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tracePath = directory.appendingPathComponent("two-handlers.lanes").path
        try Data(Self.traceBytes()).write(to: URL(fileURLWithPath: tracePath))

        let session = try TmuxSession(name: "view", lanes: lanes, arguments: ["view", tracePath])
        defer { session.close() }

        let first = try session.screen { $0.contains("? help") }
        let lines = first.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.contains("two-handlers.lanes") == true, "header: \(lines.first ?? "")")
        #expect(lines.count >= 3 && lines[1].contains("task / span"))
        #expect(first.contains("▾ on_message \"alice\""))
        #expect(first.contains("wait_for(3)"))
        #expect(first.contains("▓"), "blocking glyphs drawn in UTF-8")

        // j j: select await_for(2); Enter on a leaf zooms to it, so the ruler changes.
        let rulerBefore = lines[1]
        try session.send("j", "j", "Enter")
        let zoomed = try session.screen { screen in
            screen.split(separator: "\n").dropFirst().first.map { String($0) != rulerBefore } ?? false
        }
        #expect(zoomed.split(separator: "\n").first { $0.hasPrefix("›") }?.contains("await_for(2)") == true)

        // ? opens the help overlay; any key closes it; q quits and restores the terminal.
        try session.send("?")
        // Wait for the whole overlay: a capture can land while the screen is half redrawn.
        let help = try session.screen { $0.contains("Lanes keys") && $0.contains("next / previous blocking span") }
        #expect(help.contains("next / previous blocking span"))
        try session.send("Escape")
        _ = try session.screen { !$0.contains("Lanes keys") }
        try session.send("q")
        let after = try session.screen { $0.contains("lanes exited with") }
        #expect(after.contains("lanes exited with 0"))
        #expect(!after.contains("? help"), "the viewer's screen is gone after quitting")
    }
}
