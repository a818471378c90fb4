import LanesModel
import LanesWriter
import Testing
@testable import LanesFormat

/// A Chrome trace cut off anywhere (a crash, a full disk) or damaged must never crash the
/// importer, and what it reads must be what the writer finished writing.
@Suite("Chrome import of cut-off and damaged files")
struct ChromeTruncationTests {
    typealias Support = ChromeTestSupport

    /// (name, begin) of each span, for comparing a prefix's spans with the whole file's.
    static func starts(_ trace: Trace) -> Set<String> {
        Set((0..<trace.spanCount).map { "\(trace.name(ofSpan: $0))@\(trace.spanBegin[$0])" })
    }

    @Test("every prefix of a file reads without crashing and yields a prefix of its events",
          arguments: ["tracing-chrome.json", "viztracer.json", "numeric-strings.json", "chrome-browser.json"])
    func everyPrefix(fixture: String) throws {
        let bytes = try Support.fixtureBytes(fixture)
        let whole = try ChromeTraceImporter.read(bytes: bytes, path: fixture).trace
        // The whole file's span starts in file order: a prefix must hold the first k of them.
        let text = String(decoding: bytes, as: UTF8.self)
        let orderedStarts = (0..<whole.spanCount)
            .map { span -> (offset: Int, key: String) in
                let key = "\(whole.name(ofSpan: span))@\(whole.spanBegin[span])"
                return (Self.fileOffset(ofSpan: span, in: whole, text: text), key)
            }
            .sorted { $0.offset < $1.offset }
            .map(\.key)
        var longestSeen = 0
        for length in 0...bytes.count {
            let prefix = Array(bytes[0..<length])
            guard let result = try? ChromeTraceImporter.read(bytes: prefix, path: "cut.json") else { continue }
            let starts = Self.starts(result.trace)
            #expect(starts == Set(orderedStarts.prefix(starts.count)), "prefix of \(length) bytes")
            #expect(starts.count >= longestSeen, "prefix of \(length) bytes lost events a shorter one had")
            longestSeen = max(longestSeen, starts.count)
            for span in 0..<result.trace.spanCount where result.trace.spanStatus[span] == .ok {
                let name = result.trace.name(ofSpan: span)
                let begin = result.trace.spanBegin[span]
                let match = (0..<whole.spanCount).first { whole.name(ofSpan: $0) == name && whole.spanBegin[$0] == begin }
                #expect(match.map { whole.spanEnd[$0] } == result.trace.spanEnd[span], "prefix of \(length) bytes")
            }
            if length < bytes.count - 2, result.trace.spanCount < whole.spanCount {
                #expect(!result.warnings.isEmpty, "prefix of \(length) bytes lost events silently")
            }
        }
        #expect(longestSeen == whole.spanCount)
    }

    /// Where span `span`'s beginning event starts in the file: the first line or object naming it
    /// (the fixtures give each begin a unique name and time).
    static func fileOffset(ofSpan span: Int, in trace: Trace, text: String) -> Int {
        let name = trace.name(ofSpan: span)
        var searchStart = text.startIndex
        while let range = text.range(of: "\"name\":\"\(name)\"", range: searchStart..<text.endIndex)
            ?? text.range(of: "\"name\": \"\(name)\"", range: searchStart..<text.endIndex) {
            let objectStart = text[..<range.lowerBound].lastIndex(of: "{") ?? text.startIndex
            let objectEnd = text[range.upperBound...].firstIndex(of: "}") ?? text.endIndex
            let object = text[objectStart..<objectEnd]
            if !object.contains("\"ph\":\"E\""), !object.contains("\"ph\":\"M\"") {
                return text.distance(from: text.startIndex, to: objectStart)
            }
            searchStart = range.upperBound
        }
        return Int.max
    }

    static let twoEvents = """
        [
        {"ph":"X","name":"a","ts":1,"dur":1,"pid":1,"tid":1},
        {"ph":"X","name":"b","ts":3,"dur":1,"pid":1,"tid":1}
        """

