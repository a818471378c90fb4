import Foundation
import LanesFormat
import LanesModel
import LanesTestSupport
import Testing

/// `lanes view` without a terminal: printed frames, the notice when standard output is not a
/// terminal, and one-line errors with the documented exit codes. Runs the built binary.
@Suite("lanes view, printed and failing")
struct ViewCommandTests {
    static func traceFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-view-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).lanes").path
        try Data(ViewerTmuxTests.traceBytes()).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("--print renders one frame of the requested size, plain when colour is off")
    func printFrame() throws {
        let lanes = try ChildProcess.executable("lanes")
        let trace = try Self.traceFile()
        defer { unlink(trace) }
        let result = try ChildProcess(
            lanes, ["view", trace, "--print", "--width", "90", "--height", "20", "--color=never"],
            environment: ["LANG": "C.UTF-8", "TERM": "xterm"], inheritingEnvironment: false
        ).finishBlocking()
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 20)
        #expect(lines.allSatisfy { $0.unicodeScalars.count <= 90 })
        #expect(lines.first?.contains(".lanes") == true)
        #expect(result.output.contains("on_message \"alice\""))
        #expect(!result.output.contains("\u{1B}"))
        #expect(result.errors.isEmpty)

        let coloured = try ChildProcess(
            lanes, ["view", trace, "--print", "--width", "90", "--height", "20", "--color=always"],
            environment: ["LANG": "C.UTF-8", "TERM": "xterm"], inheritingEnvironment: false
        ).finishBlocking()
        #expect(coloured.output.contains("\u{1B}[31m"))
    }

    @Test("without a terminal it says so on stderr and prints the frame; ASCII without UTF-8")
    func notATerminal() throws {
        let lanes = try ChildProcess.executable("lanes")
        let trace = try Self.traceFile()
        defer { unlink(trace) }
        let result = try ChildProcess(
            lanes, ["view", trace], environment: ["LANG": "C", "TERM": "xterm"], inheritingEnvironment: false
        ).finishBlocking()
        #expect(result.status == 0)
        #expect(result.errors.contains("standard output is not a terminal"))
        #expect(result.output.contains("on_message"))
        #expect(result.output.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test("bad input is one line naming the file, with the documented exit code", arguments: [
        (["view", "/nonexistent/run.lanes"], Int32(3), "lanes: /nonexistent/run.lanes: no such file"),
        (["view", "TRACE", "--print", "--width", "0"], Int32(2), "--width must be between 1 and 4096"),
        (["view", "TRACE", "--print", "--height", "99999"], Int32(2), "--height must be between 1 and 2048"),
        (["view", "TRACE", "--follow", "--diff", "TRACE"], Int32(2), "--follow cannot be combined with --diff"),
    ])
    func errors(arguments: [String], status: Int32, message: String) throws {
        let lanes = try ChildProcess.executable("lanes")
        let trace = try Self.traceFile()
        defer { unlink(trace) }
        let result = try ChildProcess(
            lanes, arguments.map { $0 == "TRACE" ? trace : $0 }, environment: ["LANG": "C.UTF-8"], inheritingEnvironment: false
        ).finishBlocking()
        #expect(result.status == status)
        #expect(result.errors.contains(message), "stderr: \(result.errors)")
        #expect(result.output.isEmpty)
    }

    @Test("a file that is not a trace exits 3 with one line")
    func notATrace() throws {
        let lanes = try ChildProcess.executable("lanes")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-garbage-\(getpid()).lanes").path
        try Data("garbage\u{1B}[2J".utf8).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let result = try ChildProcess(lanes, ["view", path, "--print"]).finishBlocking()
        #expect(result.status == 3)
        #expect(result.errors.split(separator: "\n").count == 1)
        #expect(result.errors.hasPrefix("lanes: \(path): "))
    }
}
