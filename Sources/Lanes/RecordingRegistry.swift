#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One recording per file in a process: the files recordings are writing now, so that a second
/// recording of the same file (a second `bootstrapFromEnvironment()`, `LANES_TRACE` and
/// `Lanes.record(to:)` naming one file) does not truncate it under the first one's writer.
enum RecordingRegistry {
    private static let recorders = Locked<[String: Unmanaged<Recorder>]>([:])

    /// The key for `path`: its folder resolved (symbolic links, `..`) plus its name, so two
    /// spellings of one file match. Character devices (`/dev/null`) are not files anyone
    /// reads back, so they get no key and may be recorded into any number of times.
    static func key(for path: String) -> String? {
        var status = stat()
        if stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFCHR { return nil }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard let resolved = realpath(folder.isEmpty ? "/" : folder, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved) + "/" + name
    }

    /// Runs `start` unless a running recording already writes `path`; returns that one instead.
    /// `start` runs under the registry's lock, so two threads cannot both open the file.
    static func recorder(
        for path: String, orStart start: () throws(LanesRecordingError) -> Recorder
    ) throws(LanesRecordingError) -> (recorder: Recorder, isNew: Bool) {
        guard let key = key(for: path) else { return (try start(), true) }
        return try recorders.withLock { (recorders: inout [String: Unmanaged<Recorder>]) throws(LanesRecordingError) in
            if let existing = recorders[key]?.takeUnretainedValue() {
                guard existing.isRunning else {
                    throw LanesRecordingError(.inUse, path: path, reason: "its previous recording is still being finished")
                }
                return (existing, false)
            }
            let recorder = try start()
            recorders[key] = Unmanaged.passUnretained(recorder)
            return (recorder, true)
        }
    }

    /// Forgets `recorder` once it has stopped (recorders are never deallocated, so the
    /// unretained reference stays valid until then).
    static func remove(_ recorder: Recorder) {
        recorders.withLock { recorders in
            recorders = recorders.filter { $0.value.toOpaque() != Unmanaged.passUnretained(recorder).toOpaque() }
        }
    }
}
