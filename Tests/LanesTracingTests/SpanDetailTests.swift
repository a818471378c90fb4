import Lanes
import LanesModel
import Testing
import Tracing

/// Kinds, attributes, events, errors and status of `withSpan` spans, as read back from the file.
@Suite struct SpanDetailTests {
    @Test func kindsMapToLanesKindsAndRecordTheOpenTelemetryKind() async throws {
        let trace = try await TracingFixtures.record {
            withSpan("GET /users", ofKind: .server) { _ in
                withSpan("SELECT users", ofKind: .client) { _ in }
                withSpan("nested server", ofKind: .server) { _ in }
                withSpan("plain") { _ in }
            }
        }
        let server = trace.span(named: "GET /users")
        #expect(trace.spanKind[server] == .handler)
        #expect(trace.telemetry(ofSpan: server)?.kind == .server)
        #expect(trace.attribute("span.kind", ofSpan: server) == nil, "the kind is not an attribute")
        let client = trace.span(named: "SELECT users")
        #expect(trace.spanKind[client] == .async)
        #expect(trace.telemetry(ofSpan: client)?.kind == .client)
        // A server span inside another span is not a handler root.
        #expect(trace.spanKind[trace.span(named: "nested server")] == .async)
        let plain = trace.span(named: "plain")
        #expect(trace.spanKind[plain] == .async)
        #expect(trace.telemetry(ofSpan: plain)?.kind == .internal)
    }

    @Test func attributesKeepTheirTypes() async throws {
        let trace = try await TracingFixtures.record {
            withSpan("attributed") { span in
                span.attributes["http.method"] = "GET"
                span.attributes["http.status_code"] = 200
                span.attributes["ratio"] = 0.5
                span.attributes["cached"] = true
                span.attributes["tags"] = ["a", "b"]
                span.attributes["http.method"] = "POST"
            }
        }
        let span = trace.span(named: "attributed")
        let typed = Dictionary(trace.typedAttributes(ofSpan: span).map { ($0.key, $0.value) }) { _, last in last }
        #expect(typed["http.status_code"] == .int(200))
        #expect(typed["ratio"] == .double(0.5))
        #expect(typed["cached"] == .bool(true))
        #expect(typed["tags"] == .array([.string("a"), .string("b")]))
        #expect(trace.attribute("http.status_code", ofSpan: span) == "200", "shown as text")
        #expect(trace.attribute("tags", ofSpan: span) == #"["a", "b"]"#)
        let methods = trace.attributes(ofSpan: span).filter { $0.key == "http.method" }.map(\.value)
        #expect(methods == ["GET", "POST"], "every change is recorded, in order")
    }

    @Test func attributesReadBackFromTheSpan() async throws {
        _ = try await TracingFixtures.record {
            withSpan("readable") { span in
                span.attributes["key"] = "value"
                span.operationName = "renamed"
                #expect(span.attributes["key"]?.toSpanAttribute() == .string("value"))
                #expect(span.operationName == "renamed")
                #expect(span.isRecording)
            }
        }
    }

