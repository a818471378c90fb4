/// The trace formats Lanes reads and writes.
public enum TraceFileFormat: String, Sendable, CaseIterable {
    /// Lanes' own binary format (`Traces/FORMAT.md`).
    case lanes
    /// Chrome Trace Event JSON (Perfetto, chrome://tracing, speedscope).
    case chrome
    /// OpenTelemetry OTLP JSON (`ExportTraceServiceRequest`).
    case otlp

    /// The format's name in messages: ".lanes file", "Chrome JSON", "OTLP JSON".
    public var displayName: String {
        switch self {
        case .lanes: ".lanes file"
        case .chrome: "Chrome JSON"
        case .otlp: "OTLP JSON"
        }
    }

    /// Detects the format from the first bytes of a file, not its name: the `.lanes` magic, or
    /// JSON whose first key or element says Chrome or OTLP. Returns nil for anything else.
    public static func detect(_ prefix: some Collection<UInt8>) -> TraceFileFormat? {
        let bytes = Array(prefix.prefix(4096))
        if bytes.starts(with: LanesFileLayout.magic) { return .lanes }
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }  // UTF-8 byte order mark
        while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        guard start < bytes.count else { return nil }
        if bytes[start] == UInt8(ascii: "[") { return .chrome }
        let text = String(decoding: bytes[start...], as: UTF8.self)
        // OTLP by any of its structural keys, so that one damaged key still names the format
        // (the inner keys only when there is no Chrome `traceEvents`); JSON Lines whose first
        // line is damaged by a later line that starts a request.
        if bytes[start] != UInt8(ascii: "{") {
            return text.contains("\n{\"resourceSpans\"") || text.contains("\n{\"resource_spans\"") ? .otlp : nil
        }
        if text.contains("\"resourceSpans\"") || text.contains("\"resource_spans\"") { return .otlp }
        let innerKeys = ["\"scopeSpans\"", "\"scope_spans\"", "\"instrumentationLibrarySpans\""]
        if !text.contains("\"traceEvents\""), innerKeys.contains(where: text.contains) { return .otlp }
        return .chrome
    }
}
