import Foundation
import LanesFormat
import LanesModel
import Testing
@testable import LanesCollector

/// Lanes' protobuf decoder (`OTLPProtobufDecoder`, the receiver's path) against swift-protobuf's
/// generated messages (the reference): every committed protobuf body, bodies written to reach
/// the corners of the wire format (fields out of order, merged messages, unknown fields and
/// groups, wrong wire types, nesting at the depth limit), and thousands of randomly mutated
/// copies must give the same trace through both, or be rejected by both.
@Suite("protobuf decoding: Lanes' decoder against swift-protobuf")
struct ProtobufDecoderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Every `.pb` fixture (real exporters' bodies).
    static func fixtureBodies() throws -> [(name: String, bytes: [UInt8])] {
        let names = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.hasSuffix(".pb") }.sorted()
        return try names.map { ($0, try [UInt8](Data(contentsOf: fixtures.appendingPathComponent($0)))) }
    }

    /// What both decoders make of `bytes`: the same converted request, or both a rejection.
    /// Returns whether they accepted it.
    @discardableResult
    static func expectSame(_ bytes: [UInt8], _ what: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let lanes = Result { () throws(OTLPRequestError) in try OTLPConvertedRequest(protobufRequest: bytes) }
        let reference = Result { () throws(OTLPRequestError) in try OTLPConvertedRequest(swiftProtobufRequest: bytes) }
        switch (lanes, reference) {
        case (.success(let ours), .success(let theirs)):
            #expect(ours.trace == theirs.trace, "\(what()): different traces", sourceLocation: sourceLocation)
            #expect(ours.rejectedSpans == theirs.rejectedSpans, "\(what()): different rejected counts", sourceLocation: sourceLocation)
            return true
        case (.failure(let error), .failure):
            #expect(error.reason.hasPrefix("not a protobuf ExportTraceServiceRequest ("), sourceLocation: sourceLocation)
            #expect(!error.reason.contains("\n"), sourceLocation: sourceLocation)
            return false
        case (.success, .failure(let error)):
            Issue.record("\(what()): Lanes' decoder accepted what swift-protobuf rejects (\(error.reason)); \(hex(bytes))", sourceLocation: sourceLocation)
            return false
        case (.failure(let error), .success):
            Issue.record("\(what()): Lanes' decoder rejected what swift-protobuf accepts (\(error.reason)); \(hex(bytes))", sourceLocation: sourceLocation)
            return false
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.count > 512 ? "\(bytes.count) bytes" : bytes.map { String(format: "%02x", $0) }.joined()
    }

    @Test("the committed exporters' bodies decode to the same trace")
    func fixtures() throws {
        let bodies = try Self.fixtureBodies()
        #expect(bodies.count >= 2)
        for (name, bytes) in bodies {
            #expect(Self.expectSame(bytes, name), "\(name) must be accepted")
            let converted = try OTLPConvertedRequest(protobufRequest: bytes)
            #expect(converted.acceptedSpans > 0)
        }
        // The rich one has what the decoder must keep: events, links, typed values, two services.
        let rich = try OTLPConvertedRequest(protobufRequest: try #require(bodies.first { $0.name == "python-sdk-rich.pb" }).bytes)
        #expect(rich.acceptedSpans == 72 && rich.trace.telemetry.resources.count == 2)
        #expect(rich.trace.telemetry.events.count == 20 && rich.trace.telemetry.links.count == 14)
    }

    @Test("the wire format's corners decode as swift-protobuf decodes them")
    func corners() {
        for (name, bytes) in Wire.corners() {
            Self.expectSame(bytes, name)
        }
        // The typical ones must be accepted (the corners above also include rejected ones).
        #expect(Self.expectSame(Wire.request(spans: [Wire.richSpan()]), "rich span"))
        #expect(Self.expectSame(Wire.request(spans: [Wire.richSpan() + Wire.richSpan(name: "again")]), "merged span"))
    }

    @Test("values nested to the depth limit and beyond")
    func depth() {
        var accepted = 0
        for depth in 80...110 {
            if Self.expectSame(Wire.request(spans: [Wire.nestedValueSpan(depth: depth)]), "array values nested \(depth) deep") { accepted += 1 }
        }
        // Some depths are accepted and the deeper ones rejected, by both.
        #expect(accepted > 0 && accepted < 31)
    }

    @Test("randomly mutated bodies: the same trace, or rejected by both")
    func mutations() throws {
        var random = SplitMix64(seed: 0x1A_4E5)
        var inputs = try Self.fixtureBodies().map { ($0.name, $0.bytes, $0.name == "python-sdk-rich.pb" ? 1500 : 60) }
        inputs.append(("rich span", Wire.request(spans: [Wire.richSpan(), Wire.richSpan(name: "b")]), 2500))
        var accepted = 0
        var total = 0
        for (name, bytes, count) in inputs {
            for round in 0..<count {
                let mutated = Mutation.apply(to: bytes, random: &random)
                if Self.expectSame(mutated, "\(name), mutation \(round)") { accepted += 1 }
                total += 1
            }
        }
        // Both outcomes are exercised: many mutations keep a valid message, many break it.
        #expect(accepted > total / 10 && accepted < total * 9 / 10, "\(accepted) of \(total) accepted")
    }

    @Test("malformed bodies are one-line errors, never traps")
    func malformed() {
        let bodies: [[UInt8]] = [
            [0x0A], [0x0A, 0x05, 0x12], [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0x07], [0x00],
            [0x0C], [0x0B], [0x0A, 0x02, 0x0B, 0x00],
            [0x80, 0x80, 0x80, 0x80, 0x80, 0x01], [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
            Wire.request(spans: [Wire.field(5, string: [0xC3, 0x28])]),
        ]
        for bytes in bodies {
            #expect(!Self.expectSame(bytes, "malformed \(Self.hex(bytes))"))
        }
    }
}

/// Writing the protobuf wire format by hand, for inputs the SDKs never send.
enum Wire {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }

    static func tag(_ field: UInt64, _ wire: UInt64) -> [UInt8] { varint(field << 3 | wire) }
    static func field(_ number: UInt64, _ body: [UInt8]) -> [UInt8] { tag(number, 2) + varint(UInt64(body.count)) + body }
    static func field(_ number: UInt64, string: [UInt8]) -> [UInt8] { field(number, string) }
    static func field(_ number: UInt64, text: String) -> [UInt8] { field(number, Array(text.utf8)) }
    static func field(_ number: UInt64, varint value: UInt64) -> [UInt8] { tag(number, 0) + varint(value) }
    static func field(_ number: UInt64, fixed64 value: UInt64) -> [UInt8] { tag(number, 1) + withUnsafeBytes(of: value.littleEndian, Array.init) }
    static func field(_ number: UInt64, fixed32 value: UInt32) -> [UInt8] { tag(number, 5) + withUnsafeBytes(of: value.littleEndian, Array.init) }

    static func keyValue(_ key: String, _ anyValue: [UInt8]) -> [UInt8] { field(1, text: key) + field(2, anyValue) }
    static func string(_ text: String) -> [UInt8] { field(1, text: text) }
    static func array(_ values: [[UInt8]]) -> [UInt8] { field(5, values.flatMap { field(1, $0) }) }
    static func list(_ pairs: [[UInt8]]) -> [UInt8] { field(6, pairs.flatMap { field(1, $0) }) }

    static let traceID: [UInt8] = Array(0x10...0x1F)
    static let spanID: [UInt8] = Array(0x21...0x28)

    /// A span with every field and value type.
    static func richSpan(name: String = "GET /users") -> [UInt8] {
        var span = field(1, traceID) + field(2, spanID) + field(3, text: "vendor=1") + field(4, Array(0x31...0x38))
        span += field(5, text: name) + field(6, varint: 2) + field(7, fixed64: 1_700_000_000_000_000_000)
        span += field(8, fixed64: 1_700_000_000_250_000_000)
        span += field(9, keyValue("http.method", string("GET")))
        span += field(9, keyValue("http.status_code", field(3, varint: 200)))
        span += field(9, keyValue("ratio", field(4, fixed64: 0.25.bitPattern)))
        span += field(9, keyValue("cached", field(2, varint: 1)))
        span += field(9, keyValue("negative", field(3, varint: UInt64(bitPattern: -5))))
        span += field(9, keyValue("blob", field(7, [0, 1, 2, 0xFF])))
        span += field(9, keyValue("tags", array([string("a"), field(3, varint: 7), array([string("nested")])])))
        span += field(9, keyValue("map", list([keyValue("k", string("v")), keyValue("n", field(2, varint: 0)), field(1, text: "no value")])))
        span += field(9, keyValue("empty", []))
        span += field(9, keyValue("strindex", field(8, varint: 3)))
        span += field(9, keyValue("ünïcode ✓", string("値")))
        span += field(10, varint: 3)
        span += field(11, field(1, fixed64: 1_700_000_000_100_000_000) + field(2, text: "exception")
            + field(3, keyValue("exception.type", string("ValueError"))) + field(4, varint: 1))
        span += field(12, varint: 2)
        span += field(13, field(1, Array(0x40...0x4F)) + field(2, Array(0x51...0x58)) + field(3, text: "k=v")
            + field(4, keyValue("link.kind", string("follows"))) + field(5, varint: 4) + field(6, fixed32: 0x301))
        span += field(14, varint: 1)
        span += field(15, field(2, text: "boom") + field(3, varint: 2))
        span += field(16, fixed32: 0x301)
        return span
    }

    /// A span whose one attribute is an array nested `depth` messages deep in all (the request's included).
    static func nestedValueSpan(depth: Int) -> [UInt8] {
        // request, resource spans, scope spans, span, key value, any value: 6; then array value + any value pairs.
        var value = string("bottom")
        var levels = 6
        while levels + 2 <= depth {
            value = array([value])
            levels += 2
        }
        return field(1, traceID) + field(2, spanID) + field(5, text: "deep") + field(9, keyValue("deep", value))
    }

    static func resource(service: String) -> [UInt8] {
        field(1, keyValue("service.name", string(service))) + field(2, varint: 1)
            + field(3, field(1, text: "https://schema") + field(2, text: "service") + field(3, text: "service.name") + field(4, text: "host.name"))
    }

    static func scope(_ name: String) -> [UInt8] {
        field(1, text: name) + field(2, text: "1.0") + field(3, keyValue("scope.attr", string("x"))) + field(4, varint: 2)
    }

    /// A request of one service and scope holding `spans` (span message bodies).
    static func request(spans: [[UInt8]], service: String = "checkout") -> [UInt8] {
        let scopeSpans = field(1, scope("tracer")) + spans.flatMap { field(2, $0) } + field(3, text: "https://scope-schema")
        return field(1, field(1, resource(service: service)) + field(2, scopeSpans) + field(3, text: "https://resource-schema"))
    }

    /// Named corner cases, accepted or not: both decoders must agree on each.
    static func corners() -> [(String, [UInt8])] {
        let span = richSpan()
        var cases: [(String, [UInt8])] = []
        cases.append(("empty request", []))
        cases.append(("empty resource spans", field(1, [])))
        cases.append(("empty scope spans", field(1, field(2, []))))
        cases.append(("empty span (rejected by the assembler)", request(spans: [[]])))
        cases.append(("scope after its spans", field(1, field(1, resource(service: "a"))
            + field(2, field(2, span) + field(1, scope("lanes")) + field(2, richSpan(name: "second"))))))
        cases.append(("resource after its scopes", field(1, field(2, field(1, scope("s")) + field(2, span)) + field(1, resource(service: "late")))))
        cases.append(("resource given twice (merged)", field(1, field(1, resource(service: "a")) + field(2, field(2, span))
            + field(1, field(1, keyValue("host.name", string("h"))) + field(2, varint: 9)))))
        cases.append(("scope given twice (merged)", field(1, field(2, field(1, scope("one")) + field(2, span) + field(1, field(1, text: "two"))))))
        cases.append(("attribute value given twice: array then array (merged)", request(spans: [
            field(1, traceID) + field(2, spanID) + field(9, field(1, text: "k") + field(2, array([string("a")])) + field(2, array([string("b")]))),
        ])))
        cases.append(("attribute value: string then int in one value", request(spans: [
            field(1, traceID) + field(2, spanID) + field(9, field(1, text: "k") + field(2, string("gone") + field(3, varint: 1))),
        ])))
        cases.append(("attribute value: list then string then list", request(spans: [
            field(1, traceID) + field(2, spanID)
                + field(9, field(1, text: "k") + field(2, list([keyValue("a", string("1"))]) + string("x") + list([keyValue("b", string("2"))]))),
        ])))
        cases.append(("key given twice, last wins", request(spans: [
            field(1, traceID) + field(2, spanID) + field(9, field(1, text: "first") + field(1, text: "second") + field(2, string("v"))),
        ])))
        cases.append(("status given twice (merged)", request(spans: [span + field(15, field(2, text: "later"))])))
        cases.append(("ids of the wrong length", request(spans: [field(1, Array(traceID.prefix(15))) + field(2, spanID) + field(5, text: "bad")])))
        cases.append(("id given twice, last one short", request(spans: [span + field(2, [1, 2, 3])])))
        cases.append(("unknown kind and status code", request(spans: [span + field(6, varint: 77) + field(15, field(3, varint: UInt64.max))])))
        cases.append(("negative kind", request(spans: [span + field(6, varint: UInt64(bitPattern: -1))])))
        let unknown = field(100, varint: 5) + field(101, fixed64: 9) + field(102, text: "unknown") + field(104, fixed32: 1)
            + tag(103, 3) + field(1, varint: 1) + tag(7, 3) + field(2, text: "in a group") + tag(7, 4) + tag(103, 4)
        cases.append(("unknown fields of every wire type, groups too, at every level", field(1, field(1, resource(service: "u") + unknown)
            + field(2, field(1, scope("s") + unknown) + field(2, span + unknown) + unknown) + unknown) + unknown))
        cases.append(("known fields with the wrong wire type", request(spans: [span + field(5, varint: 1) + field(1, varint: 1)
            + field(7, text: "not fixed") + field(9, varint: 3) + field(16, varint: 1) + tag(15, 5) + [1, 2, 3, 4]])))
        cases.append(("a group for a known field", request(spans: [span + tag(9, 3) + tag(9, 4)])))
        cases.append(("a group ended by another field number", request(spans: [span + tag(9, 3) + tag(8, 4)])))
        cases.append(("an end-group tag outside a group", request(spans: [span + tag(9, 4)])))
        cases.append(("an unterminated group", request(spans: [span + tag(9, 3)])))
        cases.append(("an overlong tag (6 bytes)", request(spans: [span + [0x88, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01]])))
        cases.append(("an overlong tag in a group (6 bytes)", request(spans: [span + tag(50, 3) + [0x88, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01] + tag(50, 4)])))
        cases.append(("a 5-byte tag", request(spans: [span + [0xF8, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]])))
        cases.append(("a 5-byte tag with a high 5th byte", request(spans: [span + [0xF8, 0xFF, 0xFF, 0xFF, 0x1F, 0x01]])))
        cases.append(("a 10-byte varint", request(spans: [span + field(10, []).prefix(1) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]])))
        cases.append(("an 11-byte varint", request(spans: [span + field(10, []).prefix(1) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]])))
        cases.append(("field number 0", request(spans: [span + [0x00, 0x01]])))
        cases.append(("wire types 6 and 7", request(spans: [span + [0x0E, 0x01]])))
        cases.append(("invalid UTF-8 in a span name", request(spans: [field(1, traceID) + field(2, spanID) + field(5, [0xE2, 0x28, 0xA1])])))
        cases.append(("invalid UTF-8 in an entity ref", field(1, field(1, field(3, field(3, [0xFF]))))))
        cases.append(("invalid UTF-8 in an unknown field (kept as bytes)", request(spans: [span + field(200, [0xFF, 0xFE])])))
        cases.append(("a surrogate encoded in UTF-8", request(spans: [field(1, traceID) + field(2, spanID) + field(5, [0xED, 0xA0, 0x80])])))
        cases.append(("a length past the end", request(spans: [span]) + [0x0A, 0x10, 0x01]))
        cases.append(("a huge length", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07]))
        cases.append(("two requests concatenated (merged)", request(spans: [span]) + request(spans: [richSpan(name: "other")], service: "other")))
        return cases
    }
}

