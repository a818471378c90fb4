/// One chunk's encoded events, taken from a `LanesChunkEncoder` and not yet framed as a record.
///
/// The recorder takes chunks on the app's threads and frames them (payload header, CRC-32C) on
/// its writer thread, so the checksum is not paid where spans are recorded.
package struct LanesEncodedChunk: Sendable {
    let writerID: UInt32
    let sequence: UInt64
    let baseTime: Int64
    let firstSpanID: UInt64
    /// The latest time any event of the chunk carries (a job's end included): a flight recorder
    /// drops the chunk once this falls out of its window.
    package let latestTime: Int64
    /// The number of events in the chunk.
    package let eventCount: Int
    let events: [UInt8]

    /// Bytes the chunk takes in memory, about what its record takes in the file.
    package var byteCount: Int { events.count + 48 }

    /// The framed, checksummed `events` record (layout in `Traces/FORMAT.md`).
    package func framedRecord() -> [UInt8] {
        var record: [UInt8] = []
        record.reserveCapacity(LanesFileLayout.recordHeaderSize + 40 + events.count)
        appendFramedRecord(to: &record)
        return record
    }

    /// Appends the framed record to `output`, copying the events once (the writer thread
    /// frames every chunk of a recording, so copies count).
    package func appendFramedRecord(to output: inout [UInt8]) {
        var prefix: [UInt8] = []
        prefix.reserveCapacity(40)
        prefix.appendVarint(UInt64(writerID))
        prefix.appendVarint(sequence)
        prefix.appendSignedVarint(baseTime)
        prefix.appendVarint(firstSpanID)
        prefix.appendVarint(UInt64(eventCount))
        RecordFraming.appendHeader(to: &output, type: LanesRecordType.events.rawValue, payloadParts: [prefix, events])
        output.append(contentsOf: prefix)
        output.append(contentsOf: events)
    }
}