    @Test("a cut-off array with or without a trailing comma, or with a half-written last event", arguments: [
        (twoEvents, "cut off after 2 events: the event array was not closed"),
        (twoEvents + ",", "cut off after 2 events: the event array was not closed"),
        (twoEvents + ",\n", "cut off after 2 events: the event array was not closed"),
        (twoEvents + ",\n{\"ph\":\"X\",\"na", "cut off after 2 events: the last event was incomplete"),
        (twoEvents + ",\n{\"ph\":\"X\",\"name\":\"c\",\"ts\":5,\"dur\":1", "cut off after 2 events: the last event was incomplete"),
        (twoEvents + ",\n{\"ph\":\"X\",\"name\":\"c\\u00", "cut off after 2 events: the last event was incomplete"),
    ])
    func cutOffArray(text: String, warning: String) throws {
        let (trace, warnings) = try Support.importChrome(text)
        #expect(warnings.map(\.message) == [warning])
        #expect(Self.starts(trace) == ["a@1000", "b@3000"])
    }

    @Test("a closed array with a trailing comma reads cleanly")
    func trailingCommaClosed() throws {
        let (trace, warnings) = try Support.importChrome(Self.twoEvents + ",\n]")
        #expect(warnings.isEmpty)
        #expect(trace.spanCount == 2)
    }

    @Test("damage after some events keeps them, skips the damaged one and reads on")
    func damageMidFile() throws {
        let (trace, warnings) = try Support.importChrome(
            Self.twoEvents + ",\n{\"ph\":\"X\" oops},\n{\"ph\":\"X\",\"name\":\"c\",\"ts\":5}]")
        #expect(warnings.map(\.message) == ["skipped 1 damaged event at byte 120; read on after each"])
        #expect(Self.starts(trace) == ["a@1000", "b@3000", "c@5000"])
    }

    @Test("damage with no whole event after it says where reading stopped")
    func damageAtTheEnd() throws {
        let (trace, warnings) = try Support.importChrome(Self.twoEvents + ",\n{\"ph\":\"X\" oops}]")
        #expect(warnings.map(\.message) == ["stopped after 2 events: expected '}' or ',' in an object at byte 120"])
        #expect(trace.spanCount == 2)
    }

    @Test("random byte damage never crashes the importer", arguments: 0..<4)
    func randomDamage(round: Int) throws {
        let fixtures = ["tracing-chrome.json", "chrome-browser.json", "clang-time-trace.json", "hostile-names.json"]
        let bytes = try Support.fixtureBytes(fixtures[round])
        var random = SplitMix64(seed: UInt64(round) &+ 99)
        let interesting: [UInt8] = Array("{}[]\",:\\0123456789eE.-+ \u{1}".utf8) + [0xFF, 0xC3]
        for _ in 0..<300 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<damaged.count, using: &random)
                damaged[position] = interesting.randomElement(using: &random)!
            }
            if let result = try? ChromeTraceImporter.read(bytes: damaged, path: "damaged.json") {
                #expect(result.trace.spanCount <= bytes.count)
                #expect(Self.isConsistent(result.trace))
            }
        }
    }

    @Test("nesting deeper than the limit is an error, not a stack overflow")
    func deepNesting() throws {
        let deep = "[{\"ph\":\"X\",\"ts\":1},{\"ph\":\"X\",\"ts\":2,\"args\":{\"a\":" + String(repeating: "[", count: 100_000)
        let (trace, warnings) = try Support.importChrome(deep)
        #expect(trace.spanCount == 1)
        #expect(warnings.map(\.message) == ["stopped after 1 event: nested deeper than 128 levels at byte 174"])
        let error = try #require(throws: TraceFileError.self) {
            try Support.importChrome("[" + String(repeating: "[", count: 100_000))
        }
        #expect(error.reason.hasPrefix("not valid JSON: nested deeper than 128 levels"))
    }

    /// Every index in the trace points at something that exists.
    static func isConsistent(_ trace: Trace) -> Bool {
        (0..<trace.spanCount).allSatisfy { span in
            let thread = Int(trace.spanThread[span])
            let task = Int(trace.spanTask[span])
            let parent = Int(trace.spanParent[span])
            return thread >= -1 && thread < trace.threads.count && task >= 0 && task < trace.tasks.count
                && parent >= -1 && parent < trace.spanCount && trace.spanBegin[span] <= trace.spanEnd[span]
        } && trace.slices.allSatisfy { Int($0.thread) < trace.threads.count && Int($0.task) < trace.tasks.count }
    }
}
