import Foundation
import LanesFormat
import LanesModel
import LanesTestSupport
import LanesWriter
import Testing

/// `lanes view --follow` on a file that grows while the viewer shows it, in a real terminal.
@Suite("lanes view --follow in tmux", .serialized)
struct ViewerFollowTests {
    /// Two handlers on two threads: the file holds one chunk per thread, so it can be written in
    /// two steps, as a recorder flushing its threads' buffers would.
    static func traceBytes() -> (first: [UInt8], rest: [UInt8]) {
        var builder = TraceBuilder()
        for (offset, name) in ["alice", "bob"].enumerated() {
            let thread = builder.thread(id: UInt64(offset + 1), name: "executor \(offset + 1)", isExecutor: true)
            let task = builder.task(id: UInt64(offset + 1))
            let start = Int64(offset) * 300_000_000
            let root = builder.addSpan(name: builder.intern("on_message \"\(name)\""), kind: .handler,
                                       begin: start, end: start + 600_000_000, task: task, thread: thread)
            builder.addSpan(name: builder.intern("wait_for(3)"), kind: .sync, begin: start, end: start + 300_000_000,
                            parent: root, task: task, thread: thread, flags: .onExecutor)
        }
        let bytes = LanesTraceWriter.encode(builder.build())
        // Cut after the first events record: everything before the second one.
        var offset = LanesFileLayout.magic.count + 2
        var eventsSeen = 0
        while offset + LanesFileLayout.recordHeaderSize <= bytes.count {
            let length = Int(bytes[offset + 2]) | Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4]) << 16 | Int(bytes[offset + 5]) << 24
            if bytes[offset + 1] == LanesRecordType.events.rawValue {
                eventsSeen += 1
                if eventsSeen == 2 { break }
            }
            offset += LanesFileLayout.recordHeaderSize + length
        }
        return (Array(bytes[..<offset]), Array(bytes[offset...]))
    }

    @Test("shows what is in the file, then what is appended to it",
          .enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed"))
    func followsAGrowingFile() throws {
        let lanes = try ChildProcess.executable("lanes")
        let directory = try LanesProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("growing.lanes").path
        let (first, rest) = Self.traceBytes()
        #expect(!rest.isEmpty)
        try Data(first).write(to: URL(fileURLWithPath: path))

        let session = try TmuxSession(name: "follow", lanes: lanes, arguments: ["view", "--follow", path])
        defer { session.close() }

        let before = try session.screen { $0.contains("? help") }
        #expect(before.contains("on_message \"alice\""))
        #expect(!before.contains("on_message \"bob\""), "bob's chunk is not in the file yet")

        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(rest))
        try handle.close()

        let after = try session.screen { $0.contains("on_message \"bob\"") }
        #expect(after.contains("on_message \"bob\""), "the appended chunk shows up without restarting the viewer")
        #expect(after.contains("on_message \"alice\""))
        try session.send("q")
    }
}
