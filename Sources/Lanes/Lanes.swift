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
    /// `record(to:_:)`. `memoryLimit` bounds buffered events and the string table; beyond it
    /// events are dropped and counted, and new strings are written inline. `maximumFileSize`
    /// stops the recording, with a complete file and one line on stderr, at that size. Throws
    /// `LanesRecordingError` when the file cannot be created or this process already records
    /// into it.
    ///
    /// With `captureJobs` (the default, unless `LANES_CAPTURE_JOBS=0`), Lanes also becomes the
    /// process's global executor and records every job it runs: which task, when it became
    /// ready, started and ended, on which thread (see the README's "Job capture"). The takeover
    /// lasts for the rest of the process; it is refused, with one line on stderr, where it is
    /// not supported.
    public static func record(
        to path: String, memoryLimit: Int = LanesRecording.defaultMemoryLimit, maximumFileSize: Int? = nil,
        captureJobs: Bool = true
    ) throws(LanesRecordingError) -> LanesRecording {
        let configuration = RecorderConfiguration(
            memoryLimit: memoryLimit, maximumFileSize: maximumFileSize, captureJobs: captureJobs)
        return LanesRecording(recorder: try startProcessWide(path: path, configuration: configuration, reuseExisting: false))
    }

    /// Starts a flight recorder for the whole process: it keeps the last `lastSeconds` of spans
    /// and task states in memory (at most `memoryLimit` bytes of them) and writes nothing until
    /// a dump is asked for — by `recording.dump()`, by the signal `dumpSignal` (`kill -USR1
    /// PID`; nil for none), or by one of `triggers` (a slow request, a blocking call). Each dump
    /// is a complete `.lanes` file holding the window: `path`, then `path.1`, `path.2`, …
    ///
    /// Spans cost the same as in a normal recording: they are recorded the same way, only the
    /// writer keeps them instead of writing them.
    public static func flightRecorder(
        to path: String, lastSeconds: Double = 30, memoryLimit: Int = LanesRecording.defaultFlightMemoryLimit,
        triggers: [FlightTrigger] = [], dumpSignal: Int32? = SIGUSR1
    ) throws(LanesRecordingError) -> LanesRecording {
        guard lastSeconds > 0, lastSeconds < 1e9 else {
            throw LanesRecordingError(.invalidSetting, path: path, reason: "the flight recorder's window must be positive")
        }
        let flight = FlightConfiguration(
            window: Int64(lastSeconds * 1e9), memoryLimit: max(memoryLimit, 1 << 16), triggers: triggers,
            signal: dumpSignal)
        let configuration = RecorderConfiguration(flight: flight)
        return LanesRecording(recorder: try startProcessWide(path: path, configuration: configuration, reuseExisting: false))
    }

    /// Records only the work inside `body` (and the tasks it starts) into `path`, then finishes
    /// the file. Other recordings in the process, scoped or process-wide, are unaffected, so
    /// independent parts of a program (or tests running in parallel) can record side by side.
    /// Finishing suspends; it never blocks a thread.
    public static func record<Value, Failure: Error>(
        to path: String, memoryLimit: Int = LanesRecording.defaultMemoryLimit,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(Failure) -> Value
    ) async throws -> Value {
        let configuration = RecorderConfiguration(memoryLimit: memoryLimit)
        let recorder = try RecordingRegistry.recorder(for: path) { () throws(LanesRecordingError) in
            try Recorder(path: path, configuration: configuration)
        }
        guard recorder.isNew else {
            throw LanesRecordingError(.inUse, path: path, reason: "this process already records into it")
        }
        Watchdog.recordingStarted(recorder.recorder, isProcessWide: false)
        let outcome: Result<Value, Failure> = await SpanContext.local.withValue(
            SpanContext(recorder: recorder.recorder, span: 0, task: 0), operation: {
                do throws(Failure) { return .success(try await body()) } catch { return .failure(error) }
            }, isolation: isolation)
        await recorder.recorder.finishAsync()
        return try outcome.get()
    }

    /// Starts recording if `LANES_TRACE` names a file; call once at start-up. Later calls (and
    /// `LanesTracer()`) return the recording already running instead of starting another.
    ///
    /// The environment shapes the recording: `LANES_FLIGHT_RECORDER=30s` makes it a flight
    /// recorder (`LANES_FLIGHT_MEMORY`, `LANES_FLIGHT_SIGNAL`, `LANES_FLIGHT_TRIGGER`), and
    /// `LANES_TRACE_MAX_SIZE=100M` limits the file's size. Every way a recording starts from the
    /// environment goes through here. The recording finishes when the process exits normally
    /// (`exit` or returning from `main`). If the file cannot be created or a setting does not
    /// parse, prints one warning on stderr and the program runs unrecorded.
    @discardableResult
    public static func bootstrapFromEnvironment() -> LanesRecording? {
        EnvironmentRecording.start()
    }

    /// The one way a process-wide recording starts: one recording per file (`reuseExisting`
    /// returns the one already writing `path` instead of refusing), published as the
    /// process-wide recording, job capture, and for a flight recorder the dump signal.
    static func startProcessWide(
        path: String, configuration: RecorderConfiguration, reuseExisting: Bool
    ) throws(LanesRecordingError) -> Recorder {
        let (recorder, isNew) = try RecordingRegistry.recorder(for: path) { () throws(LanesRecordingError) in
            try Recorder(path: path, configuration: configuration)
        }
        guard isNew else {
            if reuseExisting { return recorder }
            throw LanesRecordingError(.inUse, path: path, reason: "this process already records into it")
        }
        Recorder.publishProcessWide(recorder)
        recorder.noteJobCapture(GlobalExecutorTakeover.start(requested: configuration.captureJobs))
        Watchdog.recordingStarted(recorder, isProcessWide: true)
        if let signal = configuration.flight?.signal {
            DumpSignal.listen(recorder, signal: signal)
        }
        return recorder
    }
}

/// The `LANES_TRACE` recording: started once, finished at exit.
enum EnvironmentRecording {
    private static let installed = Locked<LanesRecording?>(nil)

    /// The running environment recording, starting it if the environment asks for one.
    static func start() -> LanesRecording? {
        installed.withLock { current -> LanesRecording? in
            if let current, current.isRecording { return current }
            guard let settings = EnvironmentSettings.recording() else { return nil }
            do throws(LanesRecordingError) {
                let (path, configuration) = try settings.get()
                let recording = LanesRecording(
                    recorder: try Lanes.startProcessWide(path: path, configuration: configuration, reuseExisting: true))
                if current == nil {
                    atexit { EnvironmentRecording.installed.withLock { $0 }?.finish() }
                }
                current = recording
                return recording
            } catch {
                printRecorderWarning("\(error.message); recording is off, the program continues")
                return nil
            }
        }
    }
}