/// Random changes to a body, as a fuzzer makes them (seeded: every run tests the same inputs).
enum Mutation {
    static func apply(to bytes: [UInt8], random: inout SplitMix64) -> [UInt8] {
        var copy = bytes
        for _ in 0..<(1 + Int(random.next() % 3)) where !copy.isEmpty {
            let position = Int(random.next() % UInt64(copy.count))
            switch random.next() % 8 {
            case 0: copy[position] ^= UInt8(1 << (random.next() % 8))
            case 1: copy[position] = UInt8(truncatingIfNeeded: random.next())
            case 2: copy[position] = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x08, 0x0A, 0x12][Int(random.next() % 8)]
            case 3: copy.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
            case 4: copy.removeSubrange(position..<min(copy.count, position + 1 + Int(random.next() % 16)))
            case 5: copy.removeSubrange(position...)
            case 6:
                // A slice of the body repeated elsewhere (fields duplicated, messages merged).
                let start = Int(random.next() % UInt64(copy.count))
                let slice = copy[start..<min(copy.count, start + 1 + Int(random.next() % 64))]
                copy.insert(contentsOf: slice, at: position)
            default:
                // A length byte nudged.
                copy[position] = copy[position] &+ UInt8(random.next() % 3) &- 1
            }
        }
        return copy
    }
}
