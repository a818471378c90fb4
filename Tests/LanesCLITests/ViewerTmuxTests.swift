import Foundation
import LanesFormat
import LanesModel
import Testing

/// The real `lanes` binary in a real terminal: tmux runs `lanes view` at 120×40, keys are sent
/// with `send-keys`, and the screen is read back with `capture-pane -p`. This tests the ncurses
/// backend itself (startup, drawing, keys, restoring the terminal), not only the renderer.
///
/// Needs `swift build` first (the binary is looked up next to the test bundle) and tmux.
@Suite("lanes view in tmux", .serialized)
struct ViewerTmuxTests {
    static let tmuxPath = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The `lanes` executable in the build products directory holding this test bundle.
    static var lanesPath: String? { LanesProcess.binaryPath }

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

    /// Runs tmux with `arguments` on a private server and returns its standard output.
    /// The output goes through a file: the tmux server the first command starts inherits the
    /// descriptor and would keep a pipe open.
    @discardableResult
    static func tmux(_ socket: String, _ arguments: [String]) throws -> String {
        try ViewerProcess.run([tmuxPath ?? "tmux", "-L", socket, "-f", "/dev/null"] + arguments).output
    }


    /// Captures the pane until `condition` holds (or five seconds pass); returns the last capture.
    static func waitForScreen(_ socket: String, _ condition: (String) -> Bool) throws -> String {
        var screen = ""
        for _ in 0..<100 {
            screen = try tmux(socket, ["capture-pane", "-p", "-t", "viewer"])
            if condition(screen) { return screen }
            usleep(50_000)
        }
        return screen
    }

    @Test("draws the trace, answers keys and restores the terminal on q",
          .enabled(if: tmuxPath != nil, "tmux is not installed"))
    func interactiveSession() throws {
        let lanes = try #require(Self.lanesPath, "the lanes binary was not found next to the tests; run `swift build` first")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-tmux-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tracePath = directory.appendingPathComponent("two-handlers.lanes").path
        try Data(Self.traceBytes()).write(to: URL(fileURLWithPath: tracePath))

        let socket = "lanes-test-\(getpid())"
        defer {
            _ = try? Self.tmux(socket, ["kill-server"])
            // tmux leaves the socket file behind; remove it from tmux's default socket folder.
            let folder = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
            unlink("\(folder)/tmux-\(getuid())/\(socket)")
        }
        let command = "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 '\(lanes)' view '\(tracePath)'; echo \"lanes exited with $?\"; exec sleep 60"
        // The pane's shell sleeps after lanes exits so its last screen can be read; kill-server ends it.
        try Self.tmux(socket, ["new-session", "-d", "-x", "120", "-y", "40", "-s", "viewer", command])

        let first = try Self.waitForScreen(socket) { $0.contains("? help") }
        let lines = first.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.contains("two-handlers.lanes") == true, "header: \(lines.first ?? "")")
        #expect(lines.count >= 3 && lines[1].contains("task / span"))
        #expect(first.contains("▾ on_message \"alice\""))
        #expect(first.contains("wait_for(3)"))
        #expect(first.contains("▓"), "blocking glyphs drawn in UTF-8")

        // j j: select await_for(2); Enter on a leaf zooms to it, so the ruler changes.
        let rulerBefore = lines[1]
        try Self.tmux(socket, ["send-keys", "-t", "viewer", "j", "j", "Enter"])
        let zoomed = try Self.waitForScreen(socket) { screen in
            screen.split(separator: "\n").dropFirst().first.map { String($0) != rulerBefore } ?? false
        }
        #expect(zoomed.split(separator: "\n").first { $0.hasPrefix("›") }?.contains("await_for(2)") == true)

        // ? opens the help overlay; any key closes it; q quits and restores the terminal.
        try Self.tmux(socket, ["send-keys", "-t", "viewer", "?"])
        // Wait for the whole overlay: a capture can land while the screen is half redrawn.
        let help = try Self.waitForScreen(socket) { $0.contains("Lanes keys") && $0.contains("next / previous blocking span") }
        #expect(help.contains("next / previous blocking span"))
        try Self.tmux(socket, ["send-keys", "-t", "viewer", "Escape"])
        _ = try Self.waitForScreen(socket) { !$0.contains("Lanes keys") }
        try Self.tmux(socket, ["send-keys", "-t", "viewer", "q"])
        let after = try Self.waitForScreen(socket) { $0.contains("lanes exited with") }
        #expect(after.contains("lanes exited with 0"))
        #expect(!after.contains("? help"), "the viewer's screen is gone after quitting")
    }
}
