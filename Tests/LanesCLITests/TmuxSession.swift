import Foundation
import LanesTestSupport

/// The built `lanes` binary running in a real terminal: a private tmux server at 120×40, keys
/// sent with `send-keys`, the screen read back with `capture-pane -p`.
struct TmuxSession {
    /// The tmux executable, if installed.
    static let tmuxPath = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    let socket: String

    /// Starts `lanes ARGUMENTS…` in a UTF-8 terminal. When lanes exits, the pane prints
    /// "lanes exited with STATUS" and stays, so its last screen can be read.
    init(name: String, lanes: String, arguments: [String]) throws {
        socket = "lanes-\(name)-\(getpid())"
        let quoted = ([lanes] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let command = "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \(quoted); echo \"lanes exited with $?\"; exec sleep 60"
        try run(["new-session", "-d", "-x", "120", "-y", "40", "-s", "viewer", command])
    }

    /// Runs tmux with `arguments` on this session's server and returns its standard output.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        try ChildProcess(Self.tmuxPath ?? "tmux", ["-L", socket, "-f", "/dev/null"] + arguments).finishBlocking().output
    }

    /// Sends keys (tmux key names) to the pane.
    func send(_ keys: String...) throws {
        try run(["send-keys", "-t", "viewer"] + keys)
    }

    /// Captures the pane until `condition` holds (or five seconds pass); returns the last capture.
    func screen(until condition: (String) -> Bool) throws -> String {
        var screen = ""
        for _ in 0..<100 {
            screen = try run(["capture-pane", "-p", "-t", "viewer"])
            if condition(screen) { return screen }
            usleep(50_000)
        }
        return screen
    }

    /// Ends the server and removes the socket file tmux leaves behind.
    func close() {
        _ = try? run(["kill-server"])
        let folder = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        unlink("\(folder)/tmux-\(getuid())/\(socket)")
    }
}
