#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a trace file could not be read or written: the file, what kind of problem it is (for a
/// program to act on), and a one-line reason for a person, naming the format Lanes recognised.
///
/// The one error type of reading and writing trace files: the readers, `TraceLoader`, the
/// `.lanes` writer and the recorder all throw it. The CLI prints `description` as is and exits
/// with its "unreadable input" (or "cannot write") code.
public struct TraceFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// No file at that path.
        case notFound
        /// The file exists but may not be opened.
        case permissionDenied
        /// A directory or something else that is not a regular file.
        case notAFile
        /// Larger than `TraceLoader.maximumFileSize`.
        case tooLarge
        /// Zero bytes, or only white space.
        case empty
        /// No trace format recognised, or the recognised format's essentials are missing.
        case notATrace
        /// A `.lanes` file of a format version this reader does not read.
        case unsupportedVersion
        /// Recognised, but damaged (or cut off) before anything usable.
        case damaged
        /// A system call failed while reading or writing (disk full, I/O error).
        case inputOutput
        /// A recording's file reached the size limit it was given; the file is complete.
        case sizeLimit
        /// Another recording in this process already writes this file.
        case inUse
        /// A recording setting (an environment variable, an argument) does not parse.
        case invalidSetting
        /// What was asked cannot be done by this recording now (it stopped, it is not a flight
        /// recorder, a dump was written too recently).
        case unavailable
    }

    /// The file, as the user named it.
    public var path: String
    /// What kind of problem it is.
    public var kind: Kind
    /// The format the file was recognised as, if it got that far.
    public var format: TraceFileFormat?
    /// What is wrong, as a sentence fragment: "no event has a \"ph\" phase field".
    public var reason: String

    public init(_ kind: Kind, path: String, format: TraceFileFormat? = nil, reason: String) {
        self.kind = kind
        self.path = path
        self.format = format
        self.reason = reason
    }

    /// `PATH: REASON`, with `(read as FORMAT)` when a format was recognised.
    public var message: String {
        "\(path): \(reason)" + (format.map { " (read as \($0.displayName))" } ?? "")
    }

    /// `lanes: PATH: REASON`: the line the CLI prints.
    public var description: String { "lanes: " + message }
}


extension TraceFileError.Kind {
    /// The kind of problem a failed system call's `errno` means.
    public init(errno code: Int32) {
        switch code {
        case ENOENT, ENOTDIR: self = .notFound
        case EACCES, EPERM, EROFS: self = .permissionDenied
        case EISDIR: self = .notAFile
        default: self = .inputOutput
        }
    }
}
