import Foundation
import LanesModel
import LanesWriter
import Testing
@testable import LanesFormat

/// One error type for every trace file problem: a kind a program can act on, and one line for
/// a person that names the file and the format Lanes recognised.
@Suite("Trace file errors")
struct TraceFileErrorTests {
    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lanes-error-\(UUID().uuidString)-\(name)").path
    }

    @Test("files that cannot be read at all: missing, a directory, empty")
    func unreadableFiles() throws {
        let missing = Self.temporary("missing.lanes")
        let notFound = try #require(throws: TraceFileError.self) { try TraceLoader.load(path: missing) }
        #expect(notFound.kind == .notFound && notFound.format == nil)
        #expect(notFound.description == "lanes: \(missing): no such file")

        let directory = Self.temporary("folder")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try #require(throws: TraceFileError.self) { try TraceLoader.load(path: directory) }.kind == .notAFile)

        let empty = Self.temporary("empty.json")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let emptyError = try #require(throws: TraceFileError.self) { try TraceLoader.load(path: empty) }
        #expect(emptyError.kind == .empty && emptyError.description == "lanes: \(empty): the file is empty")
    }

    @Test("bytes in no format Lanes reads")
    func noFormat() throws {
        let error = try #require(throws: TraceFileError.self) { try TraceLoader.load(bytes: Array("hello".utf8), path: "x.txt") }
        #expect(error.kind == .notATrace && error.format == nil)
    }

    @Test("an OTLP file whose resourceSpans key is damaged is reported as OTLP, not Chrome")
    func damagedOTLPKey() throws {
        let text = #"{"resourceSpanz":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","name":"a"}]}]}]}"#
        let error = try #require(throws: TraceFileError.self) { try TraceLoader.load(bytes: Array(text.utf8), path: "run.json") }
        #expect(error.format == .otlp)
        #expect(error.kind == .notATrace)
        #expect(error.description.hasSuffix("(read as OTLP JSON)"))
        #expect(!error.description.contains("traceEvents"))
    }

    @Test("errors name the recognised format", arguments: [
        ("[{\"ph\":\"X\" \"ts\":1}]", TraceFileFormat.chrome, TraceFileError.Kind.damaged),
        ("{\"resourceSpans\": 5}", .otlp, .notATrace),
    ])
    func namesTheFormat(text: String, format: TraceFileFormat, kind: TraceFileError.Kind) throws {
        let error = try #require(throws: TraceFileError.self) { try TraceLoader.load(bytes: Array(text.utf8), path: "t.json") }
        #expect(error.format == format && error.kind == kind)
        #expect(error.description.hasSuffix("(read as \(format.displayName))"))
    }

    @Test("a .lanes file that cannot be created is the same error type, with its kind")
    func cannotCreate() throws {
        let path = Self.temporary("no-such-folder") + "/run.lanes"
        let error = try #require(throws: TraceFileError.self) {
            _ = try LanesFileWriter(path: path, processName: "p", processID: 1, clockAtStart: 0, unixNanosecondsAtClock: 0)
        }
        #expect(error.kind == .notFound)
        #expect(error.description == "lanes: \(path): cannot create: No such file or directory")
    }
}
