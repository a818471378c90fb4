import Lanes
import LanesFormat
import LanesModel
import Testing
import Tracing

/// OpenTelemetry facts recorded once the recording's bounded string table is full: nothing is
/// lost silently (typed values fall back to text, event attributes are counted as dropped).
@Suite struct FullStringTableTests {
    @Test("with the string table full, typed values, event attributes and status messages survive or are counted")
    func fullTable() async throws {
        _ = TracingFixtures.tracer
        let path = TracingFixtures.temporaryPath("full.lanes")
        let count = 2_000
        // 512 KiB of memory: the smallest string table (64 KiB), of which values may take half,
        // about 300 of these; the rest cannot be interned.
        try await Lanes.record(to: path, memoryLimit: 512 << 10) {
            for index in 0..<count {
                withSpan("request") { span in
                    span.attributes["tags"] = ["tag-\(index)-\(String(repeating: "t", count: 40))"]
                    span.addEvent(SpanEvent(name: "exception", attributes: [
                        "exception.message": "boom \(index) \(String(repeating: "m", count: 40))",
                        "attempt": 2,
                    ]))
                    span.setStatus(SpanStatus(code: .error, message: "failed \(index) \(String(repeating: "f", count: 40))"))
                }
            }
        }
        let trace = try TraceLoader.load(path: path).trace
        let requests = (0..<trace.spanCount).filter { trace.name(ofSpan: $0) == "request" }
        #expect(requests.count == count)
        var typed = 0
        var asText = 0
        var eventsWithMessage = 0
        var eventsCounted = 0
        var statusMessages = 0
        for span in requests {
            switch trace.typedAttributes(ofSpan: span).first(where: { $0.key == "tags" })?.value {
            case .array(let values) where values.first?.description.contains("tag-") == true: typed += 1
            case .string(let text) where text.contains("tag-"): asText += 1
            default: break
            }
            let events = trace.events(ofSpan: span)
            #expect(events.count == 1)
            for event in events {
                let keys = trace.attributes(start: event.attributeStart, count: event.attributeCount).map { trace.strings[$0.key] }
                #expect(keys.contains("attempt"), "the int attribute needs no string value")
                if keys.contains("exception.message") { eventsWithMessage += 1 } else if event.droppedAttributes == 1 { eventsCounted += 1 }
            }
            if let message = trace.errorMessage(ofSpan: span), message.hasPrefix("failed ") { statusMessages += 1 }
        }
        #expect(typed + asText == count, "every tag read back, typed or as text (\(typed) typed, \(asText) text)")
        #expect(typed > 0 && asText > 0, "the table filled part-way (\(typed) typed, \(asText) text)")
        #expect(eventsWithMessage + eventsCounted == count, "\(eventsWithMessage) kept, \(eventsCounted) counted as dropped")
        #expect(eventsCounted > 0)
        #expect(statusMessages == count, "every status message read back")
    }
}
