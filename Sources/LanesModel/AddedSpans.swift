/// The spans a `TraceBuilder` was given, in the order it was given them, one column per field.
///
/// Columns rather than one record per span: `build()` moves each field to its lane position in
/// one pass per column, and a reader that adds a million spans writes 33 bytes each instead of
/// a padded 40-byte record. The columns live in one copy-on-write buffer so that adding a span
/// checks uniqueness once, not once per column (seven checks a span were a tenth of a read).
@usableFromInline
struct AddedSpans: Sendable {
    @usableFromInline var storage = AddedSpanStorage(capacity: 0)
    /// The number of spans added. Kept here, not in the storage object, because a class's
    /// mutable property costs a dynamic exclusivity check on every access.
    @usableFromInline var count = 0

    @usableFromInline init() {}

    mutating func reserveCapacity(_ capacity: Int) {
        if !isKnownUniquelyReferenced(&storage) || storage.capacity < capacity {
            storage = storage.copy(count: count, capacity: max(capacity, count))
        }
    }

    /// Copies the storage first if it is shared. Works on `storage` in place rather than
    /// returning it: a returned reference costs a retain and a release on every call.
    @inlinable @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { copyStorage(capacity: storage.capacity) }
    }

    /// Replaces the storage by a copy with room for `capacity` spans (kept out of line: rare).
    @usableFromInline
    mutating func copyStorage(capacity: Int) {
        storage = storage.copy(count: count, capacity: capacity)
    }

    @inlinable @inline(__always)
    mutating func append(begin: Int64, end: Int64, name: UInt32, parent: Int32, task: Int32, thread: Int32, traits: SpanTraits) {
        if count == storage.capacity {
            copyStorage(capacity: max(1024, 2 * storage.capacity))
        } else {
            makeUnique()
        }
        storage.begin[count] = begin
        storage.end[count] = end
        storage.name[count] = name
        storage.parent[count] = parent
        storage.task[count] = task
        storage.thread[count] = thread
        storage.traits[count] = traits.rawValue
        count += 1
    }

    /// Traps on an index outside the added spans, as an array would.
    @inlinable func checked(_ span: Int) { precondition(span >= 0 && span < count, "span index out of range") }

    /// Column `column` of the added spans as a buffer.
    func buffer<T>(_ column: UnsafeMutablePointer<T>) -> UnsafeBufferPointer<T> {
        UnsafeBufferPointer(start: column, count: count)
    }

    @inlinable func begin(_ span: Int) -> Int64 { checked(span); return storage.begin[span] }
    @inlinable func end(_ span: Int) -> Int64 { checked(span); return storage.end[span] }
    @inlinable func name(_ span: Int) -> UInt32 { checked(span); return storage.name[span] }
    @inlinable func parent(_ span: Int) -> Int32 { checked(span); return storage.parent[span] }
    @inlinable @inline(__always) func task(_ span: Int) -> Int32 { checked(span); return storage.task[span] }
    @inlinable func thread(_ span: Int) -> Int32 { checked(span); return storage.thread[span] }
    @inlinable func traits(_ span: Int) -> SpanTraits { checked(span); return SpanTraits(rawValue: storage.traits[span]) }

    /// Ends span `span` at `end` (clamped to its begin) with `status`.
    @inlinable @inline(__always)
    mutating func end(_ span: Int, at end: Int64, status: SpanStatus) {
        makeUnique()
        checked(span)
        storage.end[span] = max(storage.begin[span], end)
        var traits = SpanTraits(rawValue: storage.traits[span])
        traits.status = status
        storage.traits[span] = traits.rawValue
    }
    @inlinable mutating func setParent(_ value: Int32, of span: Int) { makeUnique(); checked(span); storage.parent[span] = value }
    @inlinable mutating func setName(_ value: UInt32, of span: Int) { makeUnique(); checked(span); storage.name[span] = value }
    @inlinable mutating func setTask(_ value: Int32, of span: Int) { makeUnique(); checked(span); storage.task[span] = value }
    @inlinable mutating func setTraits(_ value: SpanTraits, of span: Int) { makeUnique(); checked(span); storage.traits[span] = value.rawValue }
}

/// The memory behind `AddedSpans`: seven columns of `capacity` elements, the first
/// `AddedSpans.count` set.
@usableFromInline
final class AddedSpanStorage: @unchecked Sendable {
    // @unchecked: mutated only through `AddedSpans`, which copies it first unless it is the only
    // reference, so no two values ever share a buffer that changes.
    @usableFromInline let capacity: Int
    @usableFromInline let begin: UnsafeMutablePointer<Int64>
    @usableFromInline let end: UnsafeMutablePointer<Int64>
    @usableFromInline let name: UnsafeMutablePointer<UInt32>
    @usableFromInline let parent: UnsafeMutablePointer<Int32>
    @usableFromInline let task: UnsafeMutablePointer<Int32>
    @usableFromInline let thread: UnsafeMutablePointer<Int32>
    @usableFromInline let traits: UnsafeMutablePointer<UInt8>

    @usableFromInline
    init(capacity: Int) {
        self.capacity = capacity
        begin = .allocate(capacity: capacity)
        end = .allocate(capacity: capacity)
        name = .allocate(capacity: capacity)
        parent = .allocate(capacity: capacity)
        task = .allocate(capacity: capacity)
        thread = .allocate(capacity: capacity)
        traits = .allocate(capacity: capacity)
    }

    deinit {
        begin.deallocate()
        end.deallocate()
        name.deallocate()
        parent.deallocate()
        task.deallocate()
        thread.deallocate()
        traits.deallocate()
    }

    /// A copy holding the first `count` spans, with room for `capacity` (≥ `count`).
    @usableFromInline
    func copy(count: Int, capacity: Int) -> AddedSpanStorage {
        let copy = AddedSpanStorage(capacity: capacity)
        copy.begin.initialize(from: begin, count: count)
        copy.end.initialize(from: end, count: count)
        copy.name.initialize(from: name, count: count)
        copy.parent.initialize(from: parent, count: count)
        copy.task.initialize(from: task, count: count)
        copy.thread.initialize(from: thread, count: count)
        copy.traits.initialize(from: traits, count: count)
        return copy
    }
}
