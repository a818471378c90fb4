import Foundation

/// Runs the built `lanes` binary as a real process and captures what it prints.
///
/// The binary is found next to the test bundle (both live in the build products directory);
/// CI runs `swift build` before `swift test`, so it is there.
enum LanesProcess {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The `lanes` executable in the build products directory holding this test bundle.
    static var binaryPath: String? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("lanes").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    /// Runs `lanes ARGUMENTS…` and waits for it.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        guard let binary = binaryPath else {
            throw ViewerProcess.SpawnError(description: "the lanes binary was not found next to the tests; run `swift build` first")
        }
        var processEnvironment = ProcessInfo.processInfo.environment
        for (key, value) in environment { processEnvironment[key] = value }
        let result = try ViewerProcess.run([binary] + arguments, environment: processEnvironment)
        return Result(status: result.status, standardOutput: result.output, standardError: result.errors)
    }

    /// A fresh temporary directory for one test.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
