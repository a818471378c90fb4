/// How a recording keeps what it records: written to its file as it goes (optionally up to a
/// size), or kept in memory as a flight recorder that writes only when a dump is asked for.
struct RecorderConfiguration: Sendable {
    /// The most memory, in bytes, that buffered and queued events may take.
    var memoryLimit: Int = LanesRecording.defaultMemoryLimit
    /// The largest the file may grow (`LANES_TRACE_MAX_SIZE`); nil for no limit. Reaching it
    /// stops the recording with a valid footer and one line on stderr.
    var maximumFileSize: Int?
    /// Set for a flight recorder: nothing is written until a dump.
    var flight: FlightConfiguration?
    /// Whether a process-wide recording takes over the global executor to record every job.
    var captureJobs = true

    /// The bytes of text (plus a per-string overhead) the string table may hold before new
    /// strings are written inline instead of interned: an eighth of the memory limit.
    var stringTableLimit: Int { max(64 << 10, memoryLimit / 8) }
}

/// A flight recorder's settings.
struct FlightConfiguration: Sendable {
    /// How far back a dump reaches, in nanoseconds.
    var window: Int64
    /// The most memory the window's events may take; the oldest are dropped first.
    var memoryLimit: Int
    /// What writes a dump besides `dump(to:)`.
    var triggers: [Lanes.FlightTrigger]
    /// The signal that writes a dump (`SIGUSR1` unless told otherwise), or nil for none.
    var signal: Int32?
}
