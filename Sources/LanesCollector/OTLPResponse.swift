import Foundation
import NIOHTTP1
import SwiftProtobuf

/// How a request body (and so its response) is encoded, from the request's Content-Type.
enum OTLPBodyEncoding: Sendable {
    case protobuf
    case json

    /// `application/x-protobuf` (or `application/protobuf`) and `application/json`, parameters
    /// such as `; charset=utf-8` ignored; nil for anything else.
    init?(contentType: String?) {
        guard let contentType else { return nil }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        switch mediaType {
        case "application/x-protobuf", "application/protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    var contentType: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }
}

/// One answer of the receiver: status, headers and body, encoded as the request was.
struct OTLPResponse: Sendable {
    var status: HTTPResponseStatus
    var encoding: OTLPBodyEncoding
    var body: [UInt8]
    var extraHeaders: [(String, String)] = []

    /// 200 with an `ExportTraceServiceResponse`; `partial_success` says how many spans were
    /// rejected, and why, when any were.
    static func success(rejectedSpans: Int, encoding: OTLPBodyEncoding) -> OTLPResponse {
        var message = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
        if rejectedSpans > 0 {
            message.partialSuccess.rejectedSpans = Int64(rejectedSpans)
            message.partialSuccess.errorMessage = "\(rejectedSpans) span\(rejectedSpans == 1 ? "" : "s") rejected: "
                + "a span needs a trace id of 16 bytes and a span id of 8 bytes (32 and 16 hex digits in JSON)"
        }
        return OTLPResponse(status: .ok, encoding: encoding, body: encode(message, as: encoding))
    }

    /// A failure with a `google.rpc.Status` body holding `message`.
    static func failure(
        _ status: HTTPResponseStatus, _ message: String, encoding: OTLPBodyEncoding, headers: [(String, String)] = []
    ) -> OTLPResponse {
        var body = Google_Rpc_Status()
        body.message = message
        return OTLPResponse(status: status, encoding: encoding, body: encode(body, as: encoding), extraHeaders: headers)
    }

    static func badRequest(_ reason: String, encoding: OTLPBodyEncoding) -> OTLPResponse {
        failure(.badRequest, reason, encoding: encoding)
    }

    static func notFound(path: String, encoding: OTLPBodyEncoding) -> OTLPResponse {
        failure(.notFound, "lanes collect receives traces only, at POST /v1/traces (not \(path.prefix(200)))", encoding: encoding)
    }

    static func methodNotAllowed(_ method: HTTPMethod, encoding: OTLPBodyEncoding) -> OTLPResponse {
        failure(.methodNotAllowed, "/v1/traces takes POST, not \(method.rawValue.prefix(40))", encoding: encoding, headers: [("Allow", "POST")])
    }

    static func unsupportedMediaType(_ reason: String, encoding: OTLPBodyEncoding) -> OTLPResponse {
        failure(.unsupportedMediaType, reason, encoding: encoding)
    }

    static func tooLarge(limit: Int, encoding: OTLPBodyEncoding) -> OTLPResponse {
        failure(.payloadTooLarge, "the body is larger than \(limit >> 20) MiB (after decompression); send smaller batches", encoding: encoding)
    }

    /// The writer is behind: retryable, after a second.
    static func busy(encoding: OTLPBodyEncoding) -> OTLPResponse {
        failure(.serviceUnavailable, "the trace file's writer is behind; retry shortly", encoding: encoding, headers: [("Retry-After", "1")])
    }

    static func stopping(encoding: OTLPBodyEncoding) -> OTLPResponse {
        failure(.serviceUnavailable, "lanes collect is shutting down", encoding: encoding)
    }

    static func cannotWrite(_ reason: String, encoding: OTLPBodyEncoding) -> OTLPResponse {
        failure(.internalServerError, reason, encoding: encoding)
    }

    private static func encode(_ message: some SwiftProtobuf.Message, as encoding: OTLPBodyEncoding) -> [UInt8] {
        switch encoding {
        case .protobuf: (try? message.serializedBytes()) ?? []
        case .json: (try? message.jsonUTF8Bytes()) ?? Array("{}".utf8)
        }
    }
}
