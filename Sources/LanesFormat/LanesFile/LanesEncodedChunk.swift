/// One chunk's encoded events, taken from a `LanesChunkEncoder` and not yet framed as a record.
///
/// The recorder takes chunks on the app's threads and frames them (payload header, CRC-32C) on
/// its writer thread, so the checksum is not paid where spans are recorded.
public struct LanesEncodedChunk: Sendable {
    let writerID: UInt32
    let sequence: UInt64
    let baseTime: Int64
    let firstSpanID: UInt64
    /// The number of events in the chunk.
    public let eventCount: Int
    let events: [UInt8]

    /// Bytes the chunk takes in memory, about what its record takes in the file.
    public var byteCount: Int { events.count + 48 }

    /// The framed, checksummed `events` record (layout in `Traces/FORMAT.md`).
    public func framedRecord() -> [UInt8] {
        var payload: [UInt8] = []
        payload.reserveCapacity(events.count + 40)
        payload.appendVarint(UInt64(writerID))
        payload.appendVarint(sequence)
        payload.appendSignedVarint(baseTime)
        payload.appendVarint(firstSpanID)
        payload.appendVarint(UInt64(eventCount))
        payload.append(contentsOf: events)
        return RecordFraming.record(type: LanesRecordType.events.rawValue, payload: payload)
    }
}
