import Foundation
import LanesTerminal
import Synchronization
import Testing

/// `lanes view --follow`'s re-reading thread, on real files. The tests wait with `Task.sleep`,
/// not by blocking a thread: other suites record timing-sensitive scenarios on the same
/// cooperative threads meanwhile.
@Suite struct FollowedFileTests {
    /// A fresh file with `text` in it, removed when the test ends.
    final class TemporaryFile: Sendable {
        let path: String

        init(_ text: String) throws {
            path = FileManager.default.temporaryDirectory
                .appendingPathComponent("lanes-followed-\(UUID().uuidString).txt").path
            try text.write(toFile: path, atomically: false, encoding: .utf8)
        }

        func append(_ text: String) throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        }

        deinit { unlink(path) }
    }

    /// Waits up to five seconds for a reading.
    static func nextReading<Document>(of followed: FollowedFile<Document>) async throws -> Document? {
        for _ in 0..<500 {
            if let document = followed.takeNewest() { return document }
            try await pause(milliseconds: 10)
        }
        return nil
    }

    static func pause(milliseconds: Int) async throws {
        try await Task.sleep(for: .milliseconds(milliseconds))
    }

    static func contents(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func anAppendedFileIsReadAgain() async throws {
        let file = try TemporaryFile("first\n")
        let followed = FollowedFile(path: file.path, pollMilliseconds: 20, load: Self.contents)
        defer { followed.stop() }
        try await Self.pause(milliseconds: 100)
        #expect(followed.takeNewest() == nil, "nothing changed yet")
        try file.append("second\n")
        #expect(try await Self.nextReading(of: followed) == "first\nsecond\n")
        #expect(followed.takeNewest() == nil, "a reading is taken once")
    }

    @Test func aFailedReadingIsTriedAgainWithoutAnotherChange() async throws {
        let file = try TemporaryFile("first\n")
        let attempts = Atomic<Int>(0)
        let followed = FollowedFile(path: file.path, pollMilliseconds: 20) { path -> String? in
            attempts.add(1, ordering: .relaxed).newValue == 1 ? nil : Self.contents(path)
        }
        defer { followed.stop() }
        try file.append("second\n")
        #expect(try await Self.nextReading(of: followed) == "first\nsecond\n")
        #expect(attempts.load(ordering: .relaxed) >= 2)
    }

    @Test func slowReadingsAreSpacedOut() async throws {
        let file = try TemporaryFile("0\n")
        let readings = Atomic<Int>(0)
        // Each reading takes 200 ms; polled every 20 ms, a file that changes all the time would be
        // read about five times a second. Waiting twice the reading's time allows about two.
        let followed = FollowedFile(path: file.path, pollMilliseconds: 20) { path -> String? in
            readings.add(1, ordering: .relaxed)
            usleep(200_000)
            return Self.contents(path)
        }
        let deadline = Date().addingTimeInterval(1.3)
        var line = 1
        while Date() < deadline {
            try file.append("\(line)\n")
            line += 1
            try await Self.pause(milliseconds: 10)
        }
        followed.stop()
        let count = readings.load(ordering: .relaxed)
        #expect(count >= 1 && count <= 4, "\(count) readings in 1.3 s")
    }

    @Test func stoppingEndsTheReadings() async throws {
        let file = try TemporaryFile("first\n")
        let followed = FollowedFile(path: file.path, pollMilliseconds: 20, load: Self.contents)
        followed.stop()
        try await Self.pause(milliseconds: 60)
        try file.append("second\n")
        try await Self.pause(milliseconds: 200)
        #expect(followed.takeNewest() == nil)
    }
}
