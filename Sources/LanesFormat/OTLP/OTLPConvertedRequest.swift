import LanesModel

/// The spans of one OTLP trace request (an `ExportTraceServiceRequest`), put through the
/// importer's conversion (`OTLPTraceAssembler`): what `lanes collect` writes for each request it
/// accepts, whichever encoding the request came in.
///
/// The trace holds everything OpenTelemetry said (ids, kinds, resources, scopes, typed values,
/// events, links, status) and the lanes the assembler made for the request alone;
/// `OTLPStreamWriter` joins requests into one file (parents and lanes across requests).
public struct OTLPConvertedRequest: Sendable {
    /// The request's valid spans.
    public let trace: Trace
    /// Spans rejected for lacking a valid trace id (16 bytes) or span id (8 bytes).
    public let rejectedSpans: Int

    /// Spans accepted.
    public var acceptedSpans: Int { trace.spanCount }

    /// Finishes `assembler`, fed one request (by a protobuf decoder, or `init(jsonRequest:)`).
    public init(_ assembler: OTLPTraceAssembler) {
        var assembler = assembler
        trace = assembler.finish().trace
        rejectedSpans = assembler.malformedSpans
    }

    /// Reads one request in the OTLP/JSON encoding. Throws a one-line reason when the bytes are
    /// not such a request, or not whole: a request body is all or nothing.
    public init(jsonRequest bytes: [UInt8]) throws(OTLPRequestError) {
        var decoder = OTLPJSONDecoder(byteCount: bytes.count)
        let problem: String? = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            reader.skipByteOrderMark()
            do throws(JSONSyntaxError) {
                if let problem = try decoder.readRequest(&reader) { return problem }
                guard reader.peek() == nil else { return "not valid JSON: more after the request at byte \(reader.position)" }
                return nil
            } catch {
                return "not valid JSON: \(error)"
            }
        }
        if let problem { throw OTLPRequestError(reason: problem) }
        self.init(decoder.assembler)
    }
}

/// Why a request body is not an OTLP trace request.
public struct OTLPRequestError: Error, Sendable, CustomStringConvertible {
    /// One line, without a trailing period.
    public var reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { reason }
}
