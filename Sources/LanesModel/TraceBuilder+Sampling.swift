/// The watchdog's samples, stacks, images and symbols as a reader meets them.
public struct SamplingBuilder: Sendable {
    var samples: [ThreadSample] = []
    var images: [LoadedImage] = []
    private var imageKeys: Set<ImageKey> = []
    var frameStart: [Int32] = [0]
    var frames: [Int32] = []
    var addresses: [UInt64] = []
    private var addressIndex: [UInt64: Int32] = [:]
    private var stackIndex: [[Int32]: Int32] = [:]
    var symbols: [UInt64: [SymbolLocation]] = [:]
    var symbolNotes: [String] = []
    var hasSymbols = false

    private struct ImageKey: Hashable {
        var base: UInt64
        var path: String
    }

    public init() {}
}

extension TraceBuilder {
    /// Adds a loaded image; the same image (base and path) added twice is kept once.
    public mutating func addImage(_ image: LoadedImage) {
        sampling.addImage(image)
    }

    /// Adds a call stack as sampled (the program counter first, then return addresses) and
    /// returns its index for `addSample`; equal stacks get the same index.
    public mutating func addStack(sampledFrames: [UInt64]) -> Int32 {
        sampling.addStack(sampledFrames: sampledFrames)
    }

    /// Adds a sample (thread and task are builder indexes, stack one from `addStack` or -1).
    public mutating func addSample(_ sample: ThreadSample) {
        sampling.samples.append(sample)
    }

    /// Says what `address` is in source code. `address` is a code address as `StackTable`
    /// keeps them (a return address minus one); locations innermost first.
    public mutating func addSymbols(address: UInt64, locations: [SymbolLocation]) {
        sampling.symbols[address] = locations
        sampling.hasSymbols = true
    }

    /// Adds a note about what limited the symbols; marks the trace as symbolicated.
    public mutating func addSymbolNote(_ note: String) {
        if !sampling.symbolNotes.contains(note) { sampling.symbolNotes.append(note) }
        sampling.hasSymbols = true
    }

    /// Marks the trace as symbolicated (it carried a symbols record), even if nothing was found.
    public mutating func markSymbolicated() {
        sampling.hasSymbols = true
    }

    /// The number of samples added so far.
    public var sampleCount: Int { sampling.samples.count }
}

extension SamplingBuilder {
    mutating func addImage(_ image: LoadedImage) {
        guard imageKeys.insert(ImageKey(base: image.base, path: image.path)).inserted else { return }
        images.append(image)
    }

    mutating func addStack(sampledFrames: [UInt64]) -> Int32 {
        var key: [Int32] = []
        key.reserveCapacity(sampledFrames.count)
        for (position, frame) in sampledFrames.enumerated() {
            // Return addresses point after the call; one byte back is inside it, on its line.
            let address = position == 0 ? frame : frame &- 1
            if let index = addressIndex[address] {
                key.append(index)
            } else {
                let index = Int32(addresses.count)
                addresses.append(address)
                addressIndex[address] = index
                key.append(index)
            }
        }
        if let existing = stackIndex[key] { return existing }
        let index = Int32(frameStart.count - 1)
        frames.append(contentsOf: key)
        frameStart.append(Int32(frames.count))
        stackIndex[key] = index
        return index
    }

    /// The sorted, resolved sampling data.
    func build() -> Sampling {
        var sorted = samples
        sorted.sort { ($0.thread, $0.time) < ($1.thread, $1.time) }
        // Each address's image: the one whose code range holds it (images sorted by start).
        let byStart = images.indices.sorted { images[$0].textStart < images[$1].textStart }
        let addressImage = addresses.map { address -> Int32 in
            let position = byStart.partitioningIndex { images[$0].textStart > address }
            guard position > 0 else { return -1 }
            let image = byStart[position - 1]
            return address < images[image].textEnd ? Int32(image) : -1
        }
        var frameSymbols: FrameSymbols?
        if hasSymbols {
            var locationStart: [Int32] = [0]
            var locations: [SymbolLocation] = []
            locationStart.reserveCapacity(addresses.count + 1)
            for address in addresses {
                locations.append(contentsOf: symbols[address] ?? [])
                locationStart.append(Int32(locations.count))
            }
            frameSymbols = FrameSymbols(locationStart: locationStart, locations: locations, notes: symbolNotes)
        }
        return Sampling(
            samples: sorted,
            stacks: StackTable(frameStart: frameStart, frames: frames, addresses: addresses, addressImage: addressImage),
            images: images, symbols: frameSymbols)
    }
}
