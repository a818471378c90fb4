import LanesModel
import LanesWriter

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a trace file of any supported format, detected by content.
public enum TraceLoader {
    /// The largest file Lanes will read into memory.
    public static let maximumFileSize = 16 << 30

    /// Reads and parses the file at `path`.
    ///
    /// Throws `TraceFileError` when nothing usable can be read (missing file, not a trace).
    /// Damage that still leaves something readable is returned as warnings.
    ///
    /// `progress`, if given, is called from time to time with the fraction of the input decoded
    /// (0 to 1), so a caller can draw a progress bar for large files.
    public static func load(path: String, progress: ((Double) -> Void)? = nil) throws -> TraceLoadResult {
        let bytes = try readFile(path: path)
        return try load(bytes: bytes, path: path, progress: progress)
    }

    /// Reads two files at once, the second on another thread (`lanes diff`'s two runs): each
    /// result as `load(path:)` gives it, its error included, so the caller reports them in order.
    public static func load(pathA: String, pathB: String) -> (a: Result<TraceLoadResult, any Error>, b: Result<TraceLoadResult, any Error>) {
        let (b, a) = concurrently({ Result { try load(path: pathB) } }, { Result { try load(path: pathA) } })
        return (a, b)
    }

    /// Parses `bytes` (the contents of `path`, which is used only in messages).
    public static func load(bytes: [UInt8], path: String, progress: ((Double) -> Void)? = nil) throws -> TraceLoadResult {
        guard !bytes.isEmpty else {
            throw TraceFileError(.empty, path: path, reason: "the file is empty")
        }
        guard let format = TraceFileFormat.detect(bytes) else {
            throw TraceFileError(.notATrace, path: path, reason: "not a trace: neither a .lanes file (no Lanes header) nor Chrome or OTLP JSON")
        }
        switch format {
        case .lanes:
            let result = try LanesFileReader.read(bytes: bytes, path: path, progress: progress)
            return TraceLoadResult(trace: result.trace, warnings: result.warnings, format: .lanes)
        case .chrome:
            let result = try ChromeTraceImporter.read(bytes: bytes, path: path)
            // Python asyncio traces from viztracer become tasks, jobs and kinds (see AsyncioTraceConverter).
            switch AsyncioTraceConverter.convert(result.trace) {
            case .notAsyncio:
                return TraceLoadResult(trace: result.trace, warnings: result.warnings, format: .chrome)
            case .withoutLogAsync(let hint):
                return TraceLoadResult(trace: result.trace, warnings: result.warnings + [hint], format: .chrome)
            case .converted(let trace):
                return TraceLoadResult(trace: trace, warnings: result.warnings, format: .chrome)
            }
        case .otlp:
            let result = try OTLPTraceImporter.read(bytes: bytes, path: path)
            return TraceLoadResult(trace: result.trace, warnings: result.warnings, format: .otlp)
        }
    }

    /// The whole file at `path`, read with plain system calls (no Foundation on the hot path).
    public static func readFile(path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw fileError(errno, path: path, action: "cannot open")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw fileError(errno, path: path, action: "cannot stat")
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw TraceFileError(.notAFile, path: path, reason: "is a directory, not a trace file")
        }
        let size = Int(status.st_size)
        guard size <= maximumFileSize else {
            throw TraceFileError(.tooLarge, path: path, reason: "is \(size) bytes, above the \(maximumFileSize)-byte limit")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, size - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw fileError(errno, path: path, action: "cannot read")
            }
            if count == 0 { break }  // The file shrank while we read it.
            filled += count
        }
        if filled < size { bytes.removeSubrange(filled...) }
        // A file still being written may have grown: read what was appended too.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count < maximumFileSize {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// The error for a failed system call while reading: `errno` `code` while doing `action`.
    static func fileError(_ code: Int32, path: String, action: String) -> TraceFileError {
        let kind = TraceFileError.Kind(errno: code)
        let reason = switch kind {
        case .notFound: "no such file"
        case .permissionDenied: "permission denied"
        case .notAFile: "is a directory, not a trace file"
        default: "\(action): \(String(cString: strerror(code)))"
        }
        return TraceFileError(kind, path: path, reason: reason)
    }
}
