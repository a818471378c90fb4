import LanesModel

/// A `pid` or `tid` as written: most producers write numbers, some write names.
enum ChromeIdentifier: Hashable, Sendable {
    case none
    case number(Int64)
    case name(String)
}

/// One Trace Event, with the fields Lanes reads. Times are nanoseconds (the format's
/// microseconds × 1000, exact to the nanosecond).
struct ChromeEvent {
    /// The phase letter (`X`, `B`, …); 0 when missing, 1 when longer than one letter.
    var phase: UInt8 = 0
    var name = ""
    var category = ""
    var timestamp: Int64 = 0
    var hasTimestamp = false
    /// The `ts` was present but not a number that fits.
    var timestampIsBad = false
    var duration: Int64 = 0
    /// Thread (CPU) duration, or -1.
    var threadDuration: Int64 = -1
    var process = ChromeIdentifier.none
    var thread = ChromeIdentifier.none
    /// The async id (`id`, or `id2` as "local:…"/"global:…"), if any.
    var asyncID: String?
    /// The async `scope`, if any.
    var scope = ""
    /// Lanes facts from `lanes.*` args (our own exports), if any.
    var facts: LanesFacts?
    /// The other args, in order.
    var arguments: [JSONMember] = []

    /// Reads the event object at the reader's position.
    static func read(from reader: inout JSONReader) throws(JSONSyntaxError) -> ChromeEvent {
        var event = ChromeEvent()
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            let length = key.end - key.start
            if length == 2 || key.hasEscapes {
                if reader.matches(key, "ph") { return try event.readPhase(&reader) }
                if reader.matches(key, "ts") {
                    event.hasTimestamp = true
                    if let value = try readMicroseconds(&reader) { event.timestamp = value } else { event.timestampIsBad = true }
                    return
                }
                if reader.matches(key, "id") { event.asyncID = try readIdentifierText(&reader); return }
            }
            if length == 3 || key.hasEscapes {
                if reader.matches(key, "dur") { event.duration = try readMicroseconds(&reader) ?? 0; return }
                if reader.matches(key, "pid") { event.process = try readIdentifier(&reader); return }
                if reader.matches(key, "tid") { event.thread = try readIdentifier(&reader); return }
                if reader.matches(key, "cat") { event.category = try readText(&reader); return }
                if reader.matches(key, "id2") { event.asyncID = try readScopedIdentifier(&reader); return }
            }
            if reader.matches(key, "name") { event.name = try readText(&reader); return }
            if reader.matches(key, "args") { return try event.readArguments(&reader) }
            if reader.matches(key, "tdur") { event.threadDuration = try readMicroseconds(&reader) ?? -1; return }
            if reader.matches(key, "scope") { event.scope = try readText(&reader); return }
            try reader.skipValue(depth: 1)
        }
        return event
    }

    private mutating func readPhase(_ reader: inout JSONReader) throws(JSONSyntaxError) {
        guard reader.peek() == UInt8(ascii: "\"") else {
            try reader.skipValue(depth: 1)
            phase = 1
            return
        }
        let raw = try reader.readRawString()
        phase = raw.end - raw.start == 1 && !raw.hasEscapes ? reader.bytes[raw.start] : 1
    }

    private mutating func readArguments(_ reader: inout JSONReader) throws(JSONSyntaxError) {
        guard reader.peek() == UInt8(ascii: "{") else {
            try reader.skipValue(depth: 1)
            return
        }
        var facts = self.facts
        var arguments: [JSONMember] = []
        try reader.readObject { (reader: inout JSONReader, key: JSONReader.RawString) throws(JSONSyntaxError) in
            if reader.startsWithLanesPrefix(key) {
                if facts == nil { facts = LanesFacts() }
                try facts?.read(key: key, from: &reader)
            } else {
                let name = reader.decode(key)
                arguments.append(JSONMember(key: name, value: try reader.readValue(depth: 2)))
            }
        }
        self.facts = facts
        self.arguments += arguments
    }

    /// A time in microseconds (a number or a numeric string) as nanoseconds; nil when it is
    /// not a number or does not fit.
    static func readMicroseconds(_ reader: inout JSONReader) throws(JSONSyntaxError) -> Int64? {
        switch reader.peek() ?? 0 {
        case UInt8(ascii: "\""):
            return JSONNumber(parsing: try reader.readString())?.scaled(byPowerOfTen: 3)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try reader.readNumber().scaled(byPowerOfTen: 3)
        default:
            try reader.skipValue(depth: 1)
            return nil
        }
    }

    /// A text field; numbers and other values are kept as their JSON text.
    static func readText(_ reader: inout JSONReader) throws(JSONSyntaxError) -> String {
        if reader.peek() == UInt8(ascii: "\"") { return try reader.readString() }
        let value = try reader.readValue(depth: 1)
        if case .null = value { return "" }
        return value.attributeText
    }

    static func readIdentifier(_ reader: inout JSONReader) throws(JSONSyntaxError) -> ChromeIdentifier {
        switch reader.peek() ?? 0 {
        case UInt8(ascii: "\""):
            let text = try reader.readString()
            if let number = JSONNumber(parsing: text)?.int64Value { return .number(number) }
            return .name(text)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try reader.readNumber().int64Value.map { .number($0) } ?? .none
        default:
            try reader.skipValue(depth: 1)
            return .none
        }
    }

    /// An `id`: numbers and strings alike become text ("0x1f" and 31 stay distinct, as in
    /// Chrome's own importer).
    static func readIdentifierText(_ reader: inout JSONReader) throws(JSONSyntaxError) -> String {
        if reader.peek() == UInt8(ascii: "\"") { return try reader.readString() }
        return try reader.readValue(depth: 1).attributeText
    }

    /// An `id2` object: `{"local": "0x1"}` (scoped to the process) or `{"global": "0x1"}`.
    static func readScopedIdentifier(_ reader: inout JSONReader) throws(JSONSyntaxError) -> String? {
        let value = try reader.readValue(depth: 1)
        if let local = value["local"] { return "local:" + local.attributeText }
        if let global = value["global"] { return "global:" + global.attributeText }
        return nil
    }
}
