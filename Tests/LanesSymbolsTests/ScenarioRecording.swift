import Foundation
import LanesAnalysis
import LanesFormat
import LanesModel
import LanesTestSupport
import Testing

/// Records the package's own programs with the built `lanes record` (CI runs `swift build`
/// before `swift test`, so both are next to the test bundle) and reads the traces back.
enum ScenarioRecording {
    /// Runs `lanes record -o FILE -- PROGRAM ARGUMENTS…` (optionally under `prefix`, e.g.
    /// `taskset -c 0`) and returns the trace read back and what `lanes record` printed on stderr.
    static func record(_ program: String, _ arguments: [String] = [], prefix: [String] = [], environment: [String: String] = [:]) async throws
        -> (trace: Trace, errors: String)
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-symbols-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("run.lanes").path
        let command = prefix + [try ChildProcess.executable("lanes"), "record", "-o", file, "--", try ChildProcess.executable(program)]
        let result = try await ChildProcess("/usr/bin/env", command + arguments, environment: environment).finish()
        #expect(result.status == 0, "lanes record failed: \(result.errors)")
        let loaded = try TraceLoader.load(path: file)
        return (loaded.trace, result.errors)
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
