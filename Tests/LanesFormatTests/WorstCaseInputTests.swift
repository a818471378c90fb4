import LanesModel
import LanesWorstCases
import Testing
@testable import LanesFormat

/// The input shapes that once took quadratic time, at sizes where quadratic reading would take
/// minutes (26.6 s for 800,000 slices and 3.3 s for 80,000 async pairs in a release build before
/// the fix); they must read whole and right. Their speed is measured by `LanesBenchmarks worst-case`.
@Suite("Worst-case input shapes")
struct WorstCaseInputTests {
    @Test("800,000 identical task-state slices after one out of order read whole and sorted")
    func identicalSlices() throws {
        let count = 800_000
        let bytes = WorstCaseInputs.identicalSlicesAfterOneOutOfOrder(count: count)
        let result = try LanesFileReader.read(bytes: bytes, path: "slices.lanes")
        let trace = result.trace
        #expect(result.warnings.isEmpty)
        #expect(trace.slices.count == count + 1)
        #expect(trace.slices.first?.started == 10)
        #expect(trace.slices.dropFirst().allSatisfy { $0.started == 20 && $0.ended == 30 })
        // The by-thread order lists every slice once.
        #expect(Set(trace.slicesByThread).count == count + 1)
    }

    @Test("200,000 async spans ended in the order they began each end their own span")
    func asyncEndsInBeginOrder() throws {
        let count = 200_000
        let bytes = WorstCaseInputs.asyncEndsInBeginOrder(count: count)
        let result = try ChromeTraceImporter.read(bytes: bytes, path: "async.json")
        let trace = result.trace
        #expect(result.warnings.isEmpty)
        #expect(trace.spanCount == count)
        // Span sN begins at N µs and ends at count + N µs: each `e` closed the span it named.
        let wrong = (0..<trace.spanCount).filter { span in
            let index = Int64(trace.name(ofSpan: span).dropFirst())!
            return trace.spanBegin[span] != index * 1_000 || trace.spanEnd[span] != (Int64(count) + index) * 1_000
        }
        #expect(wrong.isEmpty)
    }

    @Test("async ends that name no open span close the innermost one; spans ended twice are not reopened")
    func asyncEndFallbacks() throws {
        let text = """
        [{"ph":"b","cat":"c","id":"1","name":"outer","pid":1,"tid":1,"ts":0},
         {"ph":"b","cat":"c","id":"1","name":"inner","pid":1,"tid":1,"ts":1},
         {"ph":"e","cat":"c","id":"1","name":"outer","pid":1,"tid":1,"ts":2},
         {"ph":"e","cat":"c","id":"1","name":"other","pid":1,"tid":1,"ts":3},
         {"ph":"e","cat":"c","id":"1","name":"inner","pid":1,"tid":1,"ts":4},
         {"ph":"b","cat":"c","id":"1","name":"open","pid":1,"tid":1,"ts":5}]
        """
        let result = try ChromeTestSupport.importChrome(text)
        let trace = result.trace
        func span(_ name: String) -> Int { (0..<trace.spanCount).first { trace.name(ofSpan: $0) == name }! }
        #expect(trace.spanEnd[span("outer")] == 2_000)
        #expect(trace.spanEnd[span("inner")] == 3_000)  // "other" names no open span: the innermost
        #expect(trace.spanStatus[span("open")] == .unfinished)
        #expect(result.warnings.map(\.message).contains("ignored 1 end event (E/e/F) with no matching begin"))
        #expect(result.warnings.map(\.message).contains("1 span never ended (B/b without E/e); closed at the last timestamp"))
    }
}
