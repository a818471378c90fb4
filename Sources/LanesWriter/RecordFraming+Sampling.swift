import LanesModel

/// The watchdog's records (`Traces/FORMAT.md` §4.12–4.16): loaded images, call stacks, symbols
/// and the watchdog's settings. Both writers and the symbols appender build them here.
extension RecordFraming {
    /// The most frames a stack may have in a file; readers drop longer ones as damage.
    package static let maximumStackFrames = 1024
    /// The longest build id kept (GNU build ids are 20 bytes; 64 leaves room for other hashes).
    package static let maximumBuildIDBytes = 64

    /// An `images` record.
    package static func images(_ images: [LoadedImage]) -> [UInt8] {
        var payload: [UInt8] = []
        payload.appendVarint(UInt64(images.count))
        for image in images {
            payload.appendVarint(image.base)
            payload.appendVarint(image.textStart)
            payload.appendVarint(image.textEnd)
            let buildID = image.buildID.prefix(maximumBuildIDBytes)
            payload.appendVarint(UInt64(buildID.count))
            payload.append(contentsOf: buildID)
            payload.appendVarint(image.fileSize)
            payload.appendSignedVarint(image.fileModifiedNanoseconds)
            payload.appendString(image.path)
        }
        return record(type: LanesRecordType.images.rawValue, payload: payload)
    }

    /// A `stacks` record defining stacks `firstID`, `firstID + 1`, …: each the frames as
    /// sampled (program counter first, then return addresses), delta-coded.
    package static func stacks(firstID: UInt64, _ stacks: [[UInt64]]) -> [UInt8] {
        var payload: [UInt8] = []
        payload.appendVarint(firstID)
        payload.appendVarint(UInt64(stacks.count))
        for frames in stacks {
            let kept = frames.prefix(maximumStackFrames)
            payload.appendVarint(UInt64(kept.count))
            var previous: UInt64 = 0
            for frame in kept {
                payload.appendSignedVarint(Int64(bitPattern: frame &- previous))
                previous = frame
            }
        }
        return record(type: LanesRecordType.stacks.rawValue, payload: payload)
    }

    /// A `symbols` record: for each code address (as `StackTable` keeps them), its source
    /// locations, innermost first; strings in a table local to the record.
    package static func symbols(_ entries: [(address: UInt64, locations: ArraySlice<SymbolLocation>)], notes: [String]) -> [UInt8] {
        var strings: [String] = []
        var stringIndex: [String: UInt64] = [:]
        func index(_ string: String) -> UInt64 {
            if let known = stringIndex[string] { return known }
            let index = UInt64(strings.count)
            strings.append(string)
            stringIndex[string] = index
            return index
        }
        var body: [UInt8] = []
        body.appendVarint(UInt64(notes.count))
        for note in notes { body.appendVarint(index(note)) }
        body.appendVarint(UInt64(entries.count))
        for entry in entries {
            body.appendVarint(entry.address)
            body.appendVarint(UInt64(entry.locations.count))
            for location in entry.locations {
                body.appendVarint(index(location.function))
                body.appendVarint(index(location.file))
                body.appendVarint(UInt64(max(0, location.line)))
                body.append(location.isAppCode ? 1 : 0)
            }
        }
        var payload: [UInt8] = []
        payload.appendVarint(UInt64(strings.count))
        for string in strings { payload.appendString(string) }
        payload.append(contentsOf: body)
        return record(type: LanesRecordType.symbols.rawValue, payload: payload)
    }

    /// The symbols record for a trace's `sampling.symbols`.
    package static func symbols(of sampling: Sampling) -> [UInt8]? {
        guard let symbols = sampling.symbols else { return nil }
        let entries = sampling.stacks.addresses.indices.compactMap { address -> (UInt64, ArraySlice<SymbolLocation>)? in
            let locations = symbols.locations(ofAddress: address)
            return locations.isEmpty ? nil : (sampling.stacks.addresses[address], locations)
        }
        return Self.symbols(entries.map { (address: $0.0, locations: $0.1) }, notes: symbols.notes)
    }

    /// A `watchdog` record.
    package static func watchdog(_ settings: WatchdogSettings) -> [UInt8] {
        var payload: [UInt8] = []
        payload.append(settings.isOn ? 1 : 0)
        payload.appendVarint(UInt64(max(0, settings.firstSampleNanoseconds)))
        payload.appendVarint(UInt64(max(0, settings.intervalNanoseconds)))
        payload.appendVarint(UInt64(max(0, settings.signal)))
        payload.appendString(settings.note)
        return record(type: LanesRecordType.watchdog.rawValue, payload: payload)
    }
}

extension LanesFileWriter {
    /// Records loaded images (the watchdog's, so stacks can be symbolicated later).
    package func defineImages(_ images: [LoadedImage]) throws(TraceFileError) {
        guard !images.isEmpty else { return }
        try append(framedRecord: RecordFraming.images(images))
    }

    /// Defines call stacks with consecutive ids from `firstID` (≥ 1): each the frames as
    /// sampled, program counter first, then return addresses.
    package func defineStacks(firstID: UInt64, _ stacks: [[UInt64]]) throws(TraceFileError) {
        guard !stacks.isEmpty else { return }
        try append(framedRecord: RecordFraming.stacks(firstID: firstID, stacks))
    }

    /// Records the watchdog's settings.
    package func noteWatchdog(_ settings: WatchdogSettings) throws(TraceFileError) {
        try append(framedRecord: RecordFraming.watchdog(settings))
    }
}
