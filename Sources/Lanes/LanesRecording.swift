/// A recording in progress: spans and task states are written to its `.lanes` file while the
/// program runs. Call `finish()` once at the end to flush the last events and write the footer;
/// a recording that is never finished (the process crashed or was killed) still reads back up to
/// its last flush, at most `flushInterval` before the end.
public final class LanesRecording: Sendable {
    let recorder: Recorder

    init(recorder: Recorder) {
        self.recorder = recorder
    }

    /// The trace file being written.
    public var path: String { recorder.path }

    /// Whether events are still being recorded (false after `finish()` or a write failure).
    public var isRecording: Bool { recorder.isRunning }

    /// Events lost so far because the memory limit was reached; also written to the file.
    public var droppedEvents: UInt64 { recorder.droppedEvents }

    /// The warning printed when the trace became unwritable (for example a full disk), if it did.
    public var failure: String? { recorder.failure }

    /// Stops recording, writes every buffered event and the footer, and closes the file.
    /// Safe to call more than once; later calls do nothing.
    public func finish() {
        recorder.finish()
    }

    /// The default memory limit: 32 MiB of buffered events.
    public static let defaultMemoryLimit = 32 << 20
}
