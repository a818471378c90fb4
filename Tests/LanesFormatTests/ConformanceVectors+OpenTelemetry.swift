import LanesModel
import LanesWriter

/// The OpenTelemetry facts' vector (`Traces/FORMAT.md` §4.6.1, §4.17–4.19): resources, scopes,
/// span identities, typed attributes of every type, span events, links and status, with the
/// damage and hostile cases those sections define.
extension ConformanceVectors {
    static func openTelemetryFacts() -> [UInt8] {
        let texts = [
            "GET /cart", "SELECT cart", "remote child", "late span", "service.name", "checkout", "process.pid",
            "https://opentelemetry.io/schemas/1.24.0", "io.opentelemetry.http", "1.2.0", "lib.flag", "lib.empty",
            "http.status_code", "ratio", "cached", "tags", "payload", "meta", "k", "v", "n", "deep", "nothing",
            "http.route", "/cart", "congo=t61rcWkgMzE", "exception", "exception.type", "IOError", "exception.escaped",
            "retry", "link.kind", "follows", "connection reset", "orphan scope", "peer", "db-1", "done", "a",
            "odd \"key\"\n",
        ]
        func id(_ text: String) -> UInt32 { UInt32(texts.firstIndex(of: text)! + 1) }
        func attribute(_ key: String, _ value: LanesFileValue) -> LanesFileAttribute { LanesFileAttribute(key: id(key), value: value) }
        let trace = TraceID(high: 0x0AF7_6519_16CD_43DD, low: 0x8448_EB21_1C80_319C)
        let otherTrace = TraceID(high: 0x4BF9_2F35_77B3_4DA6, low: 0xA3CE_929D_0E0E_4736)
        let root: UInt64 = 0xB7AD_6B71_6920_3331
        let child: UInt64 = 0x00F0_67AA_0BA9_02B7

        var file = File()
        file.strings(first: 1, texts)
        file.thread(writer: 1, id: 1, name: "lanes-executor-1", executor: true)
        file.thread(writer: 2, id: 2, name: "lanes-executor-2", executor: true)

        let service = [
            attribute("service.name", .string(id("checkout"))), attribute("process.pid", .int(4_242)),
            attribute("tags", .array([.string(id("a")), .int(-7), .bool(true)])),
        ]
        file.bytes += RecordFraming.resource(id: 1, schemaURL: id("https://opentelemetry.io/schemas/1.24.0"), droppedAttributes: 2, attributes: service)
        // The same resource under another id: one resource.
        file.bytes += RecordFraming.resource(id: 2, schemaURL: id("https://opentelemetry.io/schemas/1.24.0"), droppedAttributes: 2, attributes: service)
        file.bytes += RecordFraming.resource(id: 3, schemaURL: 0, droppedAttributes: 0, attributes: [])
        // An attribute count larger than the bytes left: damage.
        file.record(LanesRecordType.resource.rawValue, [4, 0, 0, 50, 5, 1, 6])
        file.bytes += RecordFraming.scope(
            id: 1, resource: 2, name: id("io.opentelemetry.http"), version: id("1.2.0"),
            schemaURL: id("https://opentelemetry.io/schemas/1.24.0"), droppedAttributes: 1,
            attributes: [attribute("lib.flag", .bool(true)), attribute("lib.empty", .empty)])
        // A scope naming a resource no record defined: it has none.
        file.bytes += RecordFraming.scope(id: 2, resource: 7, name: id("orphan scope"), version: 0, schemaURL: 0, droppedAttributes: 0, attributes: [])
        // An attribute of an unknown value type: damage.
        file.record(LanesRecordType.scope.rawValue, [3, 1, UInt8(id("io.opentelemetry.http")), 0, 0, 0, 1, UInt8(id("lib.flag")), 9])

        // Writer 2 flushed first: the status and an event of span 4, before its begin is read.
        file.chunk(writer: 2, base: 30_000) { encoder in
            encoder.spanStatus(span: 4, code: .ok, message: id("done"))
            encoder.spanEvent(span: 4, time: 30_055, name: id("retry"), attributes: [], droppedAttributes: 0)
        }
        file.chunk(writer: 1, base: 30_000) { encoder in
            encoder.begin(span: 1, parent: 0, kind: .handler, name: id("GET /cart"), task: 1, onExecutor: false, time: 30_000)
            encoder.spanIdentity(
                span: 1, kind: .server, traceID: trace, spanID: root, parentSpanID: 0, flags: 0x301,
                traceState: id("congo=t61rcWkgMzE"), scope: 1)
            encoder.attribute(span: 1, key: id("http.status_code"), value: .int(200))
            encoder.attribute(span: 1, key: id("http.route"), value: id("/cart"))
            encoder.attribute(span: 1, key: id("ratio"), value: .double(0.25))
            encoder.attribute(span: 1, key: id("cached"), value: .bool(false))
            encoder.attribute(span: 1, key: id("payload"), value: .bytes([0x00, 0xFF, 0x10]))
            encoder.attribute(span: 1, key: id("meta"), value: .keyValueList([
                (key: id("k"), value: .string(id("v"))), (key: id("n"), value: .keyValueList([(key: id("deep"), value: .double(1.5))])),
            ]))
            encoder.attribute(span: 1, key: id("nothing"), value: .empty)
            encoder.attribute(span: 1, key: id("odd \"key\"\n"), value: .array([]))
            encoder.begin(span: 2, parent: 1, kind: .async, name: id("SELECT cart"), task: 1, onExecutor: false, time: 30_010)
            encoder.spanIdentity(span: 2, kind: .client, traceID: trace, spanID: child, parentSpanID: root, flags: 0x1, traceState: 0, scope: 2)
            encoder.spanStatus(span: 2, code: .unset, message: 0)
            encoder.spanEvent(
                span: 1, time: 30_020, name: id("exception"),
                attributes: [attribute("exception.type", .string(id("IOError"))), attribute("exception.escaped", .bool(true))],
                droppedAttributes: 1)
            // An event before the chunk's time (a negative offset).
            encoder.spanEvent(
                span: 1, time: 29_995, name: id("retry"), attributes: [attribute("n", .array([.array([.int(1)]), .empty]))],
                droppedAttributes: 0)
            encoder.end(span: 2, time: 30_040)
            // A later status replaces the earlier one.
            encoder.spanStatus(span: 2, code: .ok, message: id("done"))
            encoder.spanLink(
                span: 1, traceID: otherTrace, spanID: child, traceState: id("congo=t61rcWkgMzE"), flags: 0x1,
                attributes: [attribute("link.kind", .string(id("follows")))], droppedAttributes: 3)
            encoder.begin(span: 4, parent: 1, kind: .async, name: id("late span"), task: 1, onExecutor: false, time: 30_050)
            encoder.end(span: 4, time: 30_060)
            encoder.spanStatus(
                span: 1, code: .error, message: id("connection reset"), droppedAttributes: 4, droppedEvents: 5, droppedLinks: 6)
            encoder.end(span: 1, time: 30_100, errorMessage: 0)
        }
        file.rawChunk(writer: 1, base: 31_000, firstSpan: 3, declaredEvents: 13, hostileFacts(id: id, trace: trace, parent: root))
        file.footer(end: 31_005)
        return file.bytes
    }

