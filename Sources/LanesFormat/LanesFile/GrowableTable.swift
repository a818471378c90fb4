/// A table of plain values indexed by position, for the reader's per-span tables (span id →
/// index, ended bits), which it reads and writes a few times per span.
///
/// An array stored in the decoder checks that its buffer is not shared on every write (a call
/// into the runtime); this table owns its memory alone (it cannot be copied), so a write is a
/// bounds check and a store. New slots read as zero. The table grows only when asked, and
/// callers bound the size they ask for by what they have actually read.
struct GrowableTable<Element: BitwiseCopyable>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    /// Slots that may be read and written, all initialised.
    private(set) var count: Int

    init() {
        base = .allocate(capacity: 0)
        count = 0
    }

    deinit { base.deallocate() }

    /// Grows the table to `newCount` slots (if it is smaller), the new ones zero.
    mutating func grow(to newCount: Int) {
        guard newCount > count else { return }
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: newCount)
        larger.initialize(from: base, count: count)
        UnsafeMutableRawPointer(larger + count).initializeMemory(as: UInt8.self, repeating: 0, count: (newCount - count) * MemoryLayout<Element>.stride)
        base.deallocate()
        base = larger
        count = newCount
    }

    subscript(index: Int) -> Element {
        @inline(__always) get {
            precondition(index >= 0 && index < count, "table index out of range")
            return base[index]
        }
        @inline(__always) set {
            precondition(index >= 0 && index < count, "table index out of range")
            base[index] = newValue
        }
    }
}
