import ArgumentParser
import Foundation

/// What `lanes record` checks before it starts the program: that the trace can be written where
/// `-o` says, so a missing folder is named as such instead of being taken for a program that
/// did not record.
extension RecordCommand {
    /// A problem found before starting: the line to print and the exit code.
    struct PreflightProblem: Error {
        var message: String
        var code: Int32
    }

    /// Checks that the folder of `tracePath` exists and can be written.
    static func preflight(tracePath: String) -> PreflightProblem? {
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
}
