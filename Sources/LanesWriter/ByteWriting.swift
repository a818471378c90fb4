import LanesModel

/// Little-endian and LEB128 encoding onto a byte array, as the format specifies.
extension Array where Element == UInt8 {
    /// Appends `value` as an unsigned LEB128 varint (7 bits a byte, low bits first).
    @inlinable
    package mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        append(UInt8(value))
    }

    /// Appends `value` zigzag-encoded (0, -1, 1, -2, … → 0, 1, 2, 3, …) as a varint.
    @inlinable
    package mutating func appendSignedVarint(_ value: Int64) {
        appendVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Appends a varint length and the UTF-8 bytes of `string`.
    package mutating func appendString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count))
            append(contentsOf: utf8)
        }
    }

    package mutating func appendLittleEndian(_ value: UInt32) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    package mutating func appendLittleEndian(_ value: UInt16) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    package mutating func appendLittleEndian(_ value: Int64) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

/// Frames payloads as records: marker, type, length, CRC-32C, payload. Both writers (the
/// streaming `LanesFileWriter` and the whole-trace `LanesTraceWriter`) build every record here,
/// so the layout in `Traces/FORMAT.md` is written in one place.
package enum RecordFraming {
    /// The magic, the version and the header record.
    package static func preamble(processName: String, processID: UInt32, clockAtStart: Int64, unixNanosecondsAtClock: Int64) -> [UInt8] {
        var bytes = LanesFileLayout.magic
        bytes.appendLittleEndian(LanesFileLayout.version)
        var header: [UInt8] = []
        header.appendLittleEndian(clockAtStart)
        header.appendLittleEndian(unixNanosecondsAtClock)
        header.appendLittleEndian(processID)
        header.appendString(processName)
        bytes.append(contentsOf: record(type: LanesRecordType.header.rawValue, payload: header))
        return bytes
    }

    /// `strings` records defining consecutive ids from `firstID`, at most 4,096 strings each.
    package static func strings(firstID: Int, _ strings: ArraySlice<String>) -> [UInt8] {
        var bytes: [UInt8] = []
        var start = strings.startIndex
        while start < strings.endIndex {
            let batch = strings[start..<min(strings.endIndex, start + 4096)]
            var payload: [UInt8] = []
            payload.appendVarint(UInt64(firstID + (start - strings.startIndex)))
            payload.appendVarint(UInt64(batch.count))
            for string in batch { payload.appendString(string) }
            bytes.append(contentsOf: record(type: LanesRecordType.strings.rawValue, payload: payload))
            start += batch.count
        }
        return bytes
    }

    /// The `thread` record saying writer `writerID` records on thread `threadID`.
    package static func thread(writerID: UInt32, threadID: UInt64, name: String, isExecutor: Bool) -> [UInt8] {
        var payload: [UInt8] = []
        payload.appendVarint(UInt64(writerID))
        payload.appendVarint(threadID)
        payload.append(isExecutor ? 1 : 0)
        payload.appendString(name)
        return record(type: LanesRecordType.thread.rawValue, payload: payload)
    }

    /// The `job capture` record: whether the global executor's jobs are recorded, on how many
    /// threads, and why not.
    package static func jobCapture(_ capture: JobCapture) -> [UInt8] {
        var payload: [UInt8] = []
        payload.append(capture.isCapturing ? 1 : 0)
        payload.appendVarint(UInt64(max(0, capture.width)))
        payload.appendString(capture.note)
        return record(type: LanesRecordType.jobCapture.rawValue, payload: payload)
    }

    /// `tasks` records (ids delta-coded) for `tasks`, at most 8,192 each.
    package static func tasks(_ tasks: [(id: UInt64, name: UInt32, parent: UInt64)]) -> [UInt8] {
        taskRecords(LanesRecordType.tasks, tasks, batch: 8192) { payload, name in payload.appendVarint(UInt64(name)) }
    }

    /// `namedTasks` records for tasks whose names are written inline, at most 4,096 each.
    package static func namedTasks(_ tasks: [(id: UInt64, name: String, parent: UInt64)]) -> [UInt8] {
        taskRecords(LanesRecordType.namedTasks, tasks, batch: 4096) { payload, name in payload.appendString(name) }
    }

    /// Records of `type` listing `tasks` (count, then id delta, name, parent for each), at most
    /// `batch` a record: the layout `tasks` and `named tasks` share, with the name written by
    /// `writeName`.
    private static func taskRecords<Name>(
        _ type: LanesRecordType, _ tasks: [(id: UInt64, name: Name, parent: UInt64)], batch: Int,
        writeName: (inout [UInt8], Name) -> Void
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        var start = 0
        while start < tasks.count {
            let entries = tasks[start..<min(tasks.count, start + batch)]
            var payload: [UInt8] = []
            payload.appendVarint(UInt64(entries.count))
            var previous: UInt64 = 0
            for task in entries {
                payload.appendSignedVarint(Int64(bitPattern: task.id &- previous))
                previous = task.id
                writeName(&payload, task.name)
                payload.appendVarint(task.parent)
            }
            bytes.append(contentsOf: record(type: type.rawValue, payload: payload))
            start += entries.count
        }
        return bytes
    }

    /// The `window` record of a flight-recorder dump: the times it covers and why it was written.
    package static func window(start: Int64, end: Int64, reason: String) -> [UInt8] {
        var payload: [UInt8] = []
        payload.appendSignedVarint(start)
        payload.appendSignedVarint(end)
        payload.appendString(reason)
        return record(type: LanesRecordType.window.rawValue, payload: payload)
    }

    /// The `dropped` record: writer `writerID` dropped `count` events by `time`.
    package static func dropped(writerID: UInt32, count: UInt64, time: Int64) -> [UInt8] {
        var payload: [UInt8] = []
        payload.appendVarint(UInt64(writerID))
        payload.appendVarint(count)
        payload.appendSignedVarint(time)
        return record(type: LanesRecordType.dropped.rawValue, payload: payload)
    }

    /// The footer record: the chunk index (offsets delta-coded) and the latest time.
    package static func footer(chunkOffsets: [Int], endTime: Int64) -> [UInt8] {
        var payload: [UInt8] = []
        payload.appendVarint(UInt64(chunkOffsets.count))
        var previous = 0
        for offset in chunkOffsets {
            payload.appendVarint(UInt64(offset - previous))
            previous = offset
        }
        payload.appendSignedVarint(endTime)
        return record(type: LanesRecordType.footer.rawValue, payload: payload)
    }

    /// The whole record for `payload`.
    package static func record(type: UInt8, payload: [UInt8]) -> [UInt8] {
        var record: [UInt8] = []
        record.reserveCapacity(LanesFileLayout.recordHeaderSize + payload.count)
        appendHeader(to: &record, type: type, payload: payload)
        record.append(contentsOf: payload)
        return record
    }

    /// Appends the 10-byte header for `payload`: marker, type, u32 length, u32 CRC-32C of
    /// (type, length, payload).
    package static func appendHeader(to record: inout [UInt8], type: UInt8, payload: [UInt8]) {
        appendHeader(to: &record, type: type, payloadParts: [payload])
    }

    /// The header for a payload made of `payloadParts` one after the other, so a caller can
    /// frame a payload without first joining it.
    package static func appendHeader(to record: inout [UInt8], type: UInt8, payloadParts: [[UInt8]]) {
        var covered: [UInt8] = [type]
        covered.appendLittleEndian(UInt32(payloadParts.reduce(0) { $0 + $1.count }))
        var crc = CRC32C.checksum(covered)
        for part in payloadParts {
            crc = part.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) }
        }
        record.append(LanesFileLayout.recordMarker)
        record.append(contentsOf: covered)
        record.appendLittleEndian(crc)
    }
}
