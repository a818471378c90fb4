import Foundation
import Testing

/// Runs the package's own executables (built by `swift build`, which CI runs before
/// `swift test`) as real child processes.
struct ChildProcess {
    /// The folder holding the test bundle, which is also where `swift build` puts executables.
    static let productsFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent()

    /// The path of executable `name`, or a failed expectation saying to run `swift build`.
    static func executable(_ name: String) throws -> String {
        let path = productsFolder.appendingPathComponent(name).path
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "\(path) is missing: run `swift build` before `swift test`")
        return path
    }

    let process = Process()
    private let output = Pipe()
    /// The read end of the process's standard output.
    var outputHandle: FileHandle { output.fileHandleForReading }
    private let errors = Pipe()

    /// Starts `executable` with `arguments` and extra `environment` variables, in
    /// `currentDirectory` when given.
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        process.arguments = arguments
        var combined = ProcessInfo.processInfo.environment
        combined.removeValue(forKey: "LANES_TRACE")
        combined.merge(environment) { $1 }
        process.environment = combined
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    /// Waits for the process and returns its exit status, standard output and standard error.
    ///
    /// The waiting happens on a thread of its own: tests run in parallel on the few threads of
    /// the cooperative pool, and a child that runs for seconds must not hold one of them (the
    /// other tests' tasks would queue behind it, as Lanes' own findings would say).
    func finish() async -> (status: Int32, output: String, errors: String) {
        let process = self.process
        let output = self.output
        let errors = self.errors
        return await withCheckedContinuation { continuation in
            Thread {
                let outputData = output.fileHandleForReading.readDataToEndOfFile()
                let errorData = errors.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (
                    process.terminationStatus, String(decoding: outputData, as: UTF8.self),
                    String(decoding: errorData, as: UTF8.self)))
            }.start()
        }
    }
}
