import Foundation
import LanesFormat
import LanesModel
import LanesWriter
import Testing

@Suite("lanes convert, export and the exit-code contract, on the real binary")
struct ConvertAndExportTests {
    /// A small trace with every kind of span, written as a .lanes file.
    static func writeSampleTrace(in directory: URL) throws -> URL {
        var builder = TraceBuilder(metadata: TraceMetadata(processName: "sample", processID: 7, clockAtStart: 5_000, unixNanosecondsAtClock: 1_700_000_000_000_000_000))
        let thread = builder.thread(id: 11, name: "executor 1", isExecutor: true)
        let task = builder.task(id: 1, name: "on_message \"alice\"")
        let handler = builder.addSpan(name: builder.intern("on_message"), kind: .handler, begin: 10_000, end: 900_000, task: task, thread: thread)
        let blocking = builder.addSpan(name: builder.intern("wait_for(3)"), kind: .sync, begin: 20_000, end: 320_000, parent: handler, task: task, thread: thread, flags: .onExecutor)
        builder.setCPUTime(of: blocking, nanoseconds: 1_000)
        builder.addSpan(name: builder.intern("await_for(2)"), kind: .async, begin: 330_000, end: 530_000, parent: handler, task: task, thread: thread)
        let url = directory.appendingPathComponent("sample.lanes")
        try Data(LanesTraceWriter.encode(builder.build())).write(to: url)
        return url
    }

    @Test("convert .lanes → Chrome JSON → .lanes keeps names, kinds, parents and times")
    func convertRoundTrip() throws {
        let directory = try LanesProcess.temporaryDirectory()
        let input = try Self.writeSampleTrace(in: directory)
        let json = directory.appendingPathComponent("sample.json").path
        let back = directory.appendingPathComponent("back.lanes").path
        let first = try LanesProcess.run(["convert", input.path, json])
        #expect(first.status == 0, "\(first.errors)")
        #expect(TraceFileFormat.detect(try Data(contentsOf: URL(fileURLWithPath: json))) == .chrome)
        let second = try LanesProcess.run(["convert", json, back])
        #expect(second.status == 0, "\(second.errors)")
        let original = try TraceLoader.load(path: input.path).trace
        let roundTripped = try TraceLoader.load(path: back).trace
        #expect(roundTripped.spanCount == original.spanCount)
        for span in 0..<original.spanCount {
            let match = (0..<roundTripped.spanCount).first { roundTripped.name(ofSpan: $0) == original.name(ofSpan: span) }
            let other = try #require(match)
            #expect(roundTripped.spanKind[other] == original.spanKind[span])
            #expect(roundTripped.duration(ofSpan: other) == original.duration(ofSpan: span))
            #expect((roundTripped.parent(ofSpan: other) == nil) == (original.parent(ofSpan: span) == nil))
        }
    }

    @Test("export --format otlp writes OTLP JSON that reads back", arguments: ["otlp", "chrome"])
    func export(format: String) throws {
        let directory = try LanesProcess.temporaryDirectory()
        let input = try Self.writeSampleTrace(in: directory)
        let result = try LanesProcess.run(["export", input.path, "--format", format])
        #expect(result.status == 0, "\(result.errors)")
        let output = directory.appendingPathComponent("out.json")
        try Data(result.output.utf8).write(to: output)
        let loaded = try TraceLoader.load(path: output.path)
        #expect(loaded.format.rawValue == format)
        #expect(loaded.trace.spanCount == 3)
    }

    @Test("errors are one line naming the file, with the documented exit codes", arguments: [
        (["summary", "/nonexistent/run.lanes"], Int32(3), "lanes: /nonexistent/run.lanes: no such file"),
        (["convert", "SAMPLE", "out.txt"], Int32(2), "Cannot tell the output format from 'out.txt'"),
        (["convert", "SAMPLE", "/nonexistent-dir/out.json"], Int32(4), "lanes: /nonexistent-dir/out.json: cannot write"),
        (["export", "SAMPLE", "--format", "lanes"], Int32(2), "writes chrome or otlp"),
        (["export", "NOTATRACE", "--format", "chrome"], Int32(3), "not a trace"),
        (["summary", "EMPTY"], Int32(3), "the file is empty"),
        (["frobnicate"], Int32(2), "lanes: 'frobnicate' is not a lanes command; the commands are demo, view, summary, diff"),
    ])
    func errors(arguments: [String], status: Int32, message: String) throws {
        let directory = try LanesProcess.temporaryDirectory()
        let sample = try Self.writeSampleTrace(in: directory).path
        let notATrace = directory.appendingPathComponent("notes.txt")
        try Data("just some notes\n".utf8).write(to: notATrace)
        let empty = directory.appendingPathComponent("empty.lanes")
        try Data().write(to: empty)
        let resolved = arguments.map { argument in
            switch argument {
            case "SAMPLE": sample
            case "NOTATRACE": notATrace.path
            case "EMPTY": empty.path
            default: argument
            }
        }
        let result = try LanesProcess.run(resolved)
        #expect(result.status == status, "\(resolved): \(result.errors)")
        #expect(result.errors.contains(message), "\(resolved): \(result.errors)")
        if status == 3 || status == 4 {
            #expect(result.errors.split(separator: "\n").count == 1, "one line: \(result.errors)")
        }
    }

    @Test("a truncated .lanes file is read up to the cut, with one warning line and exit 0")
    func truncatedFile() throws {
        let directory = try LanesProcess.temporaryDirectory()
        let sample = try Self.writeSampleTrace(in: directory)
        let bytes = try Data(contentsOf: sample)
        let cut = directory.appendingPathComponent("cut.lanes")
        try bytes.prefix(bytes.count - 5).write(to: cut)  // inside the footer
        let result = try LanesProcess.run(["summary", cut.path, "--json"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.contains("lanes: \(cut.path): "))
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        #expect(object?["span_count"] as? Int == 3)
    }

    @Test("--help answers for every command")
    func help() throws {
        for command in ["demo", "view", "summary", "diff", "convert", "export", "record"] {
            let result = try LanesProcess.run([command, "--help"])
            #expect(result.status == 0)
            #expect(result.output.contains("USAGE: lanes \(command)"), "\(command)")
            #expect(!result.output.contains("not built yet"), "\(command)")
        }
    }
}
