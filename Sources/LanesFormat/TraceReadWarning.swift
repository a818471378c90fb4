import LanesModel
import LanesWriter

/// What a read recovered but could not read whole: damage, truncation, unknown records.
/// Each is one line for stderr, e.g. `1 chunk damaged at byte 81920, 1,204 events lost`.
public struct TraceReadWarning: Sendable, Equatable, CustomStringConvertible {
    /// The line, without the file name.
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// A trace and what was lost reading it.
public struct TraceLoadResult: Sendable {
    /// The trace, with everything that could be recovered.
    public var trace: Trace
    /// What could not be read, one line each; empty when the input was whole.
    public var warnings: [TraceReadWarning]
    /// The format the input was detected as.
    public var format: TraceFileFormat

    public init(trace: Trace, warnings: [TraceReadWarning], format: TraceFileFormat) {
        self.trace = trace
        self.warnings = warnings
        self.format = format
    }
}
