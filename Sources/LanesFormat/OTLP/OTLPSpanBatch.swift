/// OTLP spans put through the importer's conversion (ids checked, Lanes' own attributes
/// recognised, status and span events turned into what the model holds), one request at a time:
/// how `lanes collect` turns what it receives into spans ready to write.
///
/// The conversion is `OTLPTraceAssembler`'s, shared with `OTLPTraceImporter`; a batch only
/// collects its output instead of building a whole `Trace` from it.
public struct OTLPSpanBatch: Sendable {
    var assembler = OTLPTraceAssembler()

    public init() {}

    /// Adds a resource (the service the following spans come from) and returns its index for
    /// `addSpan`.
    public mutating func addResource(attributes: [OTLPAttribute]) -> Int {
        assembler.addResource(attributes: attributes)
    }

    /// Converts one span of resource `resource`; a span without a valid trace id and span id is
    /// rejected and counted.
    public mutating func addSpan(_ span: OTLPSpanFields, resource: Int) {
        assembler.addSpan(span, resource: resource)
        if span.traceID != nil && span.spanID != nil { acceptedSpanCount += 1 }
    }

    /// Reads one `ExportTraceServiceRequest` in the OTLP JSON encoding and converts its spans.
    /// Throws a one-line reason when the bytes are not such a request; then nothing of it is kept.
    public mutating func addJSONRequest(_ bytes: [UInt8]) throws(OTLPRequestError) {
        let mark = assembler.mark
        let accepted = assembler.spans.count
        let problem: String? = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            reader.skipByteOrderMark()
            do throws(JSONSyntaxError) {
                if let problem = try assembler.readRequest(&reader) { return problem }
                guard reader.peek() == nil else { return "not valid JSON: more after the request at byte \(reader.position)" }
                return nil
            } catch {
                return "not valid JSON: \(error)"
            }
        }
        if let problem {
            assembler.rollBack(to: mark)
            throw OTLPRequestError(reason: problem)
        }
        acceptedSpanCount += assembler.spans[accepted...].count { !$0.isEvent }
    }

    /// Spans converted (span events, which become instant children, not counted).
    public private(set) var acceptedSpanCount = 0

    /// Spans rejected for lacking a valid trace id (16 bytes) or span id (8 bytes).
    public var rejectedSpanCount: Int { assembler.malformedSpans }

    /// Spans converted plus their events (each written as an instant child span).
    public var spanAndEventCount: Int { assembler.spans.count }

    /// Whether nothing was converted.
    public var isEmpty: Bool { assembler.spans.isEmpty }
}

/// Why a request body is not an OTLP trace request.
public struct OTLPRequestError: Error, Sendable, CustomStringConvertible {
    /// One line, without a trailing period.
    public var reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { reason }
}