    @Test func eventsAreSpanEvents() async throws {
        let trace = try await TracingFixtures.record {
            try await withSpan("with events") { span in
                span.addEvent(SpanEvent(name: "cache miss", attributes: ["key": "user:42", "attempt": 2]))
                try await Task.sleep(for: .milliseconds(1))
                span.addEvent("retry")
            }
        }
        let parent = trace.span(named: "with events")
        #expect(trace.spanCount == 1, "events are not spans: \(trace.outline)")
        #expect(trace.eventNames(of: parent) == ["cache miss", "retry"])
        let events = Array(trace.events(ofSpan: parent))
        #expect(trace.attributes(of: events[0]) == [
            AttributeKeyValue(key: "attempt", value: .int(2)), AttributeKeyValue(key: "key", value: .string("user:42")),
        ])
        #expect(events[0].time <= events[1].time)
        #expect(trace.spanBegin[parent] <= events[0].time && events[1].time <= trace.spanEnd[parent])
    }

    @Test func thrownErrorsEndTheSpanWithErrorStatus() async throws {
        let trace = try await TracingFixtures.record {
            await #expect(throws: TestFailure.self) {
                try await withSpan("fails") { _ in
                    await Task.yield()
                    throw TestFailure(description: "disk on fire")
                }
            }
        }
        let fails = trace.span(named: "fails")
        #expect(trace.spanStatus[fails] == .error)
        #expect(trace.errorMessage(ofSpan: fails) == "disk on fire")
        #expect(trace.telemetry(ofSpan: fails)?.statusCode == .error)
        #expect(trace.eventNames(of: fails) == ["exception"])
        let exception = try #require(trace.events(ofSpan: fails).first)
        let attributes = trace.attributes(of: exception)
        #expect(attributes.first { $0.key == "exception.message" }?.value == .string("disk on fire"))
        #expect(attributes.first { $0.key == "exception.type" }?.value.description.hasSuffix("TestFailure") == true)
    }

    @Test func statusDecidesTheOutcome() async throws {
        let trace = try await TracingFixtures.record {
            withSpan("explicit error") { span in
                span.setStatus(SpanStatus(code: .error, message: "quota exceeded"))
            }
            withSpan("recorded but ok") { span in
                span.recordError(TestFailure(description: "handled"))
            }
            withSpan("ok is final") { span in
                span.setStatus(SpanStatus(code: .ok))
                span.setStatus(SpanStatus(code: .error, message: "too late"))
            }
        }
        let explicit = trace.span(named: "explicit error")
        #expect(trace.spanStatus[explicit] == .error)
        #expect(trace.errorMessage(ofSpan: explicit) == "quota exceeded")
        #expect(trace.spanStatus[trace.span(named: "recorded but ok")] == .ok)
        #expect(trace.telemetry(ofSpan: trace.span(named: "recorded but ok"))?.statusCode == .unset)
        #expect(trace.spanStatus[trace.span(named: "ok is final")] == .ok)
        #expect(trace.telemetry(ofSpan: trace.span(named: "ok is final"))?.statusCode == .ok)
    }

    @Test func endingTwiceAndChangesAfterEndAreIgnored() async throws {
        let trace = try await TracingFixtures.record {
            let span = TracingFixtures.tracer.startSpan("ended once")
            span.end()
            span.attributes["late"] = "ignored"
            span.addEvent("late event")
            span.end()
            #expect(!span.isRecording)
        }
        #expect(trace.spans(named: "ended once").count == 1)
        #expect(trace.spanStatus[trace.span(named: "ended once")] == .ok)
        #expect(trace.attribute("late", ofSpan: trace.span(named: "ended once")) == nil)
        #expect(trace.eventNames(of: trace.span(named: "ended once")).isEmpty)
    }

    @Test func activeSpanIsFoundFromItsContext() async throws {
        let tracer = TracingFixtures.tracer
        let trace = try await TracingFixtures.record {
            tracer.withSpan("active") { span in
                let found = tracer.activeSpan(identifiedBy: InstrumentationContext.current ?? .topLevel)
                found?.attributes["found"] = "yes"
                #expect(found?.operationName == "active")
                #expect(span.attributes["found"]?.toSpanAttribute() == .string("yes"), "both share one span")
            }
            #expect(tracer.activeSpan(identifiedBy: InstrumentationContext.current ?? .topLevel) == nil)
        }
        #expect(trace.attribute("found", ofSpan: trace.span(named: "active")) == "yes")
    }

    @Test func nothingRecordsOutsideARecording() async throws {
        // Other suites in this process start process-wide recordings now and then (the recorder's
        // own tests); a span outside a scoped recording rightly records into those. Wait for a
        // moment when none runs.
        for _ in 0..<200 where TracingBackend.isRecordingProcessWide {
            try await Task.sleep(for: .milliseconds(25))
        }
        withSpan("unrecorded") { span in
            #expect(!span.isRecording)
            span.attributes["ignored"] = 1
            #expect(span.attributes.isEmpty)
        }
    }
}
