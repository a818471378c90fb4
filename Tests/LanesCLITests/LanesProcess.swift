import Foundation
import LanesTestSupport

/// The built `lanes` binary run as a real process (CI runs `swift build` before `swift test`, so
/// it is in the build products folder beside the tests).
enum LanesProcess {
    /// Runs `lanes ARGUMENTS…` with extra `environment` variables and waits for it.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess.Result {
        try ChildProcess(ChildProcess.executable("lanes"), arguments, environment: environment).finishBlocking()
    }

    /// A fresh temporary directory for one test.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
