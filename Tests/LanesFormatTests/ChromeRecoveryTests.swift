import Foundation
import LanesModel
import Testing
@testable import LanesFormat

/// A damaged Chrome event is skipped to the next event boundary and reading goes on: one bad
/// byte costs one event, not the rest of the file, and the loss is said in one line.
@Suite("Chrome import skips damaged events")
struct ChromeRecoveryTests {
    typealias Support = ChromeTestSupport

    /// `count` complete events `e0`, `e1`, … one per line, in the bare-array or object form.
    static func events(_ count: Int, inObject: Bool = false) -> [UInt8] {
        var lines: [String] = []
        for index in 0..<count {
            lines.append(#"{"ph":"X","name":"e\#(index)","cat":"c","ts":\#(index * 10),"dur":5,"pid":1,"tid":1,"args":{"i":\#(index),"list":[1,2]}}"#)
        }
        let array = "[\n" + lines.joined(separator: ",\n") + "\n]"
        return Array((inObject ? #"{"traceEvents":"# + array + #","displayTimeUnit":"ns"}"# : array).utf8)
    }

    static func names(_ trace: Trace) -> Set<String> { Set((0..<trace.spanCount).map { trace.name(ofSpan: $0) }) }

    @Test("a flipped byte at 73% of a file loses at most the event it hit", arguments: [false, true])
    func flipAt73Percent(inObject: Bool) throws {
        let count = 2_000
        let bytes = Self.events(count, inObject: inObject)
        let offset = bytes.count * 73 / 100
        // Every byte value at that offset, and at the next few offsets (structure and text alike).
        for shift in 0..<40 {
            for value in Array("{}[]\",:\\x0 ".utf8) + [0x00, 0xFF] {
                var damaged = bytes
                guard damaged[offset + shift] != value else { continue }
                damaged[offset + shift] = value
                let result = try ChromeTraceImporter.read(bytes: damaged, path: "flip.json")
                let kept = Self.names(result.trace).intersection((0..<count).map { "e\($0)" })
                #expect(kept.count >= count - 1, "byte \(offset + shift) set to \(value): kept \(kept.count) of \(count)")
                // Events after the damage are all there.
                let tail = (count * 3 / 4..<count).map { "e\($0)" }
                #expect(Set(tail).isSubset(of: kept), "byte \(offset + shift) set to \(value)")
                // A lost event is never lost silently (damage, a phase or time made unreadable); a
                // flip inside a name only renames its event.
                if result.trace.spanCount < count { #expect(!result.warnings.isEmpty, "byte \(offset + shift) set to \(value)") }
            }
        }
    }

    @Test("random damage in many places keeps every event it did not hit")
    func randomFlips() throws {
        let count = 500
        let bytes = Self.events(count)
        var random = SplitMix64(seed: 15)
        for _ in 0..<200 {
            var damaged = bytes
            let flips = 1 + Int(random.next() % 5)
            for _ in 0..<flips {
                let offset = 2 + Int(random.next() % UInt64(bytes.count - 4))
                damaged[offset] = UInt8(truncatingIfNeeded: random.next())
            }
            let result = try ChromeTraceImporter.read(bytes: damaged, path: "flips.json")
            let kept = Self.names(result.trace).intersection((0..<count).map { "e\($0)" })
            // Each flip costs at most two events (one it hit, one a runaway string ran into).
            #expect(kept.count >= count - 2 * flips, "kept \(kept.count) of \(count) after \(flips) flips: \(result.warnings)")
        }
    }

    @Test("damaged events are counted in one warning line")
    func skippedWarning() throws {
        var text = String(decoding: Self.events(6), as: UTF8.self)
        text = text.replacingOccurrences(of: #""name":"e1","#, with: #""name":"e1" "#)
        text = text.replacingOccurrences(of: #""name":"e4","#, with: #""name":"e4";"#)
        let (trace, warnings) = try Support.importChrome(text)
        #expect(Self.names(trace) == ["e0", "e2", "e3", "e5"])
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.hasPrefix("skipped 2 damaged events (the first at byte ") == true)
        #expect(warnings.first?.message.hasSuffix("); read on after each") == true)
    }

    @Test("a comma damaged into ']' between events loses nothing")
    func strayClose() throws {
        let text = #"[{"ph":"X","name":"a","ts":1,"dur":1,"pid":1,"tid":1}]{"ph":"X","name":"b","ts":2,"dur":1,"pid":1,"tid":1}]"#
        let (trace, warnings) = try Support.importChrome(text)
        #expect(Self.names(trace) == ["a", "b"])
        #expect(warnings.isEmpty)
    }

    @Test("junk after the closing bracket is ignored")
    func junkAfterArray() throws {
        let (trace, warnings) = try Support.importChrome(#"[{"ph":"X","name":"a","ts":1,"dur":1,"pid":1,"tid":1}] trailing junk"#)
        #expect(Self.names(trace) == ["a"])
        #expect(warnings.isEmpty)
    }

    @Test("runaway strings everywhere cannot make the search for the next event slow")
    func hostileSearch() throws {
        // Every `,{` starts a string that escapes its own closing quotes to the end of the file:
        // each candidate would read to the end, so an unbounded search would be quadratic.
        let text = #"[{"ph":"X","name":"a","ts":1,"dur":1,"pid":1,"tid":1},{"ph":"X","name":1 1"#
            + String(repeating: #",{"\""#, count: 200_000)
        let (trace, warnings) = try Support.importChrome(text)
        #expect(Self.names(trace) == ["a"])
        #expect(!warnings.isEmpty)
    }
}