    /// Span 3 (a child of span 1 taking its task) and facts written by hand: what no writer
    /// writes, and what readers must survive.
    private static func hostileFacts(id: (String) -> UInt32, trace: TraceID, parent: UInt64) -> [UInt8] {
        func bigEndian(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) } }
        func nested(_ depth: Int) -> [UInt8] { Array([[UInt8]](repeating: [6, 1], count: depth).joined()) + [3, 10] }
        let traceBytes = bigEndian(trace.high) + bigEndian(trace.low)
        var events: [UInt8] = [0x40 | 0x10 | 2, 0, UInt8(id("remote child")), 4]  // begin async, parent span 1, its task
        // Kind 9 (unknown: unspecified), flags 0x100, a scope no record defined.
        events += extensionEvent(0x90, [0, 9] + traceBytes + bigEndian(0xC0FF_EE00_0000_0003) + bigEndian(parent) + [0x80, 0x02, 0, 42])
        // An identity cut short: undecodable; the one before stands.
        events += extensionEvent(0x90, [0, 2, 1, 2, 3, 4])
        // A value 32 deep (the deepest allowed), then 33 deep: damage.
        events += extensionEvent(0x91, [0, UInt8(id("a"))] + nested(32))
        events += extensionEvent(0x91, [0, UInt8(id("a"))] + nested(33))
        // An unknown value type; a string value (read as `06`); bytes longer than what is left.
        events += extensionEvent(0x91, [0, UInt8(id("a")), 9])
        events += extensionEvent(0x91, [0, UInt8(id("peer")), 1, UInt8(id("db-1"))])
        events += extensionEvent(0x91, [0, UInt8(id("a")), 5, 10, 1, 2])
        // A link with flags and a dropped count wider than 32 bits, and fields a later writer
        // added (read as far as the fields go).
        var link = [0] + traceBytes + bigEndian(parent) + [0]
        link.appendVarint(1 << 32 | 1)
        link.appendVarint(1 << 33)
        events += extensionEvent(0x93, link + [0, 0xEE, 0xEE])
        // A status code OpenTelemetry does not define (read as unset), then an empty payload.
        events += extensionEvent(0x94, [0, 7, UInt8(id("connection reset")), 0, 0, 0])
        events += extensionEvent(0x94, [])
        // A span event whose attribute count is larger than its payload: damage.
        events += extensionEvent(0x92, [0, 0, UInt8(id("retry")), 0, 50])
        events += [0x01, 5, 0]  // end span 3
        return events
    }
}
