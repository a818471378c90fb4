import Foundation
@testable import LanesFormat
import LanesModel
import LanesTestSupport
import Testing

/// The conformance vectors of `Traces/FORMAT.md` §8: the writer still writes them byte for byte,
/// Lanes' reader decodes each to its committed text twin, and so does the independent Python
/// reader `Tests/lanes_reader.py`, which also agrees with Lanes on the seed traces.
///
/// `LANES_UPDATE_CONFORMANCE=1 swift test --filter ConformanceTests` rewrites the vectors and
/// twins from the current code (review the diff: a twin is a statement of the format).
@Suite struct ConformanceTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let folder = repository.appendingPathComponent("Traces/conformance")
    static let pythonReader = repository.appendingPathComponent("Tests/lanes_reader.py").path
    static var updating: Bool { ProcessInfo.processInfo.environment["LANES_UPDATE_CONFORMANCE"] == "1" }

    static func twin(of bytes: [UInt8], path: String) throws -> String {
        let result = try LanesFileReader.readCountingLosses(bytes: bytes, path: path)
        return LanesConformanceText.render(result.trace, losses: result.losses)
    }

    @Test("the writer writes every vector byte for byte", arguments: ConformanceVectors.all.map(\.name))
    func writerMatchesVector(name: String) throws {
        let bytes = try #require(ConformanceVectors.all.first { $0.name == name }?.bytes)
        let file = Self.folder.appendingPathComponent("\(name).lanes")
        if Self.updating {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try Data(bytes).write(to: file)
        }
        let committed = try [UInt8](Data(contentsOf: file))
        #expect(committed == bytes, "the writer no longer writes \(name).lanes as committed: a format change?")
    }

    @Test("Lanes' reader decodes every vector to its text twin", arguments: ConformanceVectors.all.map(\.name))
    func readerMatchesTwin(name: String) throws {
        let file = Self.folder.appendingPathComponent("\(name).lanes")
        let twinFile = Self.folder.appendingPathComponent("\(name).txt")
        let decoded = try Self.twin(of: [UInt8](Data(contentsOf: file)), path: file.path)
        if Self.updating { try decoded.write(to: twinFile, atomically: true, encoding: .utf8) }
        let expected = try String(contentsOf: twinFile, encoding: .utf8)
        #expect(decoded == expected)
    }

    /// The Python reader's output for `path`, or nil (with a note) when Python is missing.
    static func pythonDecoding(of path: String) throws -> String? {
        guard let child = try? ChildProcess("/usr/bin/env", ["python3", pythonReader, path]) else { return nil }
        let result = child.finishBlocking()
        guard result.status == 0 else {
            Issue.record("lanes_reader.py failed on \(path): \(result.errors)")
            return ""
        }
        return result.output
    }

    @Test("the independent Python reader decodes every vector to its text twin", arguments: ConformanceVectors.all.map(\.name))
    func pythonReaderMatchesTwin(name: String) throws {
        let file = Self.folder.appendingPathComponent("\(name).lanes").path
        let expected = try String(contentsOf: Self.folder.appendingPathComponent("\(name).txt"), encoding: .utf8)
        let decoded = try #require(try Self.pythonDecoding(of: file), "python3 is missing")
        #expect(decoded == expected)
    }

    @Test("the Python reader and Lanes agree on the seed traces", arguments: ["seed-naive", "seed-improved"])
    func pythonReaderMatchesOnSeedTraces(name: String) throws {
        let file = Self.repository.appendingPathComponent("Traces/\(name).lanes").path
        let expected = try Self.twin(of: try TraceLoader.readFile(path: file), path: file)
        let decoded = try #require(try Self.pythonDecoding(of: file), "python3 is missing")
        #expect(decoded == expected)
    }
}
