import Testing
@testable import Lanes

@Suite struct RecentStringIDsTests {
    @Test func remembersShortAndLongStrings() {
        let recent = RecentStringIDs()
        let long = String(repeating: "handler.request.", count: 4)
        recent.remember("child", id: 7)
        #expect(recent.id(of: "child") == 7)
        recent.remember(long, id: 9)
        #expect(recent.id(of: long) == 9)
        // The two may share a slot (where a literal lands differs by build); then the later wins.
        let child = recent.id(of: "child")
        #expect(child == 7 || child == nil)
        #expect(recent.id(of: "fetched") == nil)
    }

    @Test func equalTextInOtherStorageIsNotConfused() {
        let recent = RecentStringIDs()
        let first = String(repeating: "x", count: 40)
        recent.remember(first, id: 3)
        // The same text in separate storage may miss (the caller then asks the dictionary),
        // but a different text must never be answered with the first one's id.
        let same = String(repeating: "x", count: 40)
        let answer = recent.id(of: same)
        #expect(answer == nil || answer == 3)
        #expect(recent.id(of: String(repeating: "y", count: 40)) == nil)
    }

    @Test func theEmptyStringIsNotRememberedUntilItIs() {
        let recent = RecentStringIDs()
        #expect(recent.id(of: "") == nil)
        recent.remember("", id: 0)
        #expect(recent.id(of: "") == 0)
    }

    @Test func aStringSharingASlotReplacesTheOlderOne() {
        let recent = RecentStringIDs()
        let names = (0..<1000).map { "name\($0)" }
        for (index, name) in names.enumerated() { recent.remember(name, id: UInt32(index)) }
        var remembered = 0
        for (index, name) in names.enumerated() {
            guard let id = recent.id(of: name) else { continue }
            #expect(id == UInt32(index))
            remembered += 1
        }
        // 64 slots: at most 64 of the 1000 names are still remembered, and each correctly.
        #expect(remembered > 0 && remembered <= 64)
    }
}
