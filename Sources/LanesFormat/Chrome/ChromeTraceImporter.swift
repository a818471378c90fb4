import LanesModel
import LanesWriter

/// Reads Chrome Trace Event JSON into a `Trace`.
///
/// Accepts both forms of the format (a bare array of events, and an object with a
/// `"traceEvents"` array) as written by Chrome, Perfetto, viztracer, Rust's tracing-chrome,
/// clang's `-ftime-trace` and Lanes itself. A bare array cut off by a crash (no closing `]`,
/// a trailing comma, a half-written last event) keeps every whole event and says what was lost
/// in a warning. Input that is not a trace at all throws a one-line `TraceFileError`.
public enum ChromeTraceImporter {
    /// Parses `bytes` (the contents of `path`, used only in messages).
    public static func read(bytes: [UInt8], path: String) throws -> (trace: Trace, warnings: [TraceReadWarning]) {
        let outcome = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            var reading = EventArrayReading(assembler: ChromeTraceAssembler(byteCount: buffer.count), byteCount: buffer.count)
            let stop = readDocument(&reader, into: &reading)
            return (reading, stop)
        }
        var reading = outcome.0
        let stop = outcome.1
        var firstWarnings: [TraceReadWarning] = []
        let eventCount = counted(reading.assembler.eventCount, "event")
        switch stop {
        case .closed:
            break
        case .empty:
            throw TraceFileError(.empty, path: path, reason: "the file holds only white space")
        case .notTrace(let reason):
            throw TraceFileError(.notATrace, path: path, format: .chrome, reason: reason)
        case .notClosed:
            firstWarnings.append(TraceReadWarning("cut off after \(eventCount): the event array was not closed"))
        case .lastEventIncomplete:
            firstWarnings.append(TraceReadWarning("cut off after \(eventCount): the last event was incomplete"))
        case .damaged(let error):
            guard reading.assembler.eventCount > 0 else {
                throw TraceFileError(.damaged, path: path, format: .chrome, reason: "not valid JSON: \(error)")
            }
            firstWarnings.append(TraceReadWarning("stopped after \(eventCount): \(error)"))
        }
        if let skipped = reading.skippedWarning { firstWarnings.insert(skipped, at: 0) }
        if reading.assembler.eventCount > 0, reading.assembler.eventsWithoutPhase == reading.assembler.eventCount {
            throw TraceFileError(.notATrace, path: path, format: .chrome, reason: "no event has a \"ph\" phase field")
        }
        let result = reading.assembler.finish()
        return (result.trace, firstWarnings + result.warnings)
    }

    /// How reading the event array ended.
    enum Stop {
        case closed
        case notClosed
        case lastEventIncomplete
        case damaged(JSONSyntaxError)
        case notTrace(String)
        case empty
    }

    static func readDocument(_ reader: inout JSONReader, into reading: inout EventArrayReading) -> Stop {
        reader.skipByteOrderMark()
        switch reader.peek() {
        case UInt8(ascii: "["):
            return readEventArray(&reader, into: &reading, insideObject: false)
        case UInt8(ascii: "{"):
            return readTraceObject(&reader, into: &reading)
        case nil:
            return .empty
        default:
            return .notTrace("not a trace: JSON traces start with '[' or '{'")
        }
    }

    /// The `{"traceEvents": [...], ...}` form; other members (`displayTimeUnit`, `otherData`,
    /// `systemTraceEvents`, …) are skipped, except the producers' own metadata that
    /// `ChromeProducerQuirks` reads.
    static func readTraceObject(_ reader: inout JSONReader, into reading: inout EventArrayReading) -> Stop {
        reader.position += 1
        var sawEvents = false
        var stop = Stop.closed
        let withoutEvents = "a JSON object with neither a \"traceEvents\" array (Chrome JSON) nor \"resourceSpans\" (OTLP JSON)"
        do throws(JSONSyntaxError) {
            if reader.consume(UInt8(ascii: "}")) { return .notTrace(withoutEvents) }
            while true {
                let key = try reader.readRawString()
                try reader.expect(UInt8(ascii: ":"), "after an object key")
                if reader.matches(key, "traceEvents") {
                    guard reader.peek() == UInt8(ascii: "[") else {
                        if reader.isAtEnd { throw reader.endOfInput() }
                        return .notTrace("not a trace: \"traceEvents\" is not an array")
                    }
                    sawEvents = true
                    stop = readEventArray(&reader, into: &reading, insideObject: true)
                    guard case .closed = stop else { return stop }
                } else if !(try reading.assembler.quirks.readTopLevelMember(key, &reader)) {
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
        return sawEvents ? stop : .notTrace(withoutEvents)
    }

    /// Reads events up to the closing `]`, keeping every whole event before a cut and skipping
    /// damaged events to the next event that reads whole.
    static func readEventArray(_ reader: inout JSONReader, into reading: inout EventArrayReading, insideObject: Bool) -> Stop {
        reader.position += 1
        var elementCount = 0
        while true {
            guard let next = reader.peek() else { return .notClosed }
            switch next {
            case UInt8(ascii: "]"):
                // A `]` with events after it is a damaged comma, not the end of the array.
                if reading.closesArray(reader, insideObject: insideObject) {
                    reader.position += 1
                    return .closed
                }
                let cause = reader.unexpected("a ']' before more events")
                if let stop = reading.skipDamage(&reader, from: reader.position + 1, cause: cause, strayClose: true) {
                    return stop
                }
            case UInt8(ascii: ","):
                // Stray and trailing commas (as left by a writer that died) are tolerated.
                reader.position += 1
                continue
            case UInt8(ascii: "{"):
                let start = reader.position
                do {
                    reading.assembler.add(try ChromeEvent.read(from: &reader))
                } catch {
                    if error.isEndOfInput { return .lastEventIncomplete }
                    if let stop = reading.skipDamage(&reader, from: start + 1, cause: error) { return stop }
                }
            default:
                let start = reader.position
                let value: JSONValue
                do {
                    value = try reader.readValue(depth: 1)
                } catch {
                    if error.isEndOfInput { return .lastEventIncomplete }
                    if let stop = reading.skipDamage(&reader, from: start + 1, cause: error) {
                        if elementCount == 0, reading.assembler.eventCount == 0 { return .notTrace("not valid JSON: \(error)") }
                        return stop
                    }
                    break
                }
                if elementCount == 0, reading.assembler.eventCount == 0 {
                    return .notTrace("not a trace: element \(elementCount + 1) of the array (byte \(start)) is "
                        + "\(value.kindDescription), not an event object")
                }
                // A stray value among events (an event whose opening brace was damaged).
                if let stop = reading.skipDamage(&reader, from: start + 1, cause: reader.unexpected("expected an event object")) {
                    return stop
                }
            }
            elementCount += 1
            switch reader.peek() {
            case nil: return .notClosed
            case UInt8(ascii: ","), UInt8(ascii: "]"): continue
            default:
                let cause = reader.unexpected("expected ',' or ']' after an event")
                if let stop = reading.skipDamage(&reader, from: reader.position + 1, cause: cause, inSeparator: true) {
                    return stop
                }
            }
        }
    }
}
