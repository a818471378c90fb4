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
    case events = 0x10
    /// Whether the recording captured the global executor's jobs (an extension, see FORMAT.md).
    case jobCapture = 0x20
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
    /// A job that also says which task enqueued it (job capture); see `Traces/FORMAT.md`.
    package static let jobWithEnqueuer: UInt8 = 0x81
}
