/// Why a test could not start a child process: one line that says what to do about it.
public struct ChildProcessError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// One of the package's executables is not in the build products folder.
        case notBuilt
        /// posix_spawn refused: no such program, not executable, no such working directory, …
        case cannotStart
    }

    public var kind: Kind
    /// The program that could not be started.
    public var path: String
    public var description: String
}
