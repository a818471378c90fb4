import LanesModel
import LanesWriter

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A flight recorder's memory: the chunks of the last `window` nanoseconds (at most
/// `memoryLimit` bytes, the oldest dropped first) and every definition they may need — strings,
/// threads, task names — so that a dump is a complete `.lanes` file on its own.
///
/// Only the writer thread touches it (inside `Recorder.output`'s lock). Chunks are the same
/// encoded chunks a normal recording writes: a flight recorder records spans exactly as a normal
/// recording does, only its writer keeps them instead of writing them.
struct FlightWindow {
    let configuration: FlightConfiguration
    /// Chunks in the order the writer received them; those before `head` are gone.
    private var chunks: [LanesEncodedChunk] = []
    private var head = 0
    /// Bytes the chunks from `head` on take.
    private(set) var bytes = 0
    /// Every string defined so far, by id (bounded by the recording's string table).
    private var strings: [String] = [""]
    /// Thread and task definitions, the most recent `definitionLimit` of each.
    private var threads: [UInt32: (order: Int, definition: ThreadDefinition)] = [:]
    private var tasks: [UInt64: (order: Int, definition: TaskDefinition)] = [:]
    private var definitionsSeen = 0
    /// Whether the recording captures the global executor's jobs, as its dumps must say.
    var jobCapture: JobCapture?
    /// Events dropped before they reached the window (the queue was full), since the start.
    private(set) var droppedEvents: UInt64 = 0
    /// Dumps written so far: the first goes to the path, the next to `path.1`, `path.2`, …
    private(set) var dumpsWritten = 0
    /// When the last dump triggered by a rule or the signal was written, so that a burst of slow
    /// requests writes one dump per window, not one per request.
    private var lastAutomaticDump: Int64 = .min

    static let definitionLimit = 65_536

    init(configuration: FlightConfiguration) {
        self.configuration = configuration
    }

    /// Why `path` could not hold a dump later (its folder is missing or not writable), or nil.
    static func unwritableReason(_ path: String) -> String? {
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        var status = stat()
        guard stat(folder.isEmpty ? "/" : folder, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
            return "cannot create: no such folder"
        }
        if access(folder.isEmpty ? "/" : folder, W_OK) != 0 { return "cannot create: permission denied" }
        if stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR { return "cannot create: is a folder" }
        return nil
    }

    // MARK: Taking in what the recording produced

    mutating func define(strings newStrings: [String], firstID: UInt32) {
        guard !newStrings.isEmpty, Int(firstID) == strings.count else { return }
        strings.append(contentsOf: newStrings)
    }

    mutating func define(thread: ThreadDefinition) {
        definitionsSeen += 1
        threads[thread.writerID] = (definitionsSeen, thread)
        if threads.count > 2 * FlightWindow.definitionLimit { threads = FlightWindow.newest(threads) }
    }

    mutating func define(task: TaskDefinition) {
        if let known = tasks[task.id], known.definition.name != 0 || known.definition.inlineName != nil,
           task.name == 0 && task.inlineName == nil { return }
        definitionsSeen += 1
        tasks[task.id] = (definitionsSeen, task)
        if tasks.count > 2 * FlightWindow.definitionLimit { tasks = FlightWindow.newest(tasks) }
    }

    mutating func noteDropped(_ count: UInt64) {
        droppedEvents &+= count
    }

    /// Adds a chunk, then drops the chunks that fell out of the window or the memory limit.
    mutating func add(_ chunk: LanesEncodedChunk, now: Int64) {
        chunks.append(chunk)
        bytes += chunk.byteCount
        evict(now: now)
    }

    /// Drops chunks older than the window, and the oldest while over the memory limit.
    mutating func evict(now: Int64) {
        let oldest = now &- configuration.window
        while head < chunks.count, chunks[head].latestTime < oldest || bytes > configuration.memoryLimit {
            bytes -= chunks[head].byteCount
            head += 1
        }
        // Compact once the dead prefix is as large as the live part (amortised O(1) per chunk).
        if head > 64 && head * 2 >= chunks.count {
            chunks.removeFirst(head)
            head = 0
        }
    }

    /// Whether an automatic dump (a rule or the signal) may be written now; notes it if so.
    mutating func allowAutomaticDump(now: Int64) -> Bool {
        guard lastAutomaticDump == .min || now &- lastAutomaticDump >= configuration.window else { return false }
        lastAutomaticDump = now
        return true
    }

    /// The path of the next dump: `base`, then `base.1`, `base.2`, …
    func nextDumpPath(base: String) -> String {
        dumpsWritten == 0 ? base : "\(base).\(dumpsWritten)"
    }

    // MARK: Writing a dump

    /// Writes the window to `path` as a complete `.lanes` file: header, strings, threads, task
    /// names, a `window` record saying what it covers and why, the chunks, the dropped count
    /// and the footer. Returns the file's size.
    mutating func writeDump(to path: String, recorder: Recorder, now: Int64, reason: String) throws(TraceFileError) -> Int {
        evict(now: now)
        let file = try LanesFileWriter(
            path: path, processName: Recorder.processName(), processID: UInt32(truncatingIfNeeded: getpid()),
            clockAtStart: recorder.clockAtStart, unixNanosecondsAtClock: recorder.unixNanosecondsAtClock)
        if let jobCapture { try file.noteJobCapture(jobCapture) }
        if strings.count > 1 { try file.defineStrings(firstID: 1, Array(strings[1...])) }
        for (_, entry) in threads.sorted(by: { $0.value.order < $1.value.order }) {
            let thread = entry.definition
            try file.defineThread(
                writerID: thread.writerID, threadID: thread.threadID, name: thread.name, isExecutor: thread.isExecutor)
        }
        let orderedTasks = tasks.values.sorted { $0.order < $1.order }.map(\.definition)
        try file.defineTasks(orderedTasks.filter { $0.inlineName == nil }.map { ($0.id, $0.name, $0.parentTask) })
        try file.defineNamedTasks(orderedTasks.compactMap { task in
            task.inlineName.map { (task.id, $0, task.parentTask) }
        })
        let start = head < chunks.count ? max(now &- configuration.window, recorder.clockAtStart) : now
        try file.writeWindow(start: start, end: now, reason: reason)
        for index in head..<chunks.count {
            try file.write(chunk: chunks[index])
            file.noteTime(chunks[index].latestTime)
        }
        if droppedEvents > 0 { try file.writeDropped(writerID: 0, count: droppedEvents, time: now) }
        file.noteTime(now)
        try file.finish()
        dumpsWritten += 1
        return file.byteCount
    }

    private static func newest<Key, Value>(_ entries: [Key: (order: Int, definition: Value)]) -> [Key: (order: Int, definition: Value)] {
        let cut = entries.values.map(\.order).sorted(by: >)[definitionLimit - 1]
        return entries.filter { $0.value.order >= cut }
    }
}

/// A dump asked for by `dump(to:)`, the signal or a rule, waiting for the writer thread.
struct DumpRequest {
    /// The file to write, or nil for the next of `path`, `path.1`, …
    var path: String?
    /// What asked for it, as the dump's `window` record will say.
    var reason: String
    /// Whether a rule or the signal asked (at most one such dump per window length).
    var isAutomatic: Bool
    /// Told the path written, or why nothing was.
    var completion: @Sendable (Result<String, LanesRecordingError>) -> Void
}
