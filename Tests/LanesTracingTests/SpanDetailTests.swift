import Lanes
import LanesModel
import Testing
import Tracing

/// Kinds, attributes, events, errors and status of `withSpan` spans, as read back from the file.
@Suite struct SpanDetailTests {
    @Test func kindsMapToLanesKindsAndKeepTheOpenTelemetryKind() async throws {
        let trace = try await TracingFixtures.record {
            withSpan("GET /users", ofKind: .server) { _ in
                withSpan("SELECT users", ofKind: .client) { _ in }
                withSpan("nested server", ofKind: .server) { _ in }
                withSpan("plain") { _ in }
            }
        }
        let server = trace.span(named: "GET /users")
        #expect(trace.spanKind[server] == .handler)
        #expect(trace.attribute("span.kind", ofSpan: server) == "server")
        let client = trace.span(named: "SELECT users")
        #expect(trace.spanKind[client] == .async)
        #expect(trace.attribute("span.kind", ofSpan: client) == "client")
        // A server span inside another span is not a handler root.
        #expect(trace.spanKind[trace.span(named: "nested server")] == .async)
        let plain = trace.span(named: "plain")
        #expect(trace.spanKind[plain] == .async)
        #expect(trace.attribute("span.kind", ofSpan: plain) == nil)
    }

    @Test func attributesOfEveryTypeBecomeText() async throws {
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
        #expect(trace.attribute("http.status_code", ofSpan: span) == "200")
        #expect(trace.attribute("ratio", ofSpan: span) == "0.5")
        #expect(trace.attribute("cached", ofSpan: span) == "true")
        #expect(trace.attribute("tags", ofSpan: span) == "[a, b]")
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

    @Test func eventsAreInstantChildren() async throws {
        let trace = try await TracingFixtures.record {
            try await withSpan("with events") { span in
                span.addEvent(SpanEvent(name: "cache miss", attributes: ["key": "user:42"]))
                try await Task.sleep(for: .milliseconds(1))
                span.addEvent("retry")
            }
        }
        let parent = trace.span(named: "with events")
        let miss = trace.span(named: "cache miss")
        let retry = trace.span(named: "retry")
        #expect(trace.parentName(of: miss) == "with events", "\(trace.outline)")
        #expect(trace.parentName(of: retry) == "with events")
        #expect(trace.spanFlags[miss].contains(.instant))
        #expect(trace.duration(ofSpan: miss) == 0)
        #expect(trace.attribute("key", ofSpan: miss) == "user:42")
        #expect(trace.spanBegin[miss] <= trace.spanBegin[retry])
        #expect(trace.spanBegin[parent] <= trace.spanBegin[miss] && trace.spanEnd[retry] <= trace.spanEnd[parent])
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
        #expect(trace.attribute("error", ofSpan: fails) == "disk on fire")
        let exception = trace.span(named: "exception")
        #expect(trace.parentName(of: exception) == "fails", "\(trace.outline)")
        #expect(trace.attribute("exception.message", ofSpan: exception) == "disk on fire")
        #expect(trace.attribute("exception.type", ofSpan: exception)?.hasSuffix("TestFailure") == true)
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
        #expect(trace.attribute("error", ofSpan: explicit) == "quota exceeded")
        #expect(trace.spanStatus[trace.span(named: "recorded but ok")] == .ok)
        #expect(trace.spanStatus[trace.span(named: "ok is final")] == .ok)
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
        #expect(trace.spans(named: "late event").isEmpty)
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
