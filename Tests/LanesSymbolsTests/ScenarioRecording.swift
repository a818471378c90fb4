import Foundation
import LanesAnalysis
import LanesFormat
import LanesModel
import Testing

/// Records the package's own programs with the built `lanes record` (CI runs `swift build`
/// before `swift test`, so both are next to the test bundle) and reads the traces back.
enum ScenarioRecording {
    static let productsFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

    /// The path of the built executable `name`.
    static func executable(_ name: String) throws -> String {
        let path = productsFolder.appendingPathComponent(name).path
        try #require(FileManager.default.isExecutableFile(atPath: path), "\(path) is missing: run `swift build` before `swift test`")
        return path
    }

    /// Runs `lanes record -o FILE -- PROGRAM ARGUMENTS…` (optionally under `prefix`, e.g.
    /// `taskset -c 0`) and returns the trace read back and what `lanes record` printed on stderr.
    static func record(_ program: String, _ arguments: [String] = [], prefix: [String] = [], environment: [String: String] = [:]) async throws
        -> (trace: Trace, errors: String)
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-symbols-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("run.lanes").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = prefix + [try executable("lanes"), "record", "-o", file, "--", try executable(program)] + arguments
        var combined = ProcessInfo.processInfo.environment
        combined.removeValue(forKey: "LANES_TRACE")
        combined.merge(environment) { $1 }
        process.environment = combined
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Waited for on a thread of its own, not on one of the cooperative threads other suites need.
        let errorText = await withCheckedContinuation { continuation in
            Thread {
                let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                continuation.resume(returning: text)
            }.start()
        }
        #expect(process.terminationStatus == 0, "lanes record failed: \(errorText)")
        let loaded = try TraceLoader.load(path: file)
        return (loaded.trace, errorText)
    }

    /// The lines of `BlockingScenario.swift` marked `// blocking: KIND`, by kind.
    static func markedLines(in sourceFile: String) throws -> [String: Int] {
        let text = try String(contentsOfFile: sourceFile, encoding: .utf8)
        var lines: [String: Int] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let marker = line.range(of: "// blocking: ") else { continue }
            lines[String(line[marker.upperBound...]).trimmingCharacters(in: .whitespaces)] = number + 1
        }
        return lines
    }

    /// The diagnosis of every job that ran at least `minimum` nanoseconds, longest first.
    static func longJobs(in trace: Trace, minimum: Int64) -> [(slice: TaskStateSlice, diagnosis: SampleDiagnosis)] {
        trace.slices.filter { $0.ended - $0.started >= minimum }
            .map { ($0, SampleDiagnosis(samples: SampleDiagnosis.samples(ofJob: $0, in: trace), in: trace)) }
    }
}
