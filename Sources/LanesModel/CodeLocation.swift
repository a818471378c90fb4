/// Where in the program's source a span's code lives: a function and the file and line that
/// define it, as an importer found them (viztracer writes `name (file:line)`).
///
/// Stored on spans as attributes under the OpenTelemetry semantic-convention keys, so a trace
/// converted to `.lanes` or exported to OTLP keeps them, and any reader (the analysis naming a
/// finding's site, an OTLP consumer) finds them under the names it expects.
public struct CodeLocation: Sendable, Equatable, Hashable {
    /// The attribute key of the function's name (`code.function.name`).
    public static let functionKey = "code.function.name"
    /// The attribute key of the source file's path (`code.file.path`).
    public static let filePathKey = "code.file.path"
    /// The attribute key of the line number, as decimal text (`code.line.number`).
    public static let lineKey = "code.line.number"

    /// The function (for methods, `Class.method`).
    public var function: String
    /// The source file as the producer wrote it (an absolute path, or `<frozen os>`).
    public var filePath: String
    /// The line in `filePath` (for viztracer, the line of the function's `def`).
    public var line: Int

    public init(function: String, filePath: String, line: Int) {
        self.function = function
        self.filePath = filePath
        self.line = line
    }

    /// The file's last path component and the line, e.g. `app.py:6`.
    public var shortSite: String {
        let file = filePath.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? filePath
        return "\(file):\(line)"
    }
}

extension Trace {
    /// The code location recorded on span `span`, if it has a file and a line.
    public func codeLocation(ofSpan span: Int) -> CodeLocation? {
        var function: String?
        var filePath: String?
        var line: Int?
        for (key, value) in attributes(ofSpan: span) {
            switch key {
            case CodeLocation.functionKey: function = value
            case CodeLocation.filePathKey: filePath = value
            case CodeLocation.lineKey: line = Int(value)
            default: break
            }
        }
        guard let filePath, let line else { return nil }
        return CodeLocation(function: function ?? name(ofSpan: span), filePath: filePath, line: line)
    }
}
