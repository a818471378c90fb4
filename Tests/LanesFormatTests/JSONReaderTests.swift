import Testing
@testable import LanesFormat

@Suite("JSON reader and writer")
struct JSONReaderTests {
    static func number(_ text: String) throws -> JSONNumber {
        try #require(JSONNumber(parsing: text))
    }

    @Test("microseconds become nanoseconds exactly, rounding beyond the third decimal", arguments: [
        ("1.5", Int64(1_500)), ("0.001", 1), ("1732000000000100.123", 1_732_000_000_000_100_123),
        ("-2.25", -2_250), ("12.5e-1", 1_250), ("1e3", 1_000_000), ("0.0004", 0), ("0.0005", 1),
        ("-0.0005", -1), ("7", 7_000), ("0.1e-400", 0), ("00012.000", 12_000),
    ])
    func microsecondsToNanoseconds(text: String, nanoseconds: Int64) throws {
        #expect(try Self.number(text).scaled(byPowerOfTen: 3) == nanoseconds)
    }

    @Test("numbers too large for 64 bits are reported, not wrapped", arguments: ["1e400", "9223372036854775808", "99999999999999999999.5"])
    func overflow(text: String) throws {
        #expect(try Self.number(text).int64Value == nil)
    }

    @Test("numeric strings read as numbers; other strings do not")
    func numericStrings() {
        #expect(JSONValue.string("12.5").numberValue?.scaled(byPowerOfTen: 1) == 125)
        #expect(JSONValue.string(" 7 ").numberValue?.int64Value == 7)
        #expect(JSONValue.string("12abc").numberValue == nil)
        #expect(JSONValue.string("").numberValue == nil)
        #expect(JSONValue.bool(true).numberValue == nil)
    }

    @Test("numbers print back as short JSON", arguments: [("0.00100", "0.001"), ("-12", "-12"), ("1e3", "1000"), ("2.50", "2.5"), ("-0", "0")])
    func numberText(text: String, printed: String) throws {
        #expect(try Self.number(text).description == printed)
    }

    @Test("escapes, surrogate pairs, lone surrogates and invalid UTF-8")
    func strings() throws {
        #expect(try JSONTestSupport.parse(#""a\"b\\c\/d\n\t\r\b\f""#) == .string("a\"b\\c/d\n\t\r\u{8}\u{C}"))
        #expect(try JSONTestSupport.parse(#""caf\u00e9 \u2603 \ud83d\ude00""#) == .string("café ☃ 😀"))
        #expect(try JSONTestSupport.parse(#""lone \ud800x and \udc00""#) == .string("lone \u{FFFD}x and \u{FFFD}"))
        #expect(try JSONTestSupport.parse(#""bad \u12""#) == .string("bad \u{FFFD}12"))
        let invalid: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0x22]
        let value = try invalid.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            return try reader.readValue()
        }
        #expect(value == .string("a\u{FFFD}b"))
    }

    @Test("objects keep member order and duplicates; the last duplicate wins on lookup")
    func objects() throws {
        let value = try JSONTestSupport.parse(#" { "b" : 1 , "a" : [true, false, null], "b": "two" } "#)
        #expect(value.members?.map(\.key) == ["b", "a", "b"])
        #expect(value["b"] == .string("two"))
        #expect(value["a"] == .array([.bool(true), .bool(false), .null]))
        #expect(value["missing"] == nil)
    }

    @Test("a cut-off document is told apart from bad syntax", arguments: [
        (#"{"a": [1, 2"#, true), (#"{"a": "unfinished"#, true), (#"{"a": 12"#, true), (#"{"a": tr"#, true),
        (#"{"a" 1}"#, false), (#"[1 2]"#, false), (#"{"a": nope}"#, false), (#"[1,]"#, false),
    ])
    func endOfInput(text: String, isEndOfInput: Bool) throws {
        let error = try #require(throws: JSONSyntaxError.self) { try JSONTestSupport.parse(text) }
        #expect(error.isEndOfInput == isEndOfInput)
    }

    @Test("nesting is bounded")
    func depth() throws {
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSONTestSupport.parse(fine) }
        let tooDeep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        let error = try #require(throws: JSONSyntaxError.self) { try JSONTestSupport.parse(tooDeep) }
        #expect(error.message == "nested deeper than 128 levels" && error.offset == 128)
    }

    @Test("the writer escapes what must not appear raw, and the reader gives the same text back",
          arguments: ["plain", "quote \" backslash \\", "\u{1B}[31mred\u{7}\r\n\t", "\u{0}\u{7F}\u{85}\u{2028}", "☃ 😀 café"])
    func writerRoundTrip(text: String) throws {
        var writer = JSONWriter()
        writer.writeString(text)
        #expect(!writer.bytes.contains { $0 < 0x20 || $0 == 0x7F })
        #expect(try JSONTestSupport.parse(String(decoding: writer.bytes, as: UTF8.self)) == .string(text))
    }

    @Test("microseconds are written exactly, without trailing zeros", arguments: [
        (Int64(1_500), "1.5"), (1_000, "1"), (1, "0.001"), (-2_500, "-2.5"), (0, "0"), (120, "0.12"),
        (Int64.max, "9223372036854775.807"),
    ])
    func writeMicroseconds(nanoseconds: Int64, text: String) {
        var writer = JSONWriter()
        writer.writeMicroseconds(fromNanoseconds: nanoseconds)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == text)
    }

    @Test("integers are written in full", arguments: [Int64.min, -1, 0, 9, 10, 1_234_567, Int64.max])
    func writeIntegers(value: Int64) {
        var writer = JSONWriter()
        writer.writeInteger(value)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == String(value))
    }
}
