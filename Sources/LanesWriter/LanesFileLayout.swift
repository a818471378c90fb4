/// Constants of the `.lanes` file layout. `Traces/FORMAT.md` is the specification; this file
/// mirrors it and must change only with it.
package enum LanesFileLayout {
    /// The first ten bytes of every `.lanes` file. The high byte, CR LF, ^Z and LF catch
    /// transfers that altered line endings or stripped the eighth bit, as PNG's signature does.
    package static let magic: [UInt8] = [0x89, 0x4C, 0x41, 0x4E, 0x45, 0x53, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The format version written after the magic (little-endian u16).
    package static let version: UInt16 = 1
    /// The byte that starts every record; readers resynchronise on it after damage.
    package static let recordMarker: UInt8 = 0xF7
    /// Marker, type, length (u32) and checksum (u32).
    package static let recordHeaderSize = 10
    /// The largest record payload a reader accepts; anything larger is damage.
    package static let maximumRecordPayload = 16 << 20
    /// The chunk payload size writers aim for before starting a new chunk.
    package static let preferredChunkPayload = 64 << 10
}

/// Record types (the byte after the marker).
package enum LanesRecordType: UInt8, Sendable {
    case header = 0x01
    case strings = 0x02
    case thread = 0x03
    case tasks = 0x04
    case dropped = 0x05
    /// Tasks whose names are written inline rather than as string ids (issue 16's range 0x40–0x4F).
    case namedTasks = 0x40
    /// The span of time a flight-recorder dump holds and what triggered it.
    case window = 0x41
    case events = 0x10
    /// Whether the recording captured the global executor's jobs (an extension, see FORMAT.md).
    case jobCapture = 0x20
    /// The watchdog's records (extensions, see FORMAT.md): loaded images, call stacks, symbols
    /// added after the recording, and the watchdog's settings.
    case images = 0x21
    case stacks = 0x22
    case symbols = 0x23
    case watchdog = 0x24
    // OpenTelemetry facts (issue 15's range, 0x30–0x3F; see `Traces/FORMAT.md` §4.17–4.18).
    /// A resource (a service) and its typed attributes.
    case resource = 0x30
    /// An instrumentation scope within a resource.
    case scope = 0x31
    case footer = 0x7E
}

/// Event opcodes inside an `events` record.
package enum LanesOpcode {
    package static let end: UInt8 = 0x01
    package static let endWithError: UInt8 = 0x02
    package static let endWithCPU: UInt8 = 0x03
    package static let setTask: UInt8 = 0x04
    package static let setNextSpanID: UInt8 = 0x05
    package static let attribute: UInt8 = 0x06
    package static let job: UInt8 = 0x07
    package static let instant: UInt8 = 0x08
    package static let endWithStatus: UInt8 = 0x09
    package static let setFlags: UInt8 = 0x0A
    /// `0x40 | kind` (kind in bits 0–3), plus `0x20` when the span began on an executor thread,
    /// plus `0x10` when the span belongs to its parent's task (no task switch needed).
    package static let beginBase: UInt8 = 0x40
    package static let beginOnExecutorBit: UInt8 = 0x20
    package static let beginInheritsTaskBit: UInt8 = 0x10
    /// Opcodes from 0x80 up are followed by a varint length and skipped by readers that do not
    /// know them.
    package static let firstSkippable: UInt8 = 0x80
    /// Extension `A0`: an attribute whose key and value are written inline (not interned).
    package static let inlineAttribute: UInt8 = 0xA0
    /// Extension `A1`: the name of a span begun with name 0, written inline.
    package static let inlineName: UInt8 = 0xA1
    /// A job that also says which task enqueued it (job capture); see `Traces/FORMAT.md`.
    package static let jobWithEnqueuer: UInt8 = 0x81
    /// A watchdog sample of an executor thread (an extension event; see `Traces/FORMAT.md`).
    package static let sample: UInt8 = 0x82

    // OpenTelemetry facts (issue 15's range, 0x90–0x9F; extension events, see `Traces/FORMAT.md`).
    /// A span's W3C ids, OpenTelemetry kind, flags, trace state and scope.
    package static let spanIdentity: UInt8 = 0x90
    /// An attribute with a typed value (bool, int, double, bytes, array, list, empty).
    package static let typedAttribute: UInt8 = 0x91
    /// A span event: a named point in time inside a span, with typed attributes.
    package static let spanEvent: UInt8 = 0x92
    /// A link to another span.
    package static let spanLink: UInt8 = 0x93
    /// A span's OpenTelemetry status and the counts its producer dropped.
    package static let spanStatus: UInt8 = 0x94
}
