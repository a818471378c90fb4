import ArgumentParser
import LanesAnalysis
import LanesFormat
import LanesModel

#if canImport(Glibc)
import Glibc
import LanesWriter
#endif

/// The formats `lanes convert` and `lanes export` write.
enum TraceOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case lanes
    case chrome
    case otlp

    /// The format a file name asks for: `.lanes`, `.otlp.json` or `.json` (Chrome).
    init?(fileName: String) {
        let lowered = fileName.lowercased()
        if lowered.hasSuffix(".lanes") {
            self = .lanes
        } else if lowered.hasSuffix(".otlp.json") || lowered.hasSuffix(".otlp.jsonl") {
            self = .otlp
        } else if lowered.hasSuffix(".json") {
            self = .chrome
        } else {
            return nil
        }
    }

    /// `trace` encoded in this format.
    func encode(_ trace: Trace) -> [UInt8] {
        switch self {
        case .lanes: LanesTraceWriter.encode(trace)
        case .chrome: ChromeTraceExporter.export(trace)
        case .otlp: OTLPTraceExporter.export(trace)
        }
    }
}

/// Writing command output with the CLI's error contract (exit code 4, one line naming the file).
enum TraceOutput {
    /// Writes `bytes` to `path` through a temporary file renamed into place, so that a failed
    /// write never leaves half a file and converting a file onto itself is safe; `-` or nil
    /// writes to standard output.
    static func write(_ bytes: [UInt8], to path: String?) throws {
        guard let path, path != "-" else {
            try writeAll(bytes, to: STDOUT_FILENO, path: "standard output")
            return
        }
        let temporary = path + ".partial-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { try fail(path, errno) }
        do {
            try writeAll(bytes, to: descriptor, path: path)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            try fail(path, code)
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                try fail(path, errno)
            }
            written += count
        }
    }

    private static func fail(_ path: String, _ code: Int32) throws -> Never {
        AnalysisCommandSupport.printError("lanes: \(DisplayText.escaped(path)): cannot write: \(String(cString: strerror(code)))")
        throw ExitCode(4)
    }
}
