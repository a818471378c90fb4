import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program the tests run as a real child process: the package's own executables (`lanes`,
/// `LanesExampleApp`, the scenarios), python3 with viztracer or the OpenTelemetry SDK, tmux,
/// clang, the shell.
///
/// The tests' one way to run a child. From the moment it starts, its standard output and standard
/// error are each read on a thread of their own (``PipeReader``), so neither pipe can fill up and
/// stop the child, whatever order the test reads them in or whether it reads them at all; its
/// exit is awaited on another thread (``ExitWatcher``), which also makes ``signal(_:)`` safe.
/// Tests read lines as they come (``waitForLine(on:timeout:where:)``) and collect everything at
/// the end with ``finish(timeout:)``, or ``finishBlocking(timeout:)`` in synchronous tests.
public final class ChildProcess: Sendable {
    /// How a child ended.
    public struct Termination: Sendable, Equatable {
        /// The exit status; for a child ended by a signal, 128 + the signal, as a shell says.
        public var status: Int32
        /// The signal that ended the child, or nil when it exited.
        public var signal: Int32?
    }

    /// What a finished child did.
    public struct Result: Sendable {
        /// The exit status; 128 + the signal for a child ended by a signal; -1 if unknown.
        public var status: Int32
        /// The signal that ended the child (SIGKILL after a timeout), or nil when it exited.
        public var signal: Int32?
        /// Its standard output, as UTF-8 (invalid bytes become U+FFFD).
        public var output: String
        /// Its standard error, as UTF-8.
        public var errors: String
        /// Whether the timeout given to `finish` ran out: the child was killed with SIGKILL if it
        /// still ran, and `output` and `errors` hold what had arrived (a process the child started
        /// may still hold its pipes open).
        public var timedOut: Bool
    }

    /// One of the child's output streams.
    public enum Stream: Sendable {
        case output
        case errors
    }

    /// The child's process id, for signals and /proc. ``signal(_:)`` is the safe way to signal it.
    public let pid: pid_t
    /// The program started.
    public let executable: String
    private let output: PipeReader
    private let errors: PipeReader
    private let exitWatcher: ExitWatcher

