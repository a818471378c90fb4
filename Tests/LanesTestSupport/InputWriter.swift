import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes a child's standard input on a thread of its own, then closes it.
///
/// On its own thread so that a child that writes output before reading all of its input cannot
/// deadlock with the test, whatever the sizes. SIGPIPE is blocked on that thread: a child that
/// exits without reading everything makes write() fail with EPIPE instead of killing the test
/// process, and the signal, pending on that thread only, is consumed before it ends.
enum InputWriter {
    static func write(_ bytes: [UInt8], to descriptor: Int32) {
        Thread {
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { break }
                offset += written
            }
            close(descriptor)
            if offset < bytes.count {
                var now = timespec()
                _ = sigtimedwait(&pipeSignal, nil, &now)
            }
        }.start()
    }
}
