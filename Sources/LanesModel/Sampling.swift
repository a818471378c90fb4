/// What the watchdog recorded: samples of executor threads that ran one job for a while, their
/// deduplicated stacks, the loaded images the addresses belong to, and (once symbolicated) what
/// the addresses are in source code.
public struct Sampling: Sendable, Equatable {
    /// The samples, sorted by (thread, time).
    public let samples: [ThreadSample]
    /// The stacks `ThreadSample.stack` refers to.
    public let stacks: StackTable
    /// The images the stacks' addresses lie in.
    public let images: [LoadedImage]
    /// Symbols for `stacks.addresses`, when the trace carries them or a symbolizer added them.
    public var symbols: FrameSymbols?

    public init(samples: [ThreadSample], stacks: StackTable, images: [LoadedImage], symbols: FrameSymbols?) {
        self.samples = samples
        self.stacks = stacks
        self.images = images
        self.symbols = symbols
    }

    /// No samples.
    public static let empty = Sampling(samples: [], stacks: .empty, images: [], symbols: nil)

    /// The samples of thread `thread` taken in `[from, to]`, as a range of `samples`.
    public func samples(onThread thread: Int32, from: Int64, to: Int64) -> Range<Int> {
        let start = samples.partitioningIndex { ($0.thread, $0.time) >= (thread, from) }
        let end = samples.partitioningIndex { ($0.thread, $0.time) > (thread, to) }
        return start..<max(start, end)
    }

    /// Bytes held by the arrays (capacities) and strings.
    public var memoryFootprint: Int {
        func bytes<T>(_ array: [T]) -> Int { array.capacity * MemoryLayout<T>.stride }
        var total = bytes(samples) + bytes(stacks.frameStart) + bytes(stacks.frames) + bytes(stacks.addresses)
            + bytes(stacks.addressImage) + bytes(images)
        for image in images { total += image.path.utf8.count + image.buildID.count }
        if let symbols {
            total += bytes(symbols.locationStart) + bytes(symbols.locations)
            for location in symbols.locations { total += location.function.utf8.count + location.file.utf8.count }
        }
        return total
    }
}

/// What the recording said about its watchdog.
public struct WatchdogSettings: Sendable, Equatable {
    /// Whether the watchdog sampled long jobs.
    public var isOn: Bool
    /// A job is first sampled once it has run this long (ns).
    public var firstSampleNanoseconds: Int64
    /// Then about this often (ns), less often as the job goes on.
    public var intervalNanoseconds: Int64
    /// The signal used to take running threads' stacks, 0 when none could be used.
    public var signal: Int
    /// Why the watchdog is off, or why running threads' stacks are not taken; empty otherwise.
    public var note: String

    public init(isOn: Bool, firstSampleNanoseconds: Int64, intervalNanoseconds: Int64, signal: Int, note: String) {
        self.isOn = isOn
        self.firstSampleNanoseconds = firstSampleNanoseconds
        self.intervalNanoseconds = intervalNanoseconds
        self.signal = signal
        self.note = note
    }
}
