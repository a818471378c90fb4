import LanesModel

/// Reads OTLP JSON into a `Trace`. (Being built: see the ecosystem issue.)
public enum OTLPTraceImporter {
    /// Parses `bytes` (the contents of `path`, used only in messages).
    public static func read(bytes: [UInt8], path: String) throws -> (trace: Trace, warnings: [TraceReadWarning]) {
        throw TraceReadError(path: path, reason: "OTLP JSON import is not built yet")
    }
}
