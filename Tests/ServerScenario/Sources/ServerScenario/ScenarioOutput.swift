#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered output: the driving script waits for the server's "listening" line, which must
/// not sit in a pipe's buffer (and `stdout`/`stderr` are C globals that Swift 6 will not share).
enum ScenarioOutput {
    /// Writes `text` and a newline to standard output at once.
    static func line(_ text: String) { write(text + "\n", to: STDOUT_FILENO) }

    /// Writes `text` and a newline to standard error.
    static func error(_ text: String) { write(text + "\n", to: STDERR_FILENO) }

    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
