import LanesModel
import LanesWriter
import Testing
@testable import LanesFormat

/// Damaged OTLP files keep what is whole: JSON Lines skip bad lines (the first included) and
/// say which; a cut single request keeps every whole span; errors name OTLP.
///
/// The damaged files are made here from the SDK fixtures, so each expected survivor count
/// follows from where the damage was put.
@Suite("OTLP recovery")
struct OTLPRecoveryTests {
    static func lines() throws -> [String] {
        String(decoding: try ChromeTestSupport.fixtureBytes(OTLPLosslessTests.jsonLines), as: UTF8.self)
            .split(separator: "\n").map(String.init)
    }

    /// The number of spans in one request line.
    static func spanCount(_ line: String) throws -> Int {
        try OTLPTraceImporter.read(bytes: Array(line.utf8), path: "line.json").trace.spanCount
    }

    /// The offset in `line` of the key of its `span`-th span's start time (1-based): a place
    /// inside that span, after every byte of the spans before it.
    static func offset(inside line: String, span: Int) -> Int {
        let bytes = Array(line.utf8)
        let key = Array("\"startTimeUnixNano\"".utf8)
        var found = 0
        for index in 0..<(bytes.count - key.count) where bytes[index..<(index + key.count)].elementsEqual(key) {
            found += 1
            if found == span { return index }
        }
        return bytes.count
    }

    /// `line` with a byte inside its `span`-th span changed, so that span (and the rest of the
    /// line) cannot be read.
    static func damaging(_ line: String, span: Int) -> String {
        var bytes = Array(line.utf8)
        bytes[offset(inside: line, span: span)] = UInt8(ascii: "x")
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("JSON Lines: a bad first line and a flipped byte mid-file are skipped and reported; the rest is read")
    func badLinesAreSkipped() throws {
        var lines = try Self.lines()
        let counts = try lines.map(Self.spanCount)
        #expect(counts.reduce(0, +) == 72)
        lines[0] = "this line is not JSON at all"
        lines[5] = Self.damaging(lines[5], span: 3)
        let result = try TraceLoader.load(bytes: Array(lines.joined(separator: "\n").utf8), path: "damaged.jsonl")
        #expect(result.format == .otlp, "found by the lines that start requests")
        let expected = counts.reduce(0, +) - counts[0] - (counts[5] - 2)
        #expect(result.trace.spanCount == expected)
        #expect(result.warnings.map(\.message).first?.hasPrefix("skipped 2 bad lines of JSON Lines: line 1 (damaged: ") == true,
                "\(result.warnings)")
        #expect(result.warnings.first?.message.contains("line 6 (damaged: ") == true)
        #expect(result.warnings.first?.message.contains("kept its 2 whole spans before the damage") == true)
    }

    @Test("JSON Lines: a damaged resourceSpans key costs its line only")
    func damagedKeyCostsItsLine() throws {
        var lines = try Self.lines()
        let counts = try lines.map(Self.spanCount)
        lines[3] = lines[3].replacingOccurrences(of: "\"resourceSpans\"", with: "\"resourceSpbns\"")
        let result = try TraceLoader.load(bytes: Array(lines.joined(separator: "\n").utf8), path: "key.jsonl")
        #expect(result.trace.spanCount == 72 - counts[3])
        #expect(result.warnings.first?.message.contains(#"the request has no "resourceSpans" (its keys: "resourceSpbns")"#) == true,
                "\(result.warnings)")
    }

    @Test("JSON Lines: a last line cut in the middle keeps its whole spans")
    func cutLastLine() throws {
        var lines = try Self.lines()
        let counts = try lines.map(Self.spanCount)
        let last = lines.count - 1
        lines[last] = String(decoding: Array(lines[last].utf8).prefix(Self.offset(inside: lines[last], span: counts[last])), as: UTF8.self)
        let result = try TraceLoader.load(bytes: Array(lines.joined(separator: "\n").utf8), path: "cut.jsonl")
        #expect(result.trace.spanCount == 72 - 1, "all but the span the cut went through")
        #expect(result.warnings.first?.message.contains("line \(lines.count) (cut off at byte") == true, "\(result.warnings)")
    }

    @Test("one object cut anywhere keeps exactly the spans whose object closed before the cut")
    func cutSingleObjectKeepsWholeSpans() throws {
        let bytes = try ChromeTestSupport.fixtureBytes(OTLPLosslessTests.oneObject)
        // Pretty-printed with one space a level: a span object is six levels deep (resourceSpans,
        // a resource, scopeSpans, a scope, spans, the span), its first key `traceId` on a line
        // of seven spaces, and it closes on the next line of six spaces and `}`.
        let text = String(decoding: bytes, as: UTF8.self)
        var closings: [Int] = []
        var offset = 0
        var inSpan = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            offset += line.utf8.count + 1
            if line.hasPrefix("       \"traceId\"") { inSpan = true }
            if inSpan, line == "      }" || line == "      }," {
                closings.append(offset)
                inSpan = false
            }
        }
        #expect(closings.count == 72)
        var random = SplitMix64(seed: 3)
        var cuts = closings.map { $0 - 1 } + closings.map { $0 + 1 }
        cuts += (0..<40).map { _ in Int.random(in: closings[0]..<bytes.count, using: &random) }
        for cut in cuts.sorted() {
            let whole = closings.filter { $0 - 1 <= cut }.count
            guard whole > 0 else {
                #expect(throws: TraceFileError.self) { try OTLPTraceImporter.read(bytes: Array(bytes.prefix(cut)), path: "cut.json") }
                continue
            }
            let result = try OTLPTraceImporter.read(bytes: Array(bytes.prefix(cut)), path: "cut.json")
            #expect(result.trace.spanCount == whole, "cut at \(cut)")
            #expect(result.warnings.first?.message.hasPrefix("request 1 (byte 0) was cut off at byte") == true)
            #expect(result.warnings.first?.message.contains("kept the \(counted(whole, "whole span"))") == true)
        }
    }

    @Test("one object missing only its final brace keeps all its spans")
    func missingFinalBrace() throws {
        var text = String(decoding: try ChromeTestSupport.fixtureBytes(OTLPLosslessTests.oneObject), as: UTF8.self)
        while text.last == "\n" { text.removeLast() }
        #expect(text.removeLast() == "}")
        let result = try TraceLoader.load(bytes: Array(text.utf8), path: "brace.json")
        #expect(result.trace.spanCount == 72)
        #expect(result.trace.telemetry.events.count == 20)
        #expect(result.warnings.map(\.message) == ["request 1 (byte 0) was cut off at byte \(groupedCount(text.utf8.count)): kept the 72 whole spans read before it"])
    }

    @Test("errors name the format recognised: a damaged resourceSpans key is an OTLP problem, not a Chrome one")
    func errorsNameOTLP() throws {
        let text = String(decoding: try ChromeTestSupport.fixtureBytes(OTLPLosslessTests.oneObject), as: UTF8.self)
            .replacingOccurrences(of: "\"resourceSpans\"", with: "\"resourceSpbns\"")
        let error = try #require(throws: TraceFileError.self) {
            try TraceLoader.load(bytes: Array(text.utf8), path: "key.json")
        }
        #expect(error.reason == #"OTLP JSON, but the request has no "resourceSpans" (its keys: "resourceSpbns")"#)
        let garbage = try #require(throws: TraceFileError.self) {
            try TraceLoader.load(bytes: Array("{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"traceId\": tru, \"x\": 1}]}]}]}".utf8), path: "g.json")
        }
        #expect(garbage.reason.hasPrefix("OTLP JSON damaged before any whole span: "), "\(garbage.reason)")
    }
}
