import LanesModel

/// Reads Chrome Trace Event JSON into a `Trace`. (Being built: see the Chrome issue.)
public enum ChromeTraceImporter {
    /// Parses `bytes` (the contents of `path`, used only in messages).
    public static func read(bytes: [UInt8], path: String) throws -> (trace: Trace, warnings: [TraceReadWarning]) {
        throw TraceReadError(path: path, reason: "Chrome JSON import is not built yet")
    }
}
