import LanesFormat
import NIOCore
import NIOHTTP1
import NIOHTTPCompression

/// Answers OTLP/HTTP trace requests on one connection, as the OTLP specification says:
/// `POST /v1/traces` with a binary protobuf or JSON `ExportTraceServiceRequest`, optionally
/// gzip- or deflate-compressed (the decompressor before this handler inflates it). 200 with an
/// `ExportTraceServiceResponse` (and `partial_success` when spans were rejected); 400 for a
/// body that is not a request; 404 for another path, 405 for another method, 413 for a body
/// above the limit, 415 for another content type or encoding, 503 when the writer is behind.
/// Error bodies are a `google.rpc.Status` in the request's encoding.
final class OTLPHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// A request being read: where it goes, and whether it was already refused.
    private struct Request {
        var head: HTTPRequestHead
        var encoding: OTLPBodyEncoding
        var refusal: OTLPResponse?
    }

    private let sink: SpanFileSink
    private let statistics: CollectorStatistics
    private let maximumBodyBytes: Int
    private var request: Request?
    private var body = ByteBuffer()

    init(sink: SpanFileSink, statistics: CollectorStatistics, maximumBodyBytes: Int) {
        self.sink = sink
        self.statistics = statistics
        self.maximumBodyBytes = maximumBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            body.clear()
            let encoding = OTLPBodyEncoding(contentType: head.headers.first(name: "Content-Type"))
            request = Request(head: head, encoding: encoding ?? .json, refusal: Self.check(head, encoding: encoding))
        case .body(var chunk):
            guard var current = request, current.refusal == nil else { return }
            if body.readableBytes + chunk.readableBytes > maximumBodyBytes {
                current.refusal = .tooLarge(limit: maximumBodyBytes, encoding: current.encoding)
                request = current
                body.clear()
                return
            }
            body.writeBuffer(&chunk)
        case .end:
            guard let current = request else { return }
            request = nil
            let response = current.refusal ?? process(current)
            if response.status != .ok { statistics.noteRefused() }
            write(response, for: current.head, context: context)
            body.clear()
            if body.capacity > 1 << 20 { body = ByteBuffer() }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The decompressor reports a damaged or oversized gzip body here; the request's end
        // still arrives, and is answered then.
        if var current = request {
            if let decompression = error as? NIOHTTPDecompression.DecompressionError, decompression == .limit {
                current.refusal = .tooLarge(limit: maximumBodyBytes, encoding: current.encoding)
            } else if error is NIOHTTPDecompression.DecompressionError || error is NIOHTTPDecompression.ExtraDecompressionError {
                current.refusal = current.refusal ?? .badRequest("the body is not valid \(current.head.headers.first(name: "Content-Encoding") ?? "compressed") data", encoding: current.encoding)
            } else {
                context.fireErrorCaught(error)
                return
            }
            request = current
            body.clear()
            return
        }
        context.fireErrorCaught(error)
    }

    /// What to refuse before reading the body: path, method, content type and encoding.
    static func check(_ head: HTTPRequestHead, encoding: OTLPBodyEncoding?) -> OTLPResponse? {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let replyEncoding = encoding ?? .json
        guard path == "/v1/traces" else {
            return .notFound(path: path, encoding: replyEncoding)
        }
        guard head.method == .POST else {
            return .methodNotAllowed(head.method, encoding: replyEncoding)
        }
        guard encoding != nil else {
            return .unsupportedMediaType(
                "Content-Type \(head.headers.first(name: "Content-Type").map { "'\($0)'" } ?? "missing"): "
                    + "send application/x-protobuf or application/json", encoding: .json)
        }
        if let coding = head.headers.first(name: "Content-Encoding")?.lowercased(),
           !["gzip", "deflate", "identity"].contains(coding) {
            return .unsupportedMediaType(
                "Content-Encoding '\(coding)' is not supported: send gzip, deflate or no encoding", encoding: replyEncoding)
        }
        return nil
    }

    /// Decodes and converts the body, and queues its spans for the file.
    private func process(_ request: Request) -> OTLPResponse {
        let converted: OTLPConvertedRequest
        do throws(OTLPRequestError) {
            switch request.encoding {
            case .protobuf:
                // Decoded in place, from the connection's buffer.
                converted = try body.withUnsafeReadableBytes { raw in
                    Result { () throws(OTLPRequestError) in try OTLPConvertedRequest(protobufRequest: raw) }
                }.get()
            case .json: converted = try OTLPConvertedRequest(jsonRequest: Array(body.readableBytesView))
            }
        } catch {
            return .badRequest(error.reason, encoding: request.encoding)
        }
        if converted.acceptedSpans > 0 {
            do throws(SpanFileSink.Refusal) {
                try sink.submit(converted)
            } catch {
                switch error {
                case .busy: return .busy(encoding: request.encoding)
                case .stopping: return .stopping(encoding: request.encoding)
                case .failed(let failure): return .cannotWrite(failure.description, encoding: request.encoding)
                }
            }
        }
        statistics.noteAccepted(spans: converted.acceptedSpans, rejected: converted.rejectedSpans)
        return .success(rejectedSpans: converted.rejectedSpans, encoding: request.encoding)
    }

    private func write(_ response: OTLPResponse, for head: HTTPRequestHead, context: ChannelHandlerContext) {
        let keepAlive = head.isKeepAlive
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.encoding.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        for (name, value) in response.extraHeaders { headers.add(name: name, value: value) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: response.status, headers: headers))), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
