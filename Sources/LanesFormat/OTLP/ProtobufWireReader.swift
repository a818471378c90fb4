import LanesModel

/// A bounds-checked reader of the protobuf wire format (varints, fixed64/fixed32 and
/// length-delimited fields), for `OTLPProtobufDecoder`.
///
/// It reads borrowed bytes without copying them: a field's body is handed back as its position
/// in the buffer. Its rules are swift-protobuf's (the decoder of the generated OTLP messages,
/// which the differential tests compare it with), so both accept and reject the same inputs:
/// - a tag is at most 5 bytes (its 5th at most 15), names field 1 or more, wire type 0–5, and an
///   end-group tag outside a group is malformed;
/// - a varint is at most 10 bytes (bits beyond 64 are dropped);
/// - a length-delimited field a message reads is shorter than 2 GiB, and no field runs past the
///   end of the message it is in;
/// - a field of an unexpected wire type is skipped like an unknown field (groups skipped field by
///   field, each one a nesting level).
/// Nothing is allocated by a length read from the input: bodies are positions, not copies.
///
/// Unsafe code: the reader loads bytes through `base` without Swift's bounds checks. Invariant:
/// `0 <= position <= end <= count`, `base` points at `count` bytes that outlive the reader (the
/// caller's `withUnsafeBytes`), and every load at `position + k` is preceded by a check that
/// `position + k < end`. `end` only ever shrinks to a checked `position + length` (`enter`) and
/// is restored to the saved, larger value (`leave`).
struct ProtobufWireReader {
    /// Wire types.
    static let varint: UInt32 = 0
    static let fixed64: UInt32 = 1
    static let lengthDelimited: UInt32 = 2
    static let startGroup: UInt32 = 3
    static let endGroup: UInt32 = 4
    static let fixed32: UInt32 = 5

    /// The tag of field `field` with wire type `wire` (what `nextTag()` returns).
    static func tag(_ field: UInt32, _ wire: UInt32) -> UInt32 { field << 3 | wire }

    private let base: UnsafePointer<UInt8>
    private let count: Int
    /// The next byte to read.
    private(set) var position = 0
    /// The end of the message being read.
    private(set) var end: Int

    /// A reader of `bytes`, which must stay valid while it is used (see the invariant above);
    /// nil for a buffer without an address (an empty one: a request without spans).
    init?(_ bytes: UnsafeRawBufferPointer) {
        guard let address = bytes.baseAddress else { return nil }
        base = address.assumingMemoryBound(to: UInt8.self)
        count = bytes.count
        end = bytes.count
    }

    /// Whether the message being read has more fields.
    var hasMore: Bool { position < end }

    // MARK: Errors

    static func cutOff(at position: Int) -> OTLPRequestError {
        OTLPRequestError(reason: "not a protobuf ExportTraceServiceRequest (the message is cut off at byte \(position))")
    }

    static func malformed(at position: Int) -> OTLPRequestError {
        OTLPRequestError(reason: "not a protobuf ExportTraceServiceRequest (malformed protobuf at byte \(position))")
    }

    // MARK: Tags and values

    /// The next field's tag (field number << 3 | wire type), or nil at the message's end.
    @inline(__always)
    mutating func nextTag() throws(OTLPRequestError) -> UInt32? {
        guard position < end else { return nil }
        let first = base[position]
        var tag: UInt32
        if first < 0x80 {
            position += 1
            tag = UInt32(first)
        } else {
            tag = try longTag(first)
        }
        let wire = tag & 7
        guard wire <= Self.fixed32, wire != Self.endGroup, tag >> 3 != 0 else { throw Self.malformed(at: position) }
        return tag
    }

