import LanesModel
import LanesWriter

/// Decoding the watchdog's records and sample events (`Traces/FORMAT.md` §4.12–4.16). Counts
/// are checked against the bytes left before anything is allocated from them.
extension LanesFileDecoder {
    mutating func decodeImages(_ cursor: inout ByteCursor) {
        guard let count = cursor.readVarint(), count <= UInt64(cursor.remaining) else { return noteUndecodable() }
        for _ in 0..<count {
            guard let base = cursor.readVarint(), let textStart = cursor.readVarint(), let textEnd = cursor.readVarint(),
                  let buildIDLength = cursor.readVarint(), buildIDLength <= UInt64(RecordFraming.maximumBuildIDBytes),
                  let buildID = cursor.readBytes(Int(buildIDLength)), let fileSize = cursor.readVarint(),
                  let modified = cursor.readSignedVarint(), let path = cursor.readString()
            else { return noteUndecodable() }
            builder.addImage(LoadedImage(
                path: path, base: base, textStart: textStart, textEnd: max(textStart, textEnd), buildID: buildID,
                fileSize: fileSize, fileModifiedNanoseconds: modified))
        }
    }

    mutating func decodeStacks(_ cursor: inout ByteCursor) {
        guard let first = cursor.readVarint(), let count = cursor.readVarint(),
              first >= 1, first <= UInt64(fileStacks.count), count <= UInt64(cursor.remaining)
        else { return noteUndecodable() }
        var id = Int(first)
        var frames: [UInt64] = []
        for _ in 0..<count {
            guard let frameCount = cursor.readVarint(), frameCount <= UInt64(RecordFraming.maximumStackFrames),
                  frameCount <= UInt64(cursor.remaining)
            else { return noteUndecodable() }
            frames.removeAll(keepingCapacity: true)
            var address: UInt64 = 0
            for _ in 0..<frameCount {
                guard let delta = cursor.readSignedVarint() else { return noteUndecodable() }
                address = address &+ UInt64(bitPattern: delta)
                frames.append(address)
            }
            let stack = builder.addStack(sampledFrames: frames)
            if id < fileStacks.count { fileStacks[id] = stack } else { fileStacks.append(stack) }
            id += 1
        }
    }

    mutating func decodeSymbols(_ cursor: inout ByteCursor) {
        guard let stringCount = cursor.readVarint(), stringCount <= UInt64(cursor.remaining) else { return noteUndecodable() }
        var strings: [String] = []
        strings.reserveCapacity(Int(stringCount))
        for _ in 0..<stringCount {
            guard let string = cursor.readString() else { return noteUndecodable() }
            strings.append(string)
        }
        func text(_ index: UInt64?) -> String? {
            guard let index, index < UInt64(strings.count) else { return nil }
            return strings[Int(index)]
        }
        guard let noteCount = cursor.readVarint(), noteCount <= UInt64(cursor.remaining) else { return noteUndecodable() }
        for _ in 0..<noteCount {
            guard let note = text(cursor.readVarint()) else { return noteUndecodable() }
            builder.addSymbolNote(note)
        }
        guard let entryCount = cursor.readVarint(), entryCount <= UInt64(cursor.remaining) else { return noteUndecodable() }
        var locations: [SymbolLocation] = []
        for _ in 0..<entryCount {
            guard let address = cursor.readVarint(), let locationCount = cursor.readVarint(),
                  locationCount <= UInt64(cursor.remaining)
            else { return noteUndecodable() }
            locations.removeAll(keepingCapacity: true)
            for _ in 0..<locationCount {
                guard let function = text(cursor.readVarint()), let file = text(cursor.readVarint()),
                      let line = cursor.readVarint(), let flags = cursor.readByte()
                else { return noteUndecodable() }
                locations.append(SymbolLocation(
                    function: function, file: file, line: Int(min(line, UInt64(Int32.max))), isAppCode: flags & 1 != 0))
            }
            builder.addSymbols(address: address, locations: locations)
        }
        builder.markSymbolicated()
    }

    mutating func decodeWatchdog(_ cursor: inout ByteCursor) {
        guard let flags = cursor.readByte(), let first = cursor.readVarint(), let interval = cursor.readVarint(),
              let signal = cursor.readVarint(), let note = cursor.readString()
        else { return noteUndecodable() }
        builder.metadata.watchdog = WatchdogSettings(
            isOn: flags & 1 != 0, firstSampleNanoseconds: Int64(min(first, UInt64(Int64.max))),
            intervalNanoseconds: Int64(min(interval, UInt64(Int64.max))), signal: Int(min(signal, 1 << 16)), note: note)
    }

    /// A `sample` event's body (its length already read and checked).
    mutating func decodeSample(_ body: inout ByteCursor, _ state: ChunkState) {
        guard let threadID = body.readVarint(), let taskID = body.readVarint(), let offset = body.readSignedVarint(),
              let sinceJobStart = body.readVarint(), let letter = body.readByte(), let flags = body.readByte(),
              let cpu = body.readVarint(), let runQueue = body.readVarint(), let stackID = body.readVarint()
        else { undecodableExtensions += 1; return }
        let time = state.time &+ offset
        let stack = stackID > 0 && stackID < UInt64(fileStacks.count) ? fileStacks[Int(stackID)] : -1
        if stackID > 0 && stack < 0 { missingStacks += 1 }
        builder.addSample(ThreadSample(
            time: time, jobStarted: time &- Int64(truncatingIfNeeded: sinceJobStart),
            thread: builder.thread(id: threadID), task: taskID == 0 ? -1 : taskIndex(ofID: taskID),
            state: letter, flags: SampleFlags(rawValue: flags),
            cpuNanoseconds: Int64(truncatingIfNeeded: cpu), runQueueNanoseconds: Int64(truncatingIfNeeded: runQueue),
            stack: stack))
        latestTime = max(latestTime, time)
    }
}
