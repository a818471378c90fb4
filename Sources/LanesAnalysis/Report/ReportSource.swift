/// Where a report's trace came from: the file, its detected format, and what the reader could
/// not read. Set by the command that loaded it.
public struct ReportSource: Sendable, Encodable, Equatable {
    /// The file as the user named it.
    public var file: String
    /// The format it was read as (`lanes`, `chrome`, `otlp`).
    public var format: String
    /// One line per loss the reader reported.
    public var warnings: [String]

    public init(file: String, format: String, warnings: [String] = []) {
        self.file = file
        self.format = format
        self.warnings = warnings
    }
}
