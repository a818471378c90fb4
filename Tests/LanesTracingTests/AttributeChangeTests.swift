import LanesModel
import Testing
import Tracing

/// Which attribute values `LanesTracer` records when a framework sets the attributes again and
/// again through `updateAttributes` (read them, change a few, set them all back): each change
/// exactly once, never an unchanged value again, whatever the keys (more keys than the tracer
/// keeps slots for, keys that collide, keys built at run time).
@Suite struct AttributeChangeTests {
    @Test(arguments: [1, 2, 3, 4, 5])
    func everyChangeOnceAndNothingElse(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        // Literal-like keys and keys built at run time (new storage each time), more than eight.
        let keys = (0..<20).map { index in index % 2 == 0 ? "attribute.\(index)" : "http.request.header.x_\(index)" }
        var expected: [String: [String]] = [:]
        var current: [String: String] = [:]
        let trace = try await TracingFixtures.record {
            withSpan("request") { span in
                for _ in 0..<30 {
                    var set: [String: String] = [:]
                    span.updateAttributes { attributes in
                        for _ in 0..<3 {
                            let key = keys[Int(random.next() % UInt64(keys.count))]
                            let value = "v\(random.next() % 3)"
                            // A copy of the key with storage of its own, as a framework building
                            // it per request would pass.
                            attributes[String(key.utf8.map { Character(UnicodeScalar($0)) })] = value
                            set[key] = value
                        }
                    }
                    // What the span holds after this set, compared with what it held before.
                    for (key, value) in set.sorted(by: { $0.key < $1.key }) where current[key] != value {
                        expected[key, default: []].append(value)
                        current[key] = value
                    }
                }
            }
        }
        let span = trace.span(named: "request")
        var recorded: [String: [String]] = [:]
        for attribute in trace.attributes(ofSpan: span) { recorded[attribute.key, default: []].append(attribute.value) }
        #expect(recorded == expected)
    }

    @Test func aRemovedKeyThatComesBackReadsBackWithItsValue() async throws {
        let trace = try await TracingFixtures.record {
            withSpan("request") { span in
                span.attributes["db.system"] = "sqlite"
                span.attributes["db.rows"] = 3
                span.updateAttributes { $0["db.system"] = nil }
                span.updateAttributes { $0["db.system"] = "postgresql" }
                span.updateAttributes { $0["db.rows"] = 4 }
            }
        }
        let span = trace.span(named: "request")
        #expect(trace.attribute("db.system", ofSpan: span) == "postgresql")
        #expect(trace.attribute("db.rows", ofSpan: span) == "4")
        #expect(trace.attributes(ofSpan: span).filter { $0.key == "db.rows" }.map(\.value) == ["3", "4"])
    }
}
