import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Waits for a child to exit on a thread of its own, reaps it, and sends it signals safely.
final class ExitWatcher: Sendable {
    let pid: pid_t
    /// How the child ended; nil while it runs.
    ///
    /// Invariant: the child is reaped only while this lock is held, in the same critical section
    /// that sets the value. So while the value is nil under the lock, `pid` names this child
    /// (running, or a zombie not yet reaped), never another process that reused the id, and a
    /// signal sent under the lock cannot reach a stranger.
    private let ending = Mutex<ChildProcess.Termination?>(nil)
    /// Entered once at the start, left when the child has exited and been reaped.
    let exited = DispatchGroup()

    init(pid: pid_t) {
        self.pid = pid
        exited.enter()
        Thread { [self] in
            // Wait without reaping (WNOWAIT), so that the id stays ours until the lock is held.
            var information = siginfo_t()
            while waitid(P_PID, id_t(pid), &information, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
            ending.withLock { ending in
                var status: Int32 = 0
                var reaped: pid_t
                repeat { reaped = waitpid(pid, &status, 0) } while reaped < 0 && errno == EINTR
                // Someone else reaping our child would be a bug elsewhere; the status is then unknown.
                ending = reaped == pid ? ChildProcess.Termination(waitStatus: status) : ChildProcess.Termination(status: -1, signal: nil)
            }
            exited.leave()
        }.start()
    }

    /// How the child ended, or nil while it runs.
    var termination: ChildProcess.Termination? { ending.withLock { $0 } }

    /// Sends `number` to the child; false when it has already been reaped (or kill failed).
    func signal(_ number: Int32) -> Bool {
        ending.withLock { $0 == nil && kill(pid, number) == 0 }
    }
}

extension ChildProcess.Termination {
    /// Decodes a status from waitpid: the exit code, or 128 + the signal that ended the child.
    init(waitStatus: Int32) {
        let signal = waitStatus & 0x7F
        if signal == 0 {
            self.init(status: (waitStatus >> 8) & 0xFF, signal: nil)
        } else {
            self.init(status: 128 + signal, signal: signal)
        }
    }
}
