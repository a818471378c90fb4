/// Reading a Chrome event array: the assembler the events go to, and the damage skipped so far.
///
/// A damaged event (a flipped byte, a line cut out) is skipped to the next event boundary, an
/// object after a `,` or `[` that reads whole and has a phase, so one bad byte loses one event
/// rather than the rest of the file. The search reads at most a few times the file's size in
/// all, so hostile input cannot make it slow.
struct EventArrayReading {
    var assembler: ChromeTraceAssembler
    /// Bytes the searches for the next whole event may still read.
    var searchBudget: Int
    /// Events skipped as damaged (each damaged stretch and each candidate that did not read).
    var skippedEvents = 0
    /// Where the first damage was noticed, or -1.
    var firstDamageOffset = -1

    init(assembler: ChromeTraceAssembler, byteCount: Int) {
        self.assembler = assembler
        searchBudget = max(1 << 20, 4 * byteCount)
    }

    /// One line for the skipped events, if any.
    var skippedWarning: TraceReadWarning? {
        guard skippedEvents > 0 else { return nil }
        let place = skippedEvents == 1 ? "at byte \(groupedCount(firstDamageOffset))" : "(the first at byte \(groupedCount(firstDamageOffset)))"
        return TraceReadWarning("skipped \(counted(skippedEvents, "damaged event")) \(place); read on after each")
    }

    /// Whether the `]` at the reader's position closes the event array: only white space
    /// follows it in a bare array, and `}` or `,` and a key inside the trace object.
    func closesArray(_ reader: JSONReader, insideObject: Bool) -> Bool {
        var probe = reader
        probe.position += 1
        guard let next = probe.peek() else { return true }
        guard insideObject else { return false }
        if next == UInt8(ascii: "}") { return true }
        guard next == UInt8(ascii: ",") else { return false }
        probe.position += 1
        return probe.peek() == UInt8(ascii: "\"") || probe.peek() == nil
    }

    /// Skips damage noticed as `cause`, searching from `start` for the next event that reads
    /// whole; adds it and returns nil with the reader after it. When none follows, returns how
    /// reading ends. `inSeparator`: the damage is where a `,` between events belongs, so an
    /// event may begin right after it. `strayClose`: the damage is a `]` followed by more than
    /// the format allows, which ends reading cleanly if no event follows (junk after the array).
    mutating func skipDamage(
        _ reader: inout JSONReader, from start: Int, cause: JSONSyntaxError, inSeparator: Bool = false, strayClose: Bool = false
    ) -> ChromeTraceImporter.Stop? {
        // When no event follows, "stopped after" says it all: the stretch is not counted twice.
        let counted = (skippedEvents, firstDamageOffset)
        if !strayClose {
            skippedEvents += 1
            if firstDamageOffset < 0 { firstDamageOffset = min(cause.offset, reader.bytes.count) }
        }
        var candidate = start
        var afterSeparator = inSeparator || strayClose
        while let found = Self.nextEventStart(reader.bytes, from: candidate, afterSeparator: afterSeparator) {
            afterSeparator = false
            var probe = reader
            probe.position = found
            do {
                let event = try ChromeEvent.read(from: &probe)
                if event.phase != 0 {
                    // After a stray `]`, anything between it and this event was an event too.
                    if strayClose, skippedEvents == counted.0, found != Self.firstNonSpace(reader.bytes, from: start) {
                        skippedEvents += 1
                        if firstDamageOffset < 0 { firstDamageOffset = min(cause.offset, reader.bytes.count) }
                    }
                    reader.position = probe.position
                    assembler.add(event)
                    return nil
                }
            } catch {
                // Not an event, or damaged too: counted, and the search goes on.
            }
            searchBudget -= probe.position - found
            if searchBudget < 0 {
                (skippedEvents, firstDamageOffset) = counted
                return .damaged(cause)
            }
            skippedEvents += 1
            if firstDamageOffset < 0 { firstDamageOffset = found }
            candidate = found + 1
        }
        (skippedEvents, firstDamageOffset) = counted
        return strayClose ? .closed : .damaged(cause)
    }

    /// The offset of the first byte at or after `start` that is not white space.
    static func firstNonSpace(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var position = start
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x0D || bytes[position] == 0x09 {
            position += 1
        }
        return position
    }

    /// The offset of the next `{` at or after `start` whose previous byte other than white space
    /// is `,` or `[` (where an event may begin), or nil. `afterSeparator`: take the bytes before
    /// `start` as a `,`.
    static func nextEventStart(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, afterSeparator: Bool = false) -> Int? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        // The byte before `start` other than white space (looking back a little only).
        var previous: UInt8 = afterSeparator ? UInt8(ascii: ",") : 0
        var back = start - 1
        while !afterSeparator, back >= 0, back >= start - 64 {
            if !isSpace(bytes[back]) { previous = bytes[back]; break }
            back -= 1
        }
        var position = max(0, start)
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "{"), previous == UInt8(ascii: ",") || previous == UInt8(ascii: "[") { return position }
            if !isSpace(byte) { previous = byte }
            position += 1
        }
        return nil
    }
}
