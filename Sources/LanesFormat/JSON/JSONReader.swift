/// A fast, tolerant pull reader over UTF-8 JSON bytes.
///
/// Callers drive it value by value (`readString`, `readNumber`, `readValue`, `skipValue`), so
/// an importer can read a million events without building a tree of the whole file, and can
/// keep everything read before a cut-off or damaged spot. It never allocates from a size in
/// the input, nests at most `maximumDepth` deep, and accepts a few things strict JSON does not:
/// raw control characters inside strings and invalid UTF-8 (replaced by U+FFFD).
///
/// The reader borrows `bytes`: use it only inside the `withUnsafeBufferPointer` that made them.
struct JSONReader {
    /// The deepest nesting of arrays and objects accepted.
    static let maximumDepth = 128

    let bytes: UnsafeBufferPointer<UInt8>
    /// The offset of the next byte to read.
    var position: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// Whether every byte has been read.
    var isAtEnd: Bool { position >= bytes.count }

    /// Skips spaces, tabs, newlines and carriage returns.
    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    /// Skips a UTF-8 byte order mark at the current position.
    mutating func skipByteOrderMark() {
        if position + 2 < bytes.count, bytes[position] == 0xEF, bytes[position + 1] == 0xBB, bytes[position + 2] == 0xBF {
            position += 3
        }
    }