    /// A tag of 2–5 bytes (the 5th at most 15, so that the tag fits 32 bits).
    private mutating func longTag(_ first: UInt8) throws(OTLPRequestError) -> UInt32 {
        guard first & 7 <= 5 else { throw Self.malformed(at: position) }
        var tag = UInt32(first & 0x7F)
        var index = position + 1
        var shift: UInt32 = 7
        while true {
            guard index < end else { throw Self.malformed(at: index) }
            let byte = base[index]
            index += 1
            if shift == 28 {
                guard byte <= 15 else { throw Self.malformed(at: index - 1) }
                tag |= UInt32(byte) << 28
                break
            }
            tag |= UInt32(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        position = index
        return tag
    }

    /// A varint.
    @inline(__always)
    mutating func varint() throws(OTLPRequestError) -> UInt64 {
        guard position < end else { throw Self.cutOff(at: position) }
        let first = base[position]
        if first < 0x80 {
            position += 1
            return UInt64(first)
        }
        return try longVarint()
    }

    private mutating func longVarint() throws(OTLPRequestError) -> UInt64 {
        var value = UInt64(base[position] & 0x7F)
        var index = position + 1
        var shift: UInt64 = 7
        while true {
            guard index < end, shift <= 63 else { throw Self.malformed(at: index) }
            let byte = base[index]
            index += 1
            value |= UInt64(byte & 0x7F) &<< shift
            if byte < 0x80 {
                position = index
                return value
            }
            shift += 7
        }
    }

    /// Eight little-endian bytes.
    @inline(__always)
    mutating func fixed64() throws(OTLPRequestError) -> UInt64 {
        guard end - position >= 8 else { throw Self.cutOff(at: position) }
        let value = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
        position += 8
        return value
    }

    /// Four little-endian bytes.
    @inline(__always)
    mutating func fixed32() throws(OTLPRequestError) -> UInt32 {
        guard end - position >= 4 else { throw Self.cutOff(at: position) }
        let value = UInt32(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt32.self))
        position += 4
        return value
    }

    /// A length-delimited field's body (a string, bytes or a message), read past: where it starts
    /// and how long it is.
    @inline(__always)
    mutating func lengthDelimited() throws(OTLPRequestError) -> (start: Int, count: Int) {
        let length = try varint()
        guard length < 0x7FFF_FFFF else { throw Self.malformed(at: position) }
        guard length <= UInt64(end - position) else { throw Self.cutOff(at: position) }
        let start = position
        position += Int(length)
        return (start, Int(length))
    }

    /// Makes the reader read only the `count` bytes of a message body at `start` (from
    /// `lengthDelimited()`, so inside the current message); returns what `leave` restores.
    @inline(__always)
    mutating func enter(start: Int, count: Int) -> (position: Int, end: Int) {
        let saved = (position, end)
        // `start + count <= end` held when `lengthDelimited()` returned them, and `end` has not grown since.
        precondition(start >= 0 && count >= 0 && start + count <= end)
        position = start
        end = start + count
        return saved
    }

    /// Back to the message that held the one `enter` began.
    @inline(__always)
    mutating func leave(_ saved: (position: Int, end: Int)) {
        position = saved.position
        end = saved.end
    }

    /// Reads the current message again from `start`, its first byte (from `enter`).
    @inline(__always)
    mutating func restart(at start: Int) {
        precondition(start >= 0 && start <= end)
        position = start
    }

    /// The bytes at `start..<start + count` (a body from `lengthDelimited()`), borrowed.
    @inline(__always)
    func bytes(start: Int, count: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(start >= 0 && count >= 0 && start + count <= self.count)
        return UnsafeBufferPointer(start: base + start, count: count)
    }

    /// A trace id field (bytes), big-endian; zero unless the body is exactly 16 bytes.
    mutating func traceIDField() throws(OTLPRequestError) -> TraceID {
        let body = try lengthDelimited()
        guard body.count == 16 else { return .zero }
        precondition(body.start >= 0 && body.start + 16 <= count)
        let raw = UnsafeRawPointer(base + body.start)
        return TraceID(
            high: UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)),
            low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
    }

    /// A span id field (bytes), big-endian; zero unless the body is exactly 8 bytes.
    mutating func spanIDField() throws(OTLPRequestError) -> UInt64 {
        let body = try lengthDelimited()
        guard body.count == 8 else { return 0 }
        precondition(body.start >= 0 && body.start + 8 <= count)
        return UInt64(bigEndian: UnsafeRawPointer(base + body.start).loadUnaligned(as: UInt64.self))
    }

    // MARK: Skipping

    /// Skips the body of a field whose tag was just read, as an unknown field. Groups are
    /// skipped field by field, each costing one level of `depthBudget`.
    mutating func skip(tag: UInt32, depthBudget: inout Int) throws(OTLPRequestError) {
        switch tag & 7 {
        case Self.varint:
            _ = try varint()
        case Self.fixed64:
            guard end - position >= 8 else { throw Self.cutOff(at: position) }
            position += 8
        case Self.lengthDelimited:
            // Unknown bodies are only bounded by the message (swift-protobuf's rule for skipping).
            let length = try varint()
            guard length <= UInt64(end - position) else { throw Self.cutOff(at: position) }
            position += Int(length)
        case Self.startGroup:
            depthBudget -= 1
            guard depthBudget >= 0 else { throw Self.tooDeep() }
            while true {
                guard position < end else { throw Self.cutOff(at: position) }
                // Inside a group a tag is any varint below 2^32 - 1 with a field number and a valid wire type.
                let inner = try varint()
                guard inner < UInt64(UInt32.max), inner & ~7 != 0, inner & 7 <= 5 else { throw Self.malformed(at: position) }
                let innerTag = UInt32(inner)
                if innerTag & 7 == Self.endGroup {
                    guard innerTag >> 3 == tag >> 3 else { throw Self.malformed(at: position) }
                    break
                }
                try skip(tag: innerTag, depthBudget: &depthBudget)
            }
            depthBudget += 1
        case Self.fixed32:
            guard end - position >= 4 else { throw Self.cutOff(at: position) }
            position += 4
        default:
            // An end-group tag as a field to skip (only reachable inside a group).
            throw Self.cutOff(at: position)
        }
    }

    static func tooDeep() -> OTLPRequestError {
        OTLPRequestError(reason: "not a protobuf ExportTraceServiceRequest (nested too deeply)")
    }
}
