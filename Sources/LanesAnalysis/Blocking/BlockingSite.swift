/// How a blocking occurrence used its thread: what it was doing while the executor waited.
public enum BlockingState: String, Sendable, CaseIterable {
    /// Off the CPU: asleep, waiting on a lock, a semaphore or I/O. An async API or a thread pool
    /// frees the executor thread.
    case sleepingOrWaiting = "sleeping or waiting"
    /// On the CPU: computing. It needs a thread; only not an executor thread.
    case computing = "computing"
    /// Ready to run but not running: the machine's processors were busy with other work. No
    /// change at this site helps; the load does.
    case preempted = "pre-empted (the machine was busy)"
}

/// Where blocking happened, as findings group it: the span (or task) it is attributed to, and,
/// when stack samples say, the app's own function and line that held the thread.
public struct BlockingSite: Hashable, Sendable {
    /// The span's (or task's) escaped display name; for a job with neither, the function.
    public var name: String
    /// The app's function that held the thread, from stack samples; nil when unknown.
    public var function: String?
    /// Its source file, as the debug information names it; nil when unknown.
    public var file: String?
    /// Its line in `file`; 0 when unknown.
    public var line: Int

    public init(name: String, function: String? = nil, file: String? = nil, line: Int = 0) {
        self.name = name
        self.function = function
        self.file = file
        self.line = line
    }

    /// `File.swift:42`, the file's last path component and the line, or nil when unknown.
    public var location: String? {
        guard let file, !file.isEmpty else { return nil }
        let base = file.split(separator: "/").last.map(String.init) ?? file
        return line > 0 ? "\(base):\(line)" : base
    }

    /// The site in one line: `legacy_db at LegacyDB.swift:42`, or just the name.
    public var description: String {
        guard let location else { return name }
        if let function, !function.isEmpty, function != name {
            return "\(name) (\(function) at \(location))"
        }
        return "\(name) at \(location)"
    }
}
