extension Array {
    /// An array of exactly `count` elements, filled by `initialize` without being zero-filled
    /// first. `initialize` must leave every element initialized (for trivial types: written before
    /// anything reads it).
    ///
    /// An empty array is made directly, after `initialize` has run on an empty buffer: given
    /// capacity 0, `init(unsafeUninitializedCapacity:initializingWith:)` stores the count into the
    /// standard library's shared empty-array storage, which ThreadSanitizer reports as a data race
    /// whenever two threads build empty arrays at once (reading two small traces concurrently).
    init(count: Int, initializingWith initialize: (UnsafeMutableBufferPointer<Element>) throws -> Void) rethrows {
        guard count > 0 else {
            try initialize(UnsafeMutableBufferPointer(start: nil, count: 0))
            self = []
            return
        }
        try self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            try initialize(buffer)
            initialized = count
        }
    }
}
