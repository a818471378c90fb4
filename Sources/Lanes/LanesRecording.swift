/// A recording in progress: spans and task states are written to its `.lanes` file while the
/// program runs (or, for a flight recorder, kept in memory until a dump). Call `finish()` once
/// at the end to flush the last events and write the footer; a recording that is never finished
/// (the process crashed or was killed) still reads back up to its last flush, at most
/// `flushInterval` before the end.
public final class LanesRecording: Sendable {
    let recorder: Recorder

    init(recorder: Recorder) {
        self.recorder = recorder
    }

    /// The trace file being written; for a flight recorder, the first dump's path.
    public var path: String { recorder.path }

    /// Whether events are still being recorded (false after `finish()` or a write failure).
    public var isRecording: Bool { recorder.isRunning }

    /// Whether this is a flight recorder, which writes only when dumped.
    public var isFlightRecorder: Bool { recorder.isFlightRecorder }

    /// Events lost so far because the memory limit was reached; also written to the file.
    public var droppedEvents: UInt64 { recorder.droppedEvents }

    /// The warning printed when the trace became unwritable (for example a full disk) or
    /// reached its size limit, if it did.
    public var failure: String? { recorder.failure }

    /// Stops recording, writes every buffered event and the footer, and closes the file (a
    /// flight recorder discards its window: `dump()` first to keep it). Blocks the calling
    /// thread until done, so it is for `atexit` and synchronous code; async code calls the
    /// async form, which suspends instead. Safe to call more than once.
    public func finish() {
        recorder.finish()
    }

    /// `finish()` for async code: suspends until the file is complete, never blocking a
    /// cooperative thread.
    public func finish() async {
        await recorder.finishAsync()
    }

    /// Makes everything recorded so far readable in the file, suspending until the writer has
    /// written it (typically a millisecond or two; no polling).
    public func flush() async {
        await recorder.flushRecordedEventsAsync()
    }

    /// Writes the flight recorder's window to `path` (by default the next of the recording's
    /// path, `path.1`, `path.2`, …) as a complete `.lanes` file and returns the path written.
    /// The app's threads keep recording meanwhile; the writer thread does the work. Throws when
    /// this is not a flight recorder, it has stopped, or the file cannot be written.
    @discardableResult
    public func dump(to path: String? = nil) async throws(LanesRecordingError) -> String {
        guard recorder.isFlightRecorder else {
            throw LanesRecordingError(.unavailable, path: path ?? recorder.path, reason: "not a flight recorder: everything is in the file already")
        }
        return try await recorder.dump(to: path, reason: "dump(to:)")
    }

    /// The default memory limit: 32 MiB of buffered events.
    public static let defaultMemoryLimit = 32 << 20

    /// The default memory a flight recorder's window may take: 64 MiB.
    public static let defaultFlightMemoryLimit = 64 << 20
}
