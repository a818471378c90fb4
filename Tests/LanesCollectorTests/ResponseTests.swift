import Foundation
import LanesFormat
import LanesModel
import SwiftProtobuf
import Testing
@testable import LanesCollector

/// What the receiver answers, as the OTLP/HTTP specification says: partial success, 4xx for
/// bodies that are not requests, 404 / 405 / 413 / 415, error bodies as `google.rpc.Status`
/// in the request's encoding. Requests are sent by Python's urllib (a real HTTP client).
@Suite("lanes collect responses", .serialized)
struct ResponseTests {
    /// An OTLP JSON request with `good` valid spans and `bad` spans whose ids are cut short.
    static func jsonRequest(good: Int, bad: Int) -> [UInt8] {
        var spans: [String] = []
        for index in 0..<(good + bad) {
            let spanID = String(format: "%016x", index + 1)
            let traceID = index < good ? "5b8efff798038103d269b633813fc60c" : "5b8efff7980381"
            spans.append("""
                {"traceId":"\(traceID)","spanId":"\(spanID)","name":"step \(index)",\
                "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000001000000",\
                "attributes":[{"key":"n","value":{"intValue":"\(index)"}}]}
                """)
        }
        return Array("""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},\
            "scopeSpans":[{"spans":[\(spans.joined(separator: ","))]}]}]}
            """.utf8)
    }

    @Test("partial success: spans with bad ids are rejected and counted, the rest written (JSON)")
    func partialSuccessJSON() async throws {
        guard try await CollectorHarness.sdkAvailable() else { return }
        let (collector, path, url) = try await CollectorHarness.start()
        let response = try await CollectorHarness.post(url, body: Self.jsonRequest(good: 3, bad: 2), contentType: "application/json")
        _ = await collector.stop()
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        let message = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse(jsonUTF8Bytes: response.body)
        #expect(message.hasPartialSuccess)
        #expect(message.partialSuccess.rejectedSpans == 2)
        #expect(message.partialSuccess.errorMessage.contains("trace id of 16 bytes"))
        let trace = try CollectorHarness.read(path).trace
        #expect(trace.spanCount == 3)
        #expect((0..<3).allSatisfy { CollectorHarness.spans(named: "step \($0)", in: trace).count == 1 })
    }

    @Test("partial success in protobuf: a span id of 5 bytes is rejected")
    func partialSuccessProtobuf() async throws {
        guard try await CollectorHarness.sdkAvailable() else { return }
        let (collector, path, url) = try await CollectorHarness.start()
        var request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest()
        var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        for index in 0..<4 {
            var span = Opentelemetry_Proto_Trace_V1_Span()
            span.traceID = Data(repeating: 7, count: 16)
            span.spanID = Data(repeating: UInt8(index + 1), count: index == 3 ? 5 : 8)
            span.name = "work \(index)"
            span.startTimeUnixNano = 1_700_000_000_000_000_000
            span.endTimeUnixNano = 1_700_000_000_000_500_000
            scopeSpans.spans.append(span)
        }
        resourceSpans.scopeSpans = [scopeSpans]
        request.resourceSpans = [resourceSpans]
        let response = try await CollectorHarness.post(url, body: try request.serializedBytes(), contentType: "application/x-protobuf")
        _ = await collector.stop()
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/x-protobuf")
        let message = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse(serializedBytes: response.body)
        #expect(message.partialSuccess.rejectedSpans == 1)
        #expect(try CollectorHarness.read(path).trace.spanCount == 3)
    }

