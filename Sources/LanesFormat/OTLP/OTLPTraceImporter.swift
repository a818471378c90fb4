import LanesModel
import LanesWriter

/// Reads OTLP/JSON (`ExportTraceServiceRequest`) into a `Trace`.
///
/// Accepts one request, or several one per line (JSON Lines, as the OpenTelemetry Collector's
/// file exporter writes them), with field names in lowerCamelCase or snake_case and enums as
/// integers or names. Each trace id of each resource becomes a lane (a task) named after its
/// root span, unless the spans carry `lanes.task` (Lanes' own exports). Span events become
/// instant child spans. Anything that is not OTLP throws a one-line `TraceFileError`; a last
/// line cut off mid-request is dropped with a warning.
public enum OTLPTraceImporter {
    /// Parses `bytes` (the contents of `path`, used only in messages).
    public static func read(bytes: [UInt8], path: String) throws -> (trace: Trace, warnings: [TraceReadWarning]) {
        var assembler = OTLPTraceAssembler()
        var warnings: [TraceReadWarning] = []
        let failure: String? = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            reader.skipByteOrderMark()
            var requestCount = 0
            while reader.peek() != nil {
                let start = reader.position
                let mark = assembler.mark
                let problem: String?
                do throws(JSONSyntaxError) {
                    problem = try assembler.readRequest(&reader)
                } catch {
                    if requestCount == 0 { return "not valid JSON: \(error)" }
                    // A damaged or cut-off request is dropped whole, as if it had not been read.
                    assembler.rollBack(to: mark)
                    let what = error.isEndOfInput ? "was cut off" : "is not valid JSON (\(error))"
                    warnings.append(TraceReadWarning(
                        "read \(counted(requestCount, "request")); the one at byte \(start) \(what) and was skipped"))
                    return nil
                }
                if let problem {
                    return requestCount == 0 ? problem : "request \(requestCount + 1) (byte \(start)): \(problem)"
                }
                requestCount += 1
            }
            return requestCount == 0 ? "the file holds only white space" : nil
        }
        if let failure {
            throw TraceFileError(failure.hasPrefix("not valid JSON") ? .damaged : .notATrace, path: path, format: .otlp, reason: failure)
        }
        let result = assembler.finish()
        return (result.trace, warnings + result.warnings)
    }
}
