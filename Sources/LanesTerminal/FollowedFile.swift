import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that `lanes view --follow` re-reads whenever it changes, on a thread of its own: the
/// viewer keeps answering keys while a big trace loads, and takes the newest reading when it is
/// idle.
///
/// Re-reading is paced by what it costs: after a reading that took T, the next check waits at
/// least 2T, so following a large recording that never stops growing uses at most about a third
/// of a core instead of all of it.
public final class FollowedFile<Document: Sendable>: Sendable {
    /// What the watching thread and the viewer share.
    private final class Shared: Sendable {
        let newest = Mutex<Document?>(nil)
        let stopped = Atomic<Bool>(false)
    }

    private let shared = Shared()

    /// Starts watching `path` (its size and modification time as of now) and re-reading it with
    /// `load` when either changes. `load` returns nil when the file cannot be read now (say, it
    /// was caught mid-rewrite); it is then tried again after the next wait.
    public init(path: String, pollMilliseconds: Int = 250, load: @escaping @Sendable (String) -> Document?) {
        let watcher = FileChange(path: path)
        let thread = Thread { [shared] in
            var watcher = watcher
            let poll = Double(pollMilliseconds) / 1000
            var wait = poll
            var retry = false
            while !shared.stopped.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: wait)
                let changed = watcher.changed()
                guard !shared.stopped.load(ordering: .relaxed), changed || retry else { continue }
                let start = Date()
                let document = load(path)
                wait = max(poll, 2 * Date().timeIntervalSince(start))
                retry = document == nil
                if let document { shared.newest.withLock { $0 = document } }
            }
        }
        thread.name = "lanes-follow"
        thread.start()
    }

    deinit {
        stop()
    }

    /// The newest reading not yet taken, or nil when the file has not changed since.
    public func takeNewest() -> Document? {
        shared.newest.withLock { document in
            defer { document = nil }
            return document
        }
    }

    /// Stops watching; a reading under way finishes and is dropped.
    public func stop() {
        shared.stopped.store(true, ordering: .relaxed)
    }
}

/// Notices when a file grew or was rewritten, by its size and modification time.
struct FileChange: Sendable {
    let path: String
    private var lastSize: Int64 = -1
    private var lastModified: Int = -1

    init(path: String) {
        self.path = path
        _ = changed()
    }

    /// Whether the file changed since the last call (or since `init`).
    mutating func changed() -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        let size = Int64(status.st_size)
        #if canImport(Darwin)
        let modified = Int(status.st_mtimespec.tv_sec) * 1_000_000_000 + Int(status.st_mtimespec.tv_nsec)
        #else
        let modified = Int(status.st_mtim.tv_sec) * 1_000_000_000 + Int(status.st_mtim.tv_nsec)
        #endif
        defer { lastSize = size; lastModified = modified }
        return size != lastSize || modified != lastModified
    }
}
