import LanesWriter
import LanesModel

/// What the watchdog hands a recording besides its sample events: the loaded images, the call
/// stacks (interned, so a stack seen again costs an id), and the watchdog's settings. Queued
/// here and written by the writer thread before the chunks that use them, as strings are.
struct WatchdogDefinitions {
    /// The most stacks remembered for interning; beyond it the table starts over (a stack seen
    /// again is then defined again), so a long recording of ever-new stacks stays bounded.
    static let maximumRememberedStacks = 8192

    var stackIDs: [[UInt64]: UInt64] = [:]
    var nextStackID: UInt64 = 1
    var pendingStacks: [[UInt64]] = []
    var pendingFirstStackID: UInt64 = 1
    var sentImages: Set<ImageKey> = []
    var pendingImages: [LoadedImage] = []
    var pendingSettings: WatchdogSettings?

    struct ImageKey: Hashable {
        var base: UInt64
        var path: String
    }

    mutating func stackID(_ frames: [UInt64]) -> UInt64 {
        if let id = stackIDs[frames] { return id }
        if stackIDs.count >= WatchdogDefinitions.maximumRememberedStacks { stackIDs.removeAll(keepingCapacity: true) }
        let id = nextStackID
        nextStackID += 1
        if pendingStacks.isEmpty { pendingFirstStackID = id }
        pendingStacks.append(frames)
        stackIDs[frames] = id
        return id
    }

    /// What the writer takes in one cycle.
    struct Pending {
        var images: [LoadedImage]
        var firstStackID: UInt64
        var stacks: [[UInt64]]
        var settings: WatchdogSettings?

        var isEmpty: Bool { images.isEmpty && stacks.isEmpty && settings == nil }
    }

    mutating func takePending() -> Pending {
        defer {
            pendingImages.removeAll()
            pendingStacks.removeAll()
            pendingSettings = nil
        }
        return Pending(images: pendingImages, firstStackID: pendingFirstStackID, stacks: pendingStacks, settings: pendingSettings)
    }
}

extension Recorder {
    /// The id of a call stack (frames as sampled) in this recording's file, defining it if new.
    func watchdogStackID(_ frames: [UInt64]) -> UInt64 {
        watchdogDefinitions.withLock { $0.stackID(frames) }
    }

    /// Queues the images this recording has not recorded yet.
    func noteLoadedImages(_ images: [LoadedImage]) {
        watchdogDefinitions.withLock { definitions in
            for image in images
            where definitions.sentImages.insert(WatchdogDefinitions.ImageKey(base: image.base, path: image.path)).inserted {
                definitions.pendingImages.append(image)
            }
        }
    }

    /// Queues the record of the watchdog's settings.
    func noteWatchdog(_ settings: WatchdogSettings) {
        watchdogDefinitions.withLock { $0.pendingSettings = settings }
    }

    /// Writes what the watchdog queued (called by the writer thread, after taking the chunks, so
    /// every stack a taken chunk uses is among these).
    static func write(_ pending: WatchdogDefinitions.Pending, to file: LanesFileWriter) throws(TraceFileError) {
        guard !pending.isEmpty else { return }
        if let settings = pending.settings { try file.noteWatchdog(settings) }
        try file.defineImages(pending.images)
        try file.defineStacks(firstID: pending.firstStackID, pending.stacks)
    }
}