    /// A request the receiver must refuse, and how.
    struct Refusal: CustomTestStringConvertible, Sendable {
        var name: String
        var body: [UInt8]
        var contentType: String
        var method = "POST"
        var path = "/v1/traces"
        var gzip = false
        var encoding: String?
        var status: Int
        var messageContains: String

        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "protobuf garbage", body: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01], contentType: "application/x-protobuf",
                status: 400, messageContains: "not a protobuf ExportTraceServiceRequest"),
        Refusal(name: "protobuf cut off", body: [0x0A, 0x40, 0x0A], contentType: "application/x-protobuf",
                status: 400, messageContains: "cut off"),
        Refusal(name: "JSON that is not JSON", body: Array("{\"resourceSpans\": [".utf8), contentType: "application/json",
                status: 400, messageContains: "not valid JSON"),
        Refusal(name: "JSON that is not OTLP", body: Array("{\"traceEvents\": []}".utf8), contentType: "application/json",
                status: 400, messageContains: "resourceSpans"),
        Refusal(name: "gzip header on a plain body", body: Array("{\"resourceSpans\": []}".utf8), contentType: "application/json",
                encoding: "gzip", status: 400, messageContains: "not valid gzip"),
        Refusal(name: "unknown content type", body: Array("hello".utf8), contentType: "text/plain",
                status: 415, messageContains: "application/x-protobuf or application/json"),
        Refusal(name: "unknown content encoding", body: Array("{}".utf8), contentType: "application/json",
                encoding: "br", status: 415, messageContains: "Content-Encoding 'br'"),
        Refusal(name: "GET", body: [], contentType: "application/json", method: "GET",
                status: 405, messageContains: "takes POST"),
        Refusal(name: "metrics", body: Array("{}".utf8), contentType: "application/json", path: "/v1/metrics",
                status: 404, messageContains: "traces only"),
        Refusal(name: "larger than the limit", body: Array(repeating: 0x20, count: 300_000), contentType: "application/json",
                status: 413, messageContains: "larger than"),
        Refusal(name: "larger than the limit once inflated", body: Array(repeating: 0x20, count: 300_000),
                contentType: "application/json", gzip: true, status: 413, messageContains: "larger than"),
    ]

    @Test("bad requests get the status the spec gives and a Status body", arguments: refusals)
    func refused(_ refusal: Refusal) async throws {
        guard try await CollectorHarness.sdkAvailable() else { return }
        let (collector, path, url) = try await CollectorHarness.start(maximumBodyBytes: 256 << 10)
        let target = url.replacingOccurrences(of: "/v1/traces", with: refusal.path)
        let response = try await CollectorHarness.post(
            target, body: refusal.body, contentType: refusal.contentType, gzip: refusal.gzip, method: refusal.method,
            encoding: refusal.encoding)
        // The receiver keeps serving after a refusal.
        let after = try await CollectorHarness.post(url, body: Self.jsonRequest(good: 1, bad: 0), contentType: "application/json")
        _ = await collector.stop()
        #expect(response.status == refusal.status)
        let status: Google_Rpc_Status
        if response.headers["content-type"] == "application/x-protobuf" {
            status = try Google_Rpc_Status(serializedBytes: response.body)
        } else {
            #expect(response.headers["content-type"] == "application/json")
            status = try Google_Rpc_Status(jsonUTF8Bytes: response.body)
        }
        #expect(status.message.contains(refusal.messageContains), "\(status.message)")
        if refusal.status == 405 { #expect(response.headers["allow"] == "POST") }
        #expect(after.status == 200)
        #expect(collector.statistics.refusedRequests == 1)
        #expect(try CollectorHarness.read(path).trace.spanCount == 1, "only the good request reached the file")
    }

    @Test("an empty request succeeds and writes nothing")
    func emptyRequest() async throws {
        guard try await CollectorHarness.sdkAvailable() else { return }
        let (collector, path, url) = try await CollectorHarness.start()
        let response = try await CollectorHarness.post(url, body: [], contentType: "application/x-protobuf")
        _ = await collector.stop()
        #expect(response.status == 200)
        #expect(response.body.isEmpty, "an ExportTraceServiceResponse with nothing set")
        #expect(try CollectorHarness.read(path).trace.spanCount == 0)
    }
}
