/// Constants of the `.lanes` file layout. `Traces/FORMAT.md` is the specification; this file
/// mirrors it and must change only with it.
public enum LanesFileLayout {
    /// The first ten bytes of every `.lanes` file. The high byte, CR LF, ^Z and LF catch
    /// transfers that altered line endings or stripped the eighth bit, as PNG's signature does.
    public static let magic: [UInt8] = [0x89, 0x4C, 0x41, 0x4E, 0x45, 0x53, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The format version written after the magic (little-endian u16).
    public static let version: UInt16 = 1
    /// The byte that starts every record; readers resynchronise on it after damage.
    public static let recordMarker: UInt8 = 0xF7
    /// Marker, type, length (u32) and checksum (u32).
    public static let recordHeaderSize = 10
    /// The largest record payload a reader accepts; anything larger is damage.
    public static let maximumRecordPayload = 16 << 20
    /// The chunk payload size writers aim for before starting a new chunk.
    public static let preferredChunkPayload = 64 << 10
}

/// Record types (the byte after the marker).
public enum LanesRecordType: UInt8, Sendable {
    case header = 0x01
    case strings = 0x02
    case thread = 0x03
    case tasks = 0x04
    case dropped = 0x05
    case events = 0x10
    // OpenTelemetry facts (issue 15's range, 0x30–0x3F; see `Traces/FORMAT.md` §4.8–4.9).
    /// A resource (a service) and its typed attributes.
    case resource = 0x30
    /// An instrumentation scope within a resource.
    case scope = 0x31
    case footer = 0x7E
}

/// Event opcodes inside an `events` record.
public enum LanesOpcode {
    public static let end: UInt8 = 0x01
    public static let endWithError: UInt8 = 0x02
    public static let endWithCPU: UInt8 = 0x03
    public static let setTask: UInt8 = 0x04
    public static let setNextSpanID: UInt8 = 0x05
    public static let attribute: UInt8 = 0x06
    public static let job: UInt8 = 0x07
    public static let instant: UInt8 = 0x08
    public static let endWithStatus: UInt8 = 0x09
    public static let setFlags: UInt8 = 0x0A
    /// `0x40 | kind` (kind in bits 0–3), plus `0x20` when the span began on an executor thread,
    /// plus `0x10` when the span belongs to its parent's task (no task switch needed).
    public static let beginBase: UInt8 = 0x40
    public static let beginOnExecutorBit: UInt8 = 0x20
    public static let beginInheritsTaskBit: UInt8 = 0x10
    /// Opcodes from 0x80 up are followed by a varint length and skipped by readers that do not
    /// know them.
    public static let firstSkippable: UInt8 = 0x80

    // OpenTelemetry facts (issue 15's range, 0x90–0x9F; extension events, see `Traces/FORMAT.md`).
    /// A span's W3C ids, OpenTelemetry kind, flags, trace state and scope.
    public static let spanIdentity: UInt8 = 0x90
    /// An attribute with a typed value (bool, int, double, bytes, array, list, empty).
    public static let typedAttribute: UInt8 = 0x91
    /// A span event: a named point in time inside a span, with typed attributes.
    public static let spanEvent: UInt8 = 0x92
    /// A link to another span.
    public static let spanLink: UInt8 = 0x93
    /// A span's OpenTelemetry status and the counts its producer dropped.
    public static let spanStatus: UInt8 = 0x94
}
