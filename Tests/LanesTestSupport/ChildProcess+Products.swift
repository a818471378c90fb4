import Foundation

extension ChildProcess {
    /// The folder holding the test bundle, which is also where `swift build` puts the package's
    /// executables (`lanes`, `LanesExampleApp`, the scenarios). CI runs `swift build` before
    /// `swift test`, so they are there.
    public static let productsFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent()

    /// The path of the package's executable `name` in the products folder.
    ///
    /// Throws ``ChildProcessError`` (`.notBuilt`) saying to run `swift build` when it is missing:
    /// `swift build --build-tests` alone does not build every executable the tests run.
    public static func executable(_ name: String) throws -> String {
        let path = productsFolder.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ChildProcessError(
                kind: .notBuilt, path: path, description: "\(path) is missing: run `swift build` before `swift test`")
        }
        return path
    }
}
