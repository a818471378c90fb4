import LanesModel

/// Reads Chrome Trace Event JSON into a `Trace`.
///
/// Accepts both forms of the format (a bare array of events, and an object with a
/// `"traceEvents"` array) as written by Chrome, Perfetto, viztracer, Rust's tracing-chrome,
/// clang's `-ftime-trace` and Lanes itself. A bare array cut off by a crash (no closing `]`,
/// a trailing comma, a half-written last event) keeps every whole event and says what was lost
/// in a warning. Input that is not a trace at all throws a one-line `TraceReadError`.
public enum ChromeTraceImporter {
    /// Parses `bytes` (the contents of `path`, used only in messages).
    public static func read(bytes: [UInt8], path: String) throws -> (trace: Trace, warnings: [TraceReadWarning]) {
        let outcome = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            var assembler = ChromeTraceAssembler(byteCount: buffer.count)
            let stop = readDocument(&reader, into: &assembler)
            return (assembler, stop)
        }
        var assembler = outcome.0
        let stop = outcome.1
        var firstWarnings: [TraceReadWarning] = []
        let eventCount = counted(assembler.eventCount, "event")
        switch stop {
        case .closed:
            break
        case .notTrace(let reason):
            throw TraceReadError(path: path, reason: reason)
        case .notClosed:
            firstWarnings.append(TraceReadWarning("cut off after \(eventCount): the event array was not closed"))
        case .lastEventIncomplete:
            firstWarnings.append(TraceReadWarning("cut off after \(eventCount): the last event was incomplete"))
        case .damaged(let error):
            guard assembler.eventCount > 0 else { throw TraceReadError(path: path, reason: "not valid JSON: \(error)") }
            firstWarnings.append(TraceReadWarning("stopped after \(eventCount): \(error)"))
        }
        if assembler.eventCount > 0, assembler.eventsWithoutPhase == assembler.eventCount {
            throw TraceReadError(path: path, reason: "not a trace: no event has a \"ph\" phase field")
        }
        let result = assembler.finish()
        return (result.trace, firstWarnings + result.warnings)
    }

    /// How reading the event array ended.
    enum Stop {
        case closed
        case notClosed
        case lastEventIncomplete
        case damaged(JSONSyntaxError)
        case notTrace(String)
    }

    static func readDocument(_ reader: inout JSONReader, into assembler: inout ChromeTraceAssembler) -> Stop {
        reader.skipByteOrderMark()
        switch reader.peek() {
        case UInt8(ascii: "["):
            return readEventArray(&reader, into: &assembler)
        case UInt8(ascii: "{"):
            return readTraceObject(&reader, into: &assembler)
        case nil:
            return .notTrace("the file holds only white space")
        default:
            return .notTrace("not a trace: JSON traces start with '[' or '{'")
        }
    }

    /// The `{"traceEvents": [...], ...}` form; other members (`displayTimeUnit`, `otherData`,
    /// `systemTraceEvents`, …) are skipped.
    static func readTraceObject(_ reader: inout JSONReader, into assembler: inout ChromeTraceAssembler) -> Stop {
        reader.position += 1
        var sawEvents = false
        var stop = Stop.closed
        do throws(JSONSyntaxError) {
            if reader.consume(UInt8(ascii: "}")) {
                return .notTrace("not a trace: a JSON object without a \"traceEvents\" array")
            }
            while true {
                let key = try reader.readRawString()
                try reader.expect(UInt8(ascii: ":"), "after an object key")
                if reader.matches(key, "traceEvents") {
                    guard reader.peek() == UInt8(ascii: "[") else {
                        if reader.isAtEnd { throw reader.endOfInput() }
                        return .notTrace("not a trace: \"traceEvents\" is not an array")
                    }
                    sawEvents = true
                    stop = readEventArray(&reader, into: &assembler)
                    guard case .closed = stop else { return stop }
                } else {
                    try reader.skipValue(depth: 1)
                }
                if reader.consume(UInt8(ascii: ",")) { continue }
                try reader.expect(UInt8(ascii: "}"), "or ',' in the trace object")
                break
            }
        } catch {
            // Damage after the events were read loses nothing that matters.
            if sawEvents { return .closed }
            return error.isEndOfInput ? .notTrace("not a trace: the JSON object stops before a \"traceEvents\" array")
                : .notTrace("not valid JSON: \(error)")
        }
        return sawEvents ? stop : .notTrace("not a trace: a JSON object without a \"traceEvents\" array")
    }

    /// Reads events up to the closing `]`, keeping every whole event before a cut or damage.
    static func readEventArray(_ reader: inout JSONReader, into assembler: inout ChromeTraceAssembler) -> Stop {
        reader.position += 1
        var elementCount = 0
        while true {
            guard let next = reader.peek() else { return .notClosed }
            switch next {
            case UInt8(ascii: "]"):
                reader.position += 1
                return .closed
            case UInt8(ascii: ","):
                // Stray and trailing commas (as left by a writer that died) are tolerated.
                reader.position += 1
                continue
            case UInt8(ascii: "{"):
                do {
                    assembler.add(try ChromeEvent.read(from: &reader))
                } catch {
                    return error.isEndOfInput ? .lastEventIncomplete : .damaged(error)
                }
            default:
                let start = reader.position
                let value: JSONValue
                do {
                    value = try reader.readValue(depth: 1)
                } catch {
                    if elementCount == 0, !error.isEndOfInput { return .notTrace("not valid JSON: \(error)") }
                    return error.isEndOfInput ? .lastEventIncomplete : .damaged(error)
                }
                return .notTrace("not a trace: element \(elementCount + 1) of the array (byte \(start)) is "
                    + "\(value.kindDescription), not an event object")
            }
            elementCount += 1
            switch reader.peek() {
            case nil: return .notClosed
            case UInt8(ascii: ","), UInt8(ascii: "]"): continue
            default: return .damaged(reader.unexpected("expected ',' or ']' after an event"))
            }
        }
    }
}
