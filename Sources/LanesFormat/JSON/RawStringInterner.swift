import LanesModel

/// Interns JSON strings straight from their bytes: a string seen before (a span name, an
/// attribute key, a service name) is found by hashing its bytes, without building a `String`.
///
/// A small open-addressing table of recent strings in front of the trace's `StringTable`. It
/// holds at most `maximumEntries` strings and probes at most `maximumProbes` slots, so hostile
/// input (many distinct strings, or colliding ones) only sends strings down the ordinary path;
/// its hash is seeded per instance, so collisions cannot be planned.
struct RawStringInterner {
    private struct Slot {
        var hash: UInt64 = 0
        /// Where the string's bytes start in `arena`.
        var offset: UInt32 = 0
        var length: UInt32 = 0
        /// The string's index in the table + 1 (0: empty slot).
        var indexPlusOne: UInt32 = 0
    }

    static let maximumEntries = 1 << 15
    static let maximumProbes = 8
    static let maximumArenaBytes = 4 << 20
    /// Longer strings are not worth remembering (values such as SQL statements rarely repeat).
    static let maximumLength = 256

    private var slots: [Slot]
    private var arena: [UInt8] = []
    private var entries = 0
    /// At most `maximumEntries` (a power of two): smaller tables for small inputs (a request).
    private let capacity: Int
    private let seed = UInt64.random(in: 1...UInt64.max)

    /// A table of at most `maximumEntries` strings (rounded up to a power of two, at most the default).
    init(maximumEntries: Int = RawStringInterner.maximumEntries) {
        let wanted = min(Self.maximumEntries, max(16, maximumEntries))
        capacity = 1 << (Int.bitWidth - (wanted - 1).leadingZeroBitCount)  // the power of two at or above
        slots = [Slot](repeating: Slot(), count: 2 * capacity)
    }

    /// The index of the string whose unescaped UTF-8 bytes are `bytes`, interning it with
    /// `intern` when it is new to this table.
    @inline(__always)
    mutating func index(of bytes: UnsafeBufferPointer<UInt8>, intern: (String) -> UInt32) -> UInt32 {
        guard bytes.count <= Self.maximumLength else { return intern(String(decoding: bytes, as: UTF8.self)) }
        let hash = Self.hash(bytes, seed: seed)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash >> 7) & mask
        for _ in 0..<Self.maximumProbes {
            let entry = slots[slot]
            if entry.indexPlusOne == 0 {
                let index = intern(String(decoding: bytes, as: UTF8.self))
                remember(bytes, hash: hash, index: index, at: slot)
                return index
            }
            if entry.hash == hash, Int(entry.length) == bytes.count, equal(bytes, at: Int(entry.offset)) {
                return entry.indexPlusOne - 1
            }
            slot = (slot + 1) & mask
        }
        return intern(String(decoding: bytes, as: UTF8.self))
    }

    private mutating func remember(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, index: UInt32, at slot: Int) {
        guard entries < capacity, arena.count + bytes.count <= Self.maximumArenaBytes, index < UInt32.max else { return }
        slots[slot] = Slot(hash: hash, offset: UInt32(arena.count), length: UInt32(bytes.count), indexPlusOne: index + 1)
        arena.append(contentsOf: bytes)
        entries += 1
    }

    @inline(__always)
    private func equal(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        arena.withUnsafeBufferPointer { stored in
            guard let storedBase = stored.baseAddress, let base = bytes.baseAddress else { return bytes.isEmpty }
            return memoryEqual(storedBase + offset, base, bytes.count)
        }
    }

    /// A word-at-a-time multiplicative hash of `bytes`, seeded.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        var hash = seed ^ UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        guard let base = bytes.baseAddress else { return hash }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 29
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(base[offset]) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ tail) &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }
}

/// Whether `count` bytes at `a` and `b` are equal.
@inline(__always)
private func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var offset = 0
    let left = UnsafeRawPointer(a)
    let right = UnsafeRawPointer(b)
    while offset + 8 <= count {
        if left.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != right.loadUnaligned(fromByteOffset: offset, as: UInt64.self) {
            return false
        }
        offset += 8
    }
    while offset < count {
        if a[offset] != b[offset] { return false }
        offset += 1
    }
    return true
}
