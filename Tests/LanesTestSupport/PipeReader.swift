import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Reads one of a child's output pipes to its end on a thread of its own, keeping every byte.
///
/// Each output pipe gets its reader the moment the child starts, so the child never blocks on a
/// full pipe (64 KiB on Linux) whatever the test does meanwhile. Reading standard output to its
/// end before starting on standard error, as the tests' runners once did, deadlocks with a child
/// that writes more than a pipe holds to standard error while its standard output is still open.
final class PipeReader: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var closed = false
    }

    /// What was read so far, and whether the pipe reached its end. The reader thread appends and
    /// sets `closed` once; tests take copies. Every access holds the lock.
    private let state = Mutex(State())
    /// Entered once at the start, left when the pipe reaches its end (every writer closed it).
    let finished = DispatchGroup()

    /// Starts reading `descriptor`, the parent's read end of a pipe; the reader closes it at the end.
    init(descriptor: Int32) {
        finished.enter()
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                state.withLock { $0.bytes.append(contentsOf: buffer[0..<count]) }
            }
            close(descriptor)
            state.withLock { $0.closed = true }
            finished.leave()
        }.start()
    }

    /// Whether the pipe reached its end.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Everything read so far, decoded as UTF-8 (invalid bytes become U+FFFD).
    var text: String { String(decoding: state.withLock { $0.bytes }, as: UTF8.self) }

    /// The lines read so far without their newlines; an unterminated last line only once the pipe
    /// is closed (before that, more of it may come).
    var lines: [String] {
        let (bytes, closed) = state.withLock { ($0.bytes, $0.closed) }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        let last = lines.removeLast()  // after the last newline: "" when the text ends with one
        if closed && !last.isEmpty { lines.append(last) }
        return lines
    }
}
