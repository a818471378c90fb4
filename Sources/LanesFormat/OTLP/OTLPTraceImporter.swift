import LanesModel
import LanesWriter

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads OTLP/JSON (`ExportTraceServiceRequest`) into a `Trace` (see `OTLPTraceAssembler` for
/// what becomes of each span).
///
/// Accepts one request (on one line or pretty-printed), or one per line (JSON Lines, as the
/// OpenTelemetry Collector's file exporter writes them), with field names in lowerCamelCase or
/// snake_case and enums as integers or names.
///
/// Damage is contained: in JSON Lines each request line is read on its own, so a bad line (the
/// first included) is skipped and reported while the others are read; a request cut off or
/// damaged keeps every span before the damage. Only a file with nothing readable at all throws,
/// with a one-line `TraceFileError` that says it was taken for OTLP JSON.
public enum OTLPTraceImporter {
    /// Parses `bytes` (the contents of `path`, used only in messages).
    public static func read(bytes: [UInt8], path: String) throws -> (trace: Trace, warnings: [TraceReadWarning]) {
        var decoder = OTLPJSONDecoder(byteCount: bytes.count)
        let outcome = bytes.withUnsafeBufferPointer { buffer in
            readRegions(buffer, into: &decoder)
        }
        var warnings: [TraceReadWarning] = []
        switch outcome {
        case .failure(let reason):
            throw TraceFileError(reason.kind, path: path, format: .otlp, reason: reason.text)
        case .success(let readWarnings):
            warnings = readWarnings
        }
        let result = decoder.assembler.finish()
        return (result.trace, warnings + result.warnings)
    }

    /// One stretch of the file read on its own: the whole file, or in JSON Lines one request
    /// line (with whatever follows it up to the next request line).
    struct Region {
        var start: Int
        var end: Int
        /// The 1-based line the region starts on.
        var line: Int
    }

    /// What went wrong in a region.
    struct Failure {
        var region: Region
        /// The request (1-based, within the region) that failed, and where it started.
        var request: Int
        var requestStart: Int
        var reason: String
        /// Whole spans of the failed request kept from before the damage.
        var keptSpans: Int
        var isCut: Bool
    }

    static func readRegions(_ buffer: UnsafeBufferPointer<UInt8>, into decoder: inout OTLPJSONDecoder) -> Result<[TraceReadWarning], Failure.Reason> {
        let regions = requestRegions(buffer)
        var failures: [Failure] = []
        var requests = 0
        for region in regions {
            var reader = JSONReader(UnsafeBufferPointer(rebasing: buffer[0..<region.end]), position: region.start)
            if region.start == 0 { reader.skipByteOrderMark() }
            var request = 0
            while reader.peek() != nil {
                request += 1
                let start = reader.position
                let spansBefore = decoder.spansRead
                do throws(JSONSyntaxError) {
                    if let problem = try decoder.readRequest(&reader) {
                        failures.append(Failure(
                            region: region, request: request, requestStart: start, reason: problem,
                            keptSpans: decoder.spansRead - spansBefore, isCut: false))
                        break
                    }
                    requests += 1
                } catch {
                    let cut = error.isEndOfInput && region.end == buffer.count
                    failures.append(Failure(
                        region: region, request: request, requestStart: start,
                        reason: cut ? "cut off at byte \(groupedCount(buffer.count))" : "damaged: \(error)",
                        keptSpans: decoder.spansRead - spansBefore, isCut: cut))
                    break
                }
            }
        }
        if requests == 0 && decoder.spansRead == 0 {
            if let failure = failures.first { return .failure(Failure.Reason(describing: failure, lines: regions.count > 1)) }
            return .failure(Failure.Reason(text: "the file holds only white space"))
        }
        return .success(warnings(failures, jsonLines: regions.count > 1))
    }

    /// The warnings for `failures` in a file that was otherwise read.
    static func warnings(_ failures: [Failure], jsonLines: Bool) -> [TraceReadWarning] {
        guard !failures.isEmpty else { return [] }
        if !jsonLines {
            return failures.map { failure in
                let kept = "kept the \(counted(failure.keptSpans, "whole span")) read before it"
                let place = "request \(failure.request) (byte \(groupedCount(failure.requestStart)))"
                if failure.isCut { return TraceReadWarning("\(place) was \(failure.reason): \(kept)") }
                if failure.keptSpans == 0 && failure.request > 1 && !failure.reason.hasPrefix("damaged") {
                    return TraceReadWarning("\(place) is not an OTLP request (\(failure.reason)); skipped the rest of the file")
                }
                return TraceReadWarning("\(place) \(failure.reason); \(kept), skipped the rest of the file")
            }
        }
        let described = failures.prefix(3).map { failure -> String in
            let kept = failure.keptSpans > 0 ? "; kept its \(counted(failure.keptSpans, "whole span")) before the damage" : ""
            return "line \(failure.region.line) (\(failure.reason)\(kept))"
        }
        let more = failures.count > 3 ? " and \(failures.count - 3) more" : ""
        return [TraceReadWarning(
            "skipped \(counted(failures.count, "bad line")) of JSON Lines: \(described.joined(separator: ", "))\(more)")]
    }

    /// The regions to read: one per request line when the file is JSON Lines (two or more lines
    /// that start a request), else the whole file as one.
    static func requestRegions(_ buffer: UnsafeBufferPointer<UInt8>) -> [Region] {
        var starts: [(offset: Int, line: Int)] = []
        var lineStart = 0
        var line = 1
        while lineStart < buffer.count {
            if startsRequest(buffer, at: lineStart) { starts.append((lineStart, line)) }
            guard let newline = nextNewline(buffer, from: lineStart) else { break }
            lineStart = newline + 1
            line += 1
        }
        guard starts.count >= 2 else { return [Region(start: 0, end: buffer.count, line: 1)] }
        var regions: [Region] = []
        if starts[0].offset > 0 { regions.append(Region(start: 0, end: starts[0].offset, line: 1)) }
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1].offset : buffer.count
            regions.append(Region(start: start.offset, end: end, line: start.line))
        }
        return regions
    }

    /// Whether the line at `offset` starts a request: `{` and then the key `"resourceSpans"`
    /// (or `"resource_spans"`), white space allowed around the brace.
    static func startsRequest(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        var index = offset
        func skipBlanks() { while index < buffer.count, buffer[index] == 0x20 || buffer[index] == 0x09 || buffer[index] == 0x0D { index += 1 } }
        skipBlanks()
        guard index < buffer.count, buffer[index] == UInt8(ascii: "{") else { return false }
        index += 1
        skipBlanks()
        for key in ["\"resourceSpans\"", "\"resource_spans\""] {
            let utf8 = Array(key.utf8)
            if index + utf8.count <= buffer.count, buffer[index..<(index + utf8.count)].elementsEqual(utf8) { return true }
        }
        return false
    }

    static func nextNewline(_ buffer: UnsafeBufferPointer<UInt8>, from offset: Int) -> Int? {
        guard offset < buffer.count, let base = buffer.baseAddress,
              let found = memchr(base + offset, 0x0A, buffer.count - offset)
        else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }
}

extension OTLPTraceImporter.Failure {
    /// Why nothing could be read, as the kind and one-line reason of a `TraceFileError`.
    struct Reason: Error {
        var text: String
        var kind: TraceFileError.Kind

        init(text: String, kind: TraceFileError.Kind = .notATrace) {
            self.text = text
            self.kind = kind
        }

        init(describing failure: OTLPTraceImporter.Failure, lines: Bool) {
            let format = lines ? "OTLP JSON Lines (line \(failure.region.line))" : "OTLP JSON"
            kind = failure.isCut || failure.reason.hasPrefix("damaged: ") ? .damaged : .notATrace
            if failure.isCut {
                text = "\(format) \(failure.reason) before any whole span"
            } else if failure.reason.hasPrefix("damaged: ") {
                text = "\(format) damaged before any whole span: \(failure.reason.dropFirst(9))"
            } else {
                text = "\(format), but \(failure.reason)"
            }
        }
    }
}
