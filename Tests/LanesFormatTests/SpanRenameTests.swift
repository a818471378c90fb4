import Testing
@testable import LanesFormat
@testable import LanesWriter
import LanesModel

/// The rename extension event (`0x80`): a span named again after it began, as a framework names
/// a request span by its route once routed.
@Suite("Span renames")
struct SpanRenameTests {
    /// A file with the strings `strings` (ids 1, 2, …) and then `records`.
    private func file(strings: [String], records: [[UInt8]]) -> [UInt8] {
        var bytes = LanesFileLayout.magic
        bytes.appendLittleEndian(LanesFileLayout.version)
        bytes.append(contentsOf: RecordFraming.strings(firstID: 1, strings[...]))
        for record in records { bytes.append(contentsOf: record) }
        return bytes
    }

    private func read(_ bytes: [UInt8]) throws -> (Trace, [String]) {
        let (trace, warnings) = try LanesFileReader.read(bytes: bytes, path: "renamed.lanes")
        let losses = warnings.map(\.message).filter { !$0.contains("did not finish") && !$0.contains("header record") }
        return (trace, losses)
    }

    @Test("a renamed span reads back with its last name; its children and other spans keep theirs")
    func lastNameWins() throws {
        var encoder = LanesChunkEncoder(writerID: 1, sequence: 0, baseTime: 0)
        encoder.begin(span: 1, parent: 0, kind: .handler, name: 1, task: 3, onExecutor: false, time: 10)
        encoder.begin(span: 2, parent: 1, kind: .async, name: 2, task: 3, onExecutor: false, time: 20)
        encoder.rename(span: 1, name: 3)
        encoder.end(span: 2, time: 30)
        encoder.rename(span: 1, name: 4)
        encoder.end(span: 1, time: 40)
        let (trace, losses) = try read(file(
            strings: ["HTTP GET route not found", "legacy database", "/users", "/users/{id}"],
            records: [encoder.encodedRecord()]))
        #expect(losses.isEmpty, "\(losses)")
        let names = (0..<trace.spanCount).map { trace.name(ofSpan: $0) }.sorted()
        #expect(names == ["/users/{id}", "legacy database"])
        let root = try #require((0..<trace.spanCount).first { trace.name(ofSpan: $0) == "/users/{id}" })
        #expect(trace.spanKind[root] == .handler)
        #expect(trace.duration(ofSpan: root) == 30)
    }

    @Test("a rename in a chunk read before its span's begin is applied when the begin is read")
    func renameBeforeBegin() throws {
        // Thread 2 renamed and ended the span and flushed first; thread 1 began it.
        var beginning = LanesChunkEncoder(writerID: 1, sequence: 0, baseTime: 0)
        beginning.begin(span: 5, parent: 0, kind: .handler, name: 1, task: 3, onExecutor: false, time: 10)
        var renaming = LanesChunkEncoder(writerID: 2, sequence: 0, baseTime: 0)
        renaming.rename(span: 5, name: 2)
        renaming.end(span: 5, time: 50)
        let (trace, losses) = try read(file(
            strings: ["placeholder", "/orders"], records: [renaming.encodedRecord(), beginning.encodedRecord()]))
        #expect(losses.isEmpty, "\(losses)")
        #expect(trace.spanCount == 1)
        #expect(trace.name(ofSpan: 0) == "/orders")
        #expect(trace.spanEnd[0] == 50)
    }

    @Test("a rename with extra trailing fields is read; one whose fields overrun its length is skipped and reported, not the chunk")
    func lengthIsHonoured() throws {
        var encoder = LanesChunkEncoder(writerID: 1, sequence: 0, baseTime: 0)
        encoder.begin(span: 1, parent: 0, kind: .async, name: 1, task: 3, onExecutor: false, time: 10)
        encoder.begin(span: 2, parent: 0, kind: .async, name: 1, task: 3, onExecutor: false, time: 11)
        // Span 1 (reference 1): renamed to string 2, followed by two bytes a later version added.
        encoder.events.reserveEvent()
        encoder.events.append(LanesOpcode.rename)
        for byte: UInt8 in [4, 2, 2, 0x7F, 0x7F] { encoder.events.append(byte) }
        // Span 2 (reference 0): a length of 1 that cuts the name off: ignored.
        encoder.events.reserveEvent()
        encoder.events.append(LanesOpcode.rename)
        for byte: UInt8 in [1, 0] { encoder.events.append(byte) }
        encoder.encodedEvents += 2
        encoder.end(span: 2, time: 20)
        encoder.end(span: 1, time: 30)
        let (trace, losses) = try read(file(strings: ["first", "second"], records: [encoder.encodedRecord()]))
        #expect(losses == ["1 extension events could not be decoded and were skipped"])
        #expect(trace.spanCount == 2)
        let byDuration = (0..<trace.spanCount).map { (trace.duration(ofSpan: $0), trace.name(ofSpan: $0)) }.sorted { $0.0 < $1.0 }
        #expect(byDuration.map(\.1) == ["first", "second"], "span 2 keeps its name, span 1 is renamed")
        #expect(byDuration.map(\.0) == [9, 20], "both ends were read after the renames")
    }

    @Test("a rename naming an undefined string reads as ? and is reported, like any other reference")
    func undefinedString() throws {
        var encoder = LanesChunkEncoder(writerID: 1, sequence: 0, baseTime: 0)
        encoder.begin(span: 1, parent: 0, kind: .async, name: 1, task: 3, onExecutor: false, time: 10)
        encoder.rename(span: 1, name: 999)
        encoder.end(span: 1, time: 20)
        let (trace, losses) = try read(file(strings: ["begun"], records: [encoder.encodedRecord()]))
        #expect(trace.name(ofSpan: 0) == "?")
        #expect(losses.contains { $0.contains("undefined strings") }, "\(losses)")
    }
}
