/// A thread's most recently used strings and their file-wide ids, found without hashing the
/// text: a string's two machine words identify it (a short string's words are its text, a longer
/// string's point at its immutable storage), so equal words mean the same string. Each entry holds
/// its string, which keeps that storage alive and its words unambiguous.
///
/// A span, its attributes and its events alternate between a few names; a dictionary lookup hashes
/// the whole text each time, this costs one multiply and one compare.
final class RecentStringIDs {
    private struct Entry {
        var string: String
        var id: UInt32
    }

    private static let slotBits = 6
    private static let emptyID = UInt32.max
    private let entries: UnsafeMutablePointer<Entry>

    init() {
        entries = .allocate(capacity: 1 << Self.slotBits)
        entries.initialize(repeating: Entry(string: "", id: Self.emptyID), count: 1 << Self.slotBits)
    }

    deinit {
        entries.deinitialize(count: 1 << Self.slotBits)
        entries.deallocate()
    }

    /// The id remembered for `string`, if it is the string last remembered in its slot.
    @inline(__always)
    func id(of string: String) -> UInt32? {
        #if _pointerBitWidth(_64)
        let words = Self.words(of: string)
        let entry = entries + Self.slot(of: words)
        guard Self.words(of: entry.pointee.string) == words, entry.pointee.id != Self.emptyID else { return nil }
        return entry.pointee.id
        #else
        return nil
        #endif
    }

    /// Remembers `id` for `string`, replacing whatever shared its slot.
    @inline(__always)
    func remember(_ string: String, id: UInt32) {
        #if _pointerBitWidth(_64)
        entries[Self.slot(of: Self.words(of: string))] = Entry(string: string, id: id)
        #endif
    }

    #if _pointerBitWidth(_64)
    @inline(__always)
    private static func words(of string: String) -> (UInt64, UInt64) {
        unsafeBitCast(string, to: (UInt64, UInt64).self)
    }

    @inline(__always)
    private static func slot(of words: (UInt64, UInt64)) -> Int {
        let mixed = (words.0 ^ (words.1 &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed >> UInt64(64 - slotBits))
    }
    #endif
}
