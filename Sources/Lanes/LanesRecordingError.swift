/// Why a recording could not start: the trace file could not be created.
public struct LanesRecordingError: Error, CustomStringConvertible, Sendable {
    /// The trace file's path.
    public var path: String
    /// What went wrong, in a few words.
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// One line: `PATH: REASON`.
    public var description: String { "\(path): \(reason)" }
}