    /// Starts `executable` (a path, or a name looked up in PATH) with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: variables added to the test process's environment, which is inherited
    ///     without `LANES_TRACE` (a developer's own setting must not make every child record)
    ///     unless `environment` sets it.
    ///   - inheritingEnvironment: false to give the child exactly `environment` and nothing else
    ///     (to test behaviour without UTF-8, say).
    ///   - currentDirectory: the child's working directory; the test's when nil.
    ///   - input: bytes for its standard input, written on a thread of their own and then closed;
    ///     when nil, standard input is /dev/null.
    /// - Throws: ``ChildProcessError`` (`.cannotStart`) with the reason when it cannot start.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], inheritingEnvironment: Bool = true,
        currentDirectory: String? = nil, input: [UInt8]? = nil
    ) throws {
        let combined = Self.environment(
            inheriting: inheritingEnvironment ? ProcessInfo.processInfo.environment : [:], adding: environment)
        let spawned = try ProcessSpawner.spawn(
            executable, arguments, environment: combined, currentDirectory: currentDirectory, withInput: input != nil)
        self.executable = executable
        pid = spawned.pid
        output = PipeReader(descriptor: spawned.output)
        errors = PipeReader(descriptor: spawned.errors)
        exitWatcher = ExitWatcher(pid: spawned.pid)
        if let input, let descriptor = spawned.input { InputWriter.write(input, to: descriptor) }
    }

    /// A child's environment: `inherited` without `LANES_TRACE`, plus `extra` (which may set it).
    static func environment(inheriting inherited: [String: String], adding extra: [String: String]) -> [String: String] {
        var combined = inherited
        combined.removeValue(forKey: "LANES_TRACE")
        combined.merge(extra) { $1 }
        return combined
    }

    /// Whether the child is still running (not yet exited and reaped).
    public var isRunning: Bool { exitWatcher.termination == nil }

    /// How the child ended, or nil while it runs.
    public var termination: Termination? { exitWatcher.termination }

    /// Sends signal `number` (SIGINT, SIGUSR1, SIGKILL, …) to the child; false when it has already
    /// ended. Never reaches another process that reused the id (see ``ExitWatcher``).
    @discardableResult
    public func signal(_ number: Int32) -> Bool {
        exitWatcher.signal(number)
    }

    /// The lines the child has written to `stream` so far, without their newlines (an unterminated
    /// last line only once the stream is closed).
    public func lines(of stream: Stream) -> [String] {
        reader(stream).lines
    }

    /// Waits until the child writes a line on `stream` for which `predicate` holds, and returns
    /// it; nil when the stream closes without one or `timeout` passes first. Suspends between
    /// looks (every 10 ms) rather than blocking a thread of the cooperative pool.
    public func waitForLine(
        on stream: Stream = .output, timeout: Duration, where predicate: (String) -> Bool
    ) async -> String? {
        let source = reader(stream)
        let deadline = ContinuousClock.now + timeout
        while true {
            let closed = source.isClosed  // read before the lines, so that no last line is missed
            if let line = source.lines.first(where: predicate) { return line }
            if closed || ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The first line the child writes on `stream` (a server saying where it listens), or nil when
    /// the stream closes first or `timeout` passes.
    public func firstLine(on stream: Stream = .output, timeout: Duration = .seconds(60)) async -> String? {
        await waitForLine(on: stream, timeout: timeout) { _ in true }
    }

    /// Waits for the child to exit and both its output streams to close, and returns its status
    /// and everything it wrote.
    ///
    /// The waiting happens on a thread of its own: tests run in parallel on the few threads of
    /// the cooperative pool, and a child that runs for seconds must not hold one of them (the
    /// other tests' tasks would queue behind it, as Lanes' own findings would say).
    ///
    /// - Parameter timeout: when given, a child still running then is killed with SIGKILL and
    ///   the result says `timedOut`, so that a hang fails the test instead of stalling the run.
    public func finish(timeout: Duration? = nil) async -> Result {
        await withCheckedContinuation { continuation in
            Thread { [self] in continuation.resume(returning: finishBlocking(timeout: timeout)) }.start()
        }
    }

    /// ``finish(timeout:)`` for synchronous callers: blocks the calling thread until the child has
    /// exited and both streams are closed (or `timeout` passes).
    public func finishBlocking(timeout: Duration? = nil) -> Result {
        var timedOut = false
        if let timeout {
            let deadline = DispatchTime.now() + timeout.dispatchInterval
            if exitWatcher.exited.wait(timeout: deadline) == .timedOut {
                timedOut = true
                signal(SIGKILL)
                exitWatcher.exited.wait()
            }
            // The child has exited; a process it started may still hold its pipes open. Give the
            // readers what is left of the time, and at least a second, to see the end.
            let drained = max(deadline, DispatchTime.now() + .seconds(1))
            if output.finished.wait(timeout: drained) == .timedOut || errors.finished.wait(timeout: drained) == .timedOut {
                timedOut = true
            }
        } else {
            exitWatcher.exited.wait()
            output.finished.wait()
            errors.finished.wait()
        }
        let ending = exitWatcher.termination ?? Termination(status: -1, signal: nil)
        return Result(status: ending.status, signal: ending.signal, output: output.text, errors: errors.text, timedOut: timedOut)
    }

    private func reader(_ stream: Stream) -> PipeReader {
        switch stream {
        case .output: output
        case .errors: errors
        }
    }
}

extension Duration {
    /// This duration for Dispatch's waits (whole nanoseconds, at most `Int.max`).
    var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
        return .nanoseconds(nanoseconds >= Double(Int.max) ? Int.max : max(0, Int(nanoseconds)))
    }
}
