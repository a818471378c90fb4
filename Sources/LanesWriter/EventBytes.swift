/// The growable byte buffer a chunk's events are encoded into.
///
/// The recorder encodes every span's begin and end here on the app's own threads, so appending
/// must cost a store, not an array's uniqueness and capacity checks per byte: each event first
/// reserves room for its largest encoding, then writes without checks. The owner (one
/// `LanesChunkEncoder`, itself not copyable) frees the memory with `deallocate()`.
@usableFromInline
struct EventBytes {
    /// The most bytes one encoder call writes (a begin with an id switch and a task switch).
    @usableFromInline static let largestEvent = 64

    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    @usableFromInline var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, EventBytes.largestEvent * 2)
        base = UnsafeMutablePointer.allocate(capacity: self.capacity)
    }

    func deallocate() { base.deallocate() }

    /// Makes room for one more event of at most `largestEvent` bytes.
    @inlinable @inline(__always)
    mutating func reserveEvent() {
        if count &+ EventBytes.largestEvent > capacity { grow() }
    }

    /// Makes room for `bytes` more, for the few events that can exceed `largestEvent`.
    mutating func reserve(_ bytes: Int) {
        while count &+ bytes > capacity { grow() }
    }

    @usableFromInline
    mutating func grow() {
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }

    @inlinable @inline(__always)
    mutating func append(_ byte: UInt8) {
        base[count] = byte
        count &+= 1
    }

    /// Appends `value` as an unsigned LEB128 varint (7 bits a byte, low bits first).
    @inlinable @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: value) | 0x80
            count &+= 1
            value >>= 7
        }
        base[count] = UInt8(truncatingIfNeeded: value)
        count &+= 1
    }

    /// Appends `value` zigzag-encoded as a varint.
    @inlinable @inline(__always)
    mutating func appendSignedVarint(_ value: Int64) {
        appendVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Appends `bytes` (room must have been reserved).
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        (base + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count &+= bytes.count
    }

    /// Appends `value` as eight little-endian bytes.
    mutating func appendLittleEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Writes an extension event (opcode ≥ 0x80): the opcode, then its payload as `body` writes
    /// it, preceded by the payload's varint length. `body` must reserve what it writes beyond
    /// `largestEvent` bytes; the length is patched in afterwards (moving the payload when it
    /// needs more than one length byte).
    mutating func appendExtension(opcode: UInt8, _ body: (inout EventBytes) -> Void) {
        reserve(EventBytes.largestEvent)
        append(opcode)
        let lengthAt = count
        count &+= 1
        body(&self)
        let length = count - lengthAt - 1
        var lengthBytes = 1
        while UInt64(length) >> (7 * lengthBytes) != 0 { lengthBytes += 1 }
        if lengthBytes > 1 {
            reserve(lengthBytes)
            // Overlapping regions: `copyMemory` moves like memmove.
            UnsafeMutableRawPointer(base + lengthAt + lengthBytes).copyMemory(from: base + lengthAt + 1, byteCount: length)
        }
        count = lengthAt
        appendVarint(UInt64(length))
        count = lengthAt + lengthBytes + length
    }

    /// The bytes written so far.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
}
