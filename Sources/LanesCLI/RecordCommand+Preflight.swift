import ArgumentParser
import Foundation

/// What `lanes record` checks before it starts the program, so that a missing program or output
/// folder is named as such instead of being blamed on the program's instrumentation.
extension RecordCommand {
    /// A problem found before starting: the line to print and the exit code.
    struct PreflightProblem: Error {
        var message: String
        var code: Int32
    }

    /// Checks that `program` can be run (a path to an executable, or a name found in `PATH`) and
    /// that the folder of `tracePath` exists and can be written.
    static func preflight(program: String, tracePath: String, environment: [String: String]) -> PreflightProblem? {
        if !isRunnable(program, path: environment["PATH"] ?? "/usr/bin:/bin") {
            let reason = program.contains("/") ? "no such executable file" : "not found in PATH"
            return PreflightProblem(message: "lanes: \(program): \(reason); nothing was recorded", code: 2)
        }
        let folder = (tracePath as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            return PreflightProblem(message: "lanes: \(tracePath): the folder \(folder) does not exist; create it or choose another -o", code: 4)
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            return PreflightProblem(message: "lanes: \(tracePath): the folder \(folder) is not writable", code: 4)
        }
        return nil
    }

    /// Whether `program` names an executable file, directly or through `path`.
    static func isRunnable(_ program: String, path: String) -> Bool {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) }
        return path.split(separator: ":").contains { directory in
            FileManager.default.isExecutableFile(atPath: String(directory) + "/" + program)
        }
    }
}
