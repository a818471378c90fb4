import LanesModel

/// Reads `.lanes` files. (Being built.)
public enum LanesFileReader {
    /// Parses `bytes` (the contents of `path`, used only in messages).
    public static func read(bytes: [UInt8], path: String) throws -> (trace: Trace, warnings: [TraceReadWarning]) {
        throw TraceReadError(path: path, reason: ".lanes reading is not built yet")
    }
}
