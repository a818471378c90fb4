import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lanes' instrumentation API: record spans of async and sync work, wrap handlers, bridge
/// between sync and async code the way Chainlit's `make_async`/`run_sync` do, fan out with
/// `gather`, and record task states with a tracing executor.
///
/// Nothing is recorded until a recording starts (`record(to:)`, or `LANES_TRACE` with
/// `bootstrapFromEnvironment()`); until then every call costs one relaxed atomic load on top
/// of the work it wraps.
public enum Lanes {
    /// The environment variable that turns recording on: `LANES_TRACE=run.lanes ./app`.
    public static let traceEnvironmentVariable = "LANES_TRACE"

    /// Starts recording the whole process into the `.lanes` file at `path` (created or
    /// truncated) and returns the recording; call `finish()` on it before the process exits.
    ///
    /// Spans from every task and thread go to this recording, except those inside a scoped
    /// `record(to:_:)`. `memoryLimit` bounds buffered events; beyond it events are dropped and
    /// counted. Throws `LanesRecordingError` when the file cannot be created.
    ///
    /// With `captureJobs` (the default, unless `LANES_CAPTURE_JOBS=0`), Lanes also becomes the
    /// process's global executor and records every job it runs: which task, when it became
    /// ready, started and ended, on which thread (see the README's "Job capture"). The takeover
    /// lasts for the rest of the process; it is refused, with one line on stderr, where it is
    /// not supported.
    public static func record(
        to path: String, memoryLimit: Int = LanesRecording.defaultMemoryLimit, captureJobs: Bool = true
    ) throws(LanesRecordingError) -> LanesRecording {
        let recorder = try Recorder(path: path, memoryLimit: memoryLimit)
        Recorder.publishProcessWide(recorder)
        recorder.noteJobCapture(GlobalExecutorTakeover.start(requested: captureJobs))
        return LanesRecording(recorder: recorder)
    }

    /// Records only the work inside `body` (and the tasks it starts) into `path`, then finishes
    /// the file. Other recordings in the process, scoped or process-wide, are unaffected, so
    /// independent parts of a program (or tests running in parallel) can record side by side.
    public static func record<Value, Failure: Error>(
        to path: String, memoryLimit: Int = LanesRecording.defaultMemoryLimit,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(Failure) -> Value
    ) async throws -> Value {
        let recorder = try Recorder(path: path, memoryLimit: memoryLimit)
        defer { recorder.finish() }
        let outcome: Result<Value, Failure> = await SpanContext.local.withValue(
            SpanContext(recorder: recorder, span: 0, task: 0), operation: {
                do throws(Failure) { return .success(try await body()) } catch { return .failure(error) }
            }, isolation: isolation)
        return try outcome.get()
    }

    /// Starts recording if `LANES_TRACE` names a file; call once at start-up. The recording
    /// finishes when the process exits normally (`exit` or returning from `main`). If the file
    /// cannot be created, prints one warning on stderr and the program runs unrecorded.
    @discardableResult
    public static func bootstrapFromEnvironment() -> LanesRecording? {
        guard let value = getenv(traceEnvironmentVariable), value.pointee != 0 else { return nil }
        let path = String(cString: value)
        do {
            let recording = try record(to: path)
            EnvironmentRecording.install(recording)
            return recording
        } catch {
            printRecorderWarning("\(error); recording is off, the program continues")
            return nil
        }
    }
}

/// Finishes the `LANES_TRACE` recording at exit.
enum EnvironmentRecording {
    private static let installed = Locked<LanesRecording?>(nil)

    static func install(_ recording: LanesRecording) {
        let first = installed.withLock { current in
            defer { current = recording }
            return current == nil
        }
        if first {
            atexit {
                EnvironmentRecording.installed.withLock { $0 }?.finish()
            }
        }
    }
}