    /// The next non-whitespace byte, without consuming it; nil at the end.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// Consumes `byte` (after whitespace) if it is next; says whether it was.
    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if position < bytes.count, bytes[position] == byte {
            position += 1
            return true
        }
        return false
    }

    /// Consumes `byte` (after whitespace) or throws, naming `context`. Inlined for the common
    /// case of the byte right there (importers call it for every `:` and `,`).
    @inline(__always)
    mutating func expect(_ byte: UInt8, _ context: String) throws(JSONSyntaxError) {
        if position < bytes.count, bytes[position] == byte {
            position += 1
            return
        }
        try expectAfterWhitespace(byte, context)
    }

    private mutating func expectAfterWhitespace(_ byte: UInt8, _ context: String) throws(JSONSyntaxError) {
        skipWhitespace()
        guard position < bytes.count else { throw endOfInput() }
        guard bytes[position] == byte else {
            throw JSONSyntaxError(
                offset: position, message: "expected '\(Character(Unicode.Scalar(byte)))' \(context)", isEndOfInput: false)
        }
        position += 1
    }

    func endOfInput() -> JSONSyntaxError {
        JSONSyntaxError(offset: bytes.count, message: "unexpected end of input", isEndOfInput: true)
    }

    func unexpected(_ what: String) -> JSONSyntaxError {
        if position >= bytes.count { return endOfInput() }
        return JSONSyntaxError(offset: position, message: what, isEndOfInput: false)
    }

    // MARK: Strings

    /// A string's bytes in the input, between its quotes, still escaped.
    struct RawString {
        var start: Int
        var end: Int
        var hasEscapes: Bool
    }

    /// Reads a string without decoding it (the cheap way to read object keys).
    @inline(__always)
    mutating func readRawString() throws(JSONSyntaxError) -> RawString {
        skipWhitespace()
        guard position < bytes.count else { throw endOfInput() }
        guard bytes[position] == UInt8(ascii: "\"") else { throw unexpected("expected a string") }
        position += 1
        let start = position
        var hasEscapes = false
        while position < bytes.count {
            // Eight bytes at a time up to the first quote or backslash (SWAR: a byte equal to
            // either makes its lane of `found` non-zero; lanes after the first may be wrong,
            // which does not matter).
            while position + 8 <= bytes.count {
                let word = UnsafeRawPointer(bytes.baseAddress.unsafelyUnwrapped + position).loadUnaligned(as: UInt64.self).littleEndian
                let quote = word ^ 0x2222_2222_2222_2222
                let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
                let found = ((quote &- 0x0101_0101_0101_0101) & ~quote | (backslash &- 0x0101_0101_0101_0101) & ~backslash)
                    & 0x8080_8080_8080_8080
                if found != 0 {
                    position += found.trailingZeroBitCount >> 3
                    break
                }
                position += 8
            }
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return RawString(start: start, end: position - 1, hasEscapes: hasEscapes)
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                position += 2
            } else {
                position += 1
            }
        }
        throw endOfInput()
    }

    /// Whether `raw` spells exactly `literal` (an ASCII key).
    @inline(__always)
    func matches(_ raw: RawString, _ literal: StaticString) -> Bool {
        if raw.hasEscapes { return decode(raw) == literal.description }
        let count = literal.utf8CodeUnitCount
        guard raw.end - raw.start == count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[raw.start + offset] != pointer[offset] { return false }
        return true
    }

    /// Whether `raw` (unescaped) starts with `lanes.`, the prefix of Lanes' own argument keys.
    @inline(__always)
    func startsWithLanesPrefix(_ raw: RawString) -> Bool {
        if raw.hasEscapes { return decode(raw).hasPrefix("lanes.") }
        guard raw.end - raw.start > 6 else { return false }
        return bytes[raw.start] == UInt8(ascii: "l") && bytes[raw.start + 1] == UInt8(ascii: "a")
            && bytes[raw.start + 2] == UInt8(ascii: "n") && bytes[raw.start + 3] == UInt8(ascii: "e")
            && bytes[raw.start + 4] == UInt8(ascii: "s") && bytes[raw.start + 5] == UInt8(ascii: ".")
    }

    /// The text of `raw`, with escapes decoded (`\uXXXX` surrogate pairs joined; lone
    /// surrogates and invalid UTF-8 become U+FFFD).
    func decode(_ raw: RawString) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[raw.start..<raw.end])
        if !raw.hasEscapes { return String(decoding: slice, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(slice.count)
        var index = 0
        func appendScalar(_ value: UInt32) {
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
        func hexValue(at offset: Int) -> UInt32? {
            guard offset + 4 <= slice.count else { return nil }
            var value: UInt32 = 0
            for byte in slice[offset..<(offset + 4)] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < slice.count {
            let byte = slice[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < slice.count else {
                output.append(byte)
                index += 1
                continue
            }
            let escape = slice[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "u"):
                guard let unit = hexValue(at: index) else { appendScalar(0xFFFD); continue }
                index += 4
                if unit >= 0xD800, unit < 0xDC00 {
                    // A high surrogate: joined with the low surrogate that should follow.
                    if index + 1 < slice.count, slice[index] == UInt8(ascii: "\\"), slice[index + 1] == UInt8(ascii: "u"),
                       let low = hexValue(at: index + 2), low >= 0xDC00, low < 0xE000 {
                        index += 6
                        appendScalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    } else {
                        appendScalar(0xFFFD)
                    }
                } else {
                    appendScalar(unit)  // A lone low surrogate is not a scalar: U+FFFD.
                }
            default: output.append(escape)  // \" \\ \/ and anything unknown: the character itself.
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Reads a string and decodes it.
    mutating func readString() throws(JSONSyntaxError) -> String {
        decode(try readRawString())
    }

    // MARK: Numbers and literals

    /// Reads a number.
    mutating func readNumber() throws(JSONSyntaxError) -> JSONNumber {
        skipWhitespace()
        guard position < bytes.count else { throw endOfInput() }
        let start = position
        guard let number = JSONNumber.parse(bytes, at: &position) else { throw unexpected("expected a number") }
        // A number that runs into the end of the input may have been cut short.
        if position == bytes.count, position > start { throw endOfInput() }
        return number
    }

    mutating func readLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        let pointer = literal.utf8Start
        for offset in 0..<count {
            guard position + offset < bytes.count else { throw endOfInput() }
            guard bytes[position + offset] == pointer[offset] else { throw unexpected("expected a JSON value") }
        }
        position += count
    }

    // MARK: Whole values

    /// Reads any value into a `JSONValue` (nesting deeper than `maximumDepth` throws).
    mutating func readValue(depth: Int = 0) throws(JSONSyntaxError) -> JSONValue {
        guard let byte = peek() else { throw endOfInput() }
        switch byte {
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw unexpected("nested deeper than \(Self.maximumDepth) levels") }
            position += 1
            var members: [JSONMember] = []
            if consume(UInt8(ascii: "}")) { return .object(members) }
            while true {
                let key = try readString()
                try expect(UInt8(ascii: ":"), "after an object key")
                members.append(JSONMember(key: key, value: try readValue(depth: depth + 1)))
                if consume(UInt8(ascii: ",")) { continue }
                try expect(UInt8(ascii: "}"), "or ',' in an object")
                return .object(members)
            }
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw unexpected("nested deeper than \(Self.maximumDepth) levels") }
            position += 1
            var elements: [JSONValue] = []
            if consume(UInt8(ascii: "]")) { return .array(elements) }
            while true {
                elements.append(try readValue(depth: depth + 1))
                if consume(UInt8(ascii: ",")) { continue }
                try expect(UInt8(ascii: "]"), "or ',' in an array")
                return .array(elements)
            }
        case UInt8(ascii: "t"): try readLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try readLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try readLiteral("null"); return .null
        default: return .number(try readNumber())
        }
    }

    /// Skips any value without building it (nesting deeper than `maximumDepth` throws).
    mutating func skipValue(depth: Int = 0) throws(JSONSyntaxError) {
        guard let byte = peek() else { throw endOfInput() }
        switch byte {
        case UInt8(ascii: "\""): _ = try readRawString()
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw unexpected("nested deeper than \(Self.maximumDepth) levels") }
            position += 1
            if consume(UInt8(ascii: "}")) { return }
            while true {
                _ = try readRawString()
                try expect(UInt8(ascii: ":"), "after an object key")
                try skipValue(depth: depth + 1)
                if consume(UInt8(ascii: ",")) { continue }
                try expect(UInt8(ascii: "}"), "or ',' in an object")
                return
            }
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw unexpected("nested deeper than \(Self.maximumDepth) levels") }
            position += 1
            if consume(UInt8(ascii: "]")) { return }
            while true {
                try skipValue(depth: depth + 1)
                if consume(UInt8(ascii: ",")) { continue }
                try expect(UInt8(ascii: "]"), "or ',' in an array")
                return
            }
        case UInt8(ascii: "t"): try readLiteral("true")
        case UInt8(ascii: "f"): try readLiteral("false")
        case UInt8(ascii: "n"): try readLiteral("null")
        default: _ = try readNumber()
        }
    }

    /// Reads the members of the object that starts here, calling `body` with each key; `body`
    /// must read or skip the member's value.
    @inline(__always)
    mutating func readObject(
        _ body: (inout JSONReader, RawString) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        try expect(UInt8(ascii: "{"), "to start an object")
        if consume(UInt8(ascii: "}")) { return }
        while true {
            let key = try readRawString()
            try expect(UInt8(ascii: ":"), "after an object key")
            try body(&self, key)
            if consume(UInt8(ascii: ",")) { continue }
            try expect(UInt8(ascii: "}"), "or ',' in an object")
            return
        }
    }
}
