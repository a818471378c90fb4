/// The spans a `TraceBuilder` was given, in the order it was given them, one array per field.
///
/// Columns rather than one record per span: `build()` moves each field to its lane position in
/// one pass per column, and a reader that adds a million spans writes 33 bytes each instead of
/// a padded 40-byte record.
@usableFromInline
struct AddedSpans: Sendable {
    @usableFromInline var begin: [Int64] = []
    @usableFromInline var end: [Int64] = []
    @usableFromInline var name: [UInt32] = []
    /// Parent as an added-span index, or -1.
    @usableFromInline var parent: [Int32] = []
    @usableFromInline var task: [Int32] = []
    @usableFromInline var thread: [Int32] = []
    /// `SpanTraits` raw values.
    @usableFromInline var traits: [UInt8] = []

    @usableFromInline init() {}

    @inlinable var count: Int { begin.count }

    mutating func reserveCapacity(_ count: Int) {
        begin.reserveCapacity(count)
        end.reserveCapacity(count)
        name.reserveCapacity(count)
        parent.reserveCapacity(count)
        task.reserveCapacity(count)
        thread.reserveCapacity(count)
        traits.reserveCapacity(count)
    }

    @inlinable
    mutating func append(begin: Int64, end: Int64, name: UInt32, parent: Int32, task: Int32, thread: Int32, traits: SpanTraits) {
        self.begin.append(begin)
        self.end.append(end)
        self.name.append(name)
        self.parent.append(parent)
        self.task.append(task)
        self.thread.append(thread)
        self.traits.append(traits.rawValue)
    }
}
