import Foundation
@testable import LanesTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The tests' one child-process runner, on real children of /bin/sh.
@Suite("ChildProcess, the tests' runner")
struct ChildProcessTests {
    static let mebibyte = 1 << 20

    /// A shell command writing `count` copies of `letter`.
    static func letters(_ letter: Character, _ count: Int) -> String {
        "head -c \(count) /dev/zero | tr '\\0' '\(letter)'"
    }

    @Test("1 MiB to stderr, then 1 MiB to stdout: finishes with both (reading stdout to its end first would deadlock)")
    func bothStreamsLarge() async throws {
        // While the child fills stderr, stdout stays open: a runner that reads stdout to its end
        // before stderr waits for ever, and the child waits on the full stderr pipe.
        let child = try ChildProcess(
            "/bin/sh", ["-c", "\(Self.letters("e", Self.mebibyte)) >&2; \(Self.letters("o", Self.mebibyte))"])
        let result = await child.finish(timeout: .seconds(60))
        #expect(!result.timedOut, "the child stalled on a full pipe")
        #expect(result.status == 0)
        #expect(result.errors.utf8.count == Self.mebibyte && result.errors.utf8.allSatisfy { $0 == UInt8(ascii: "e") })
        #expect(result.output.utf8.count == Self.mebibyte && result.output.utf8.allSatisfy { $0 == UInt8(ascii: "o") })
    }

    @Test("stderr is drained while the test waits for a line on stdout")
    func linesWhileStderrFills() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "\(Self.letters("e", Self.mebibyte)) >&2; echo ready; echo done"])
        #expect(await child.firstLine(timeout: .seconds(60)) == "ready")
        #expect(await child.waitForLine(timeout: .seconds(60)) { $0.hasPrefix("do") } == "done")
        let result = await child.finish(timeout: .seconds(60))
        #expect(!result.timedOut && result.status == 0)
        #expect(child.lines(of: .output) == ["ready", "done"])
        #expect(result.errors.utf8.count == Self.mebibyte)
    }

    @Test("the exit status and standard input are passed through")
    func statusAndInput() async throws {
        let input = (0..<Self.mebibyte).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        let child = try ChildProcess("/bin/sh", ["-c", "cat; echo bye >&2; exit 7"], input: input)
        let result = await child.finish(timeout: .seconds(60))
        #expect(result.status == 7 && result.signal == nil && !result.timedOut)
        #expect(Array(result.output.utf8) == input)
        #expect(result.errors == "bye\n")
        #expect(child.termination == ChildProcess.Termination(status: 7, signal: nil))
        #expect(!child.isRunning)

        let noInput = try await ChildProcess("/bin/sh", ["-c", "wc -c"]).finish(timeout: .seconds(60))
        #expect(noInput.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "standard input is /dev/null")
        #expect(try ChildProcess("/bin/sh", ["-c", "exit 3"]).finishBlocking().status == 3, "the synchronous variant")
    }

    @Test("signals reach the child; a signalled child says which; signalling an ended one does nothing")
    func signals() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "trap 'echo interrupted; exit 5' INT; echo waiting; while :; do sleep 0.05; done"])
        #expect(await child.firstLine(timeout: .seconds(30)) == "waiting")
        #expect(child.isRunning && child.signal(SIGINT))
        let interrupted = await child.finish(timeout: .seconds(30))
        #expect(interrupted.status == 5 && interrupted.output == "waiting\ninterrupted\n")
        #expect(!child.signal(SIGKILL), "the child has been reaped")

        let killed = try ChildProcess("/bin/sleep", ["30"])
        #expect(killed.signal(SIGKILL))
        let result = await killed.finish(timeout: .seconds(30))
        #expect(result.signal == SIGKILL && result.status == 128 + SIGKILL && !result.timedOut)
    }

    @Test("a timeout kills the child with SIGKILL and says so")
    func timeout() async throws {
        // `sleep` would end by itself with status 0 after 1,000 s: ended by SIGKILL, it was the
        // timeout that ended it. (Wall time here also counts waits for a cooperative thread,
        // which a loaded test run makes long: a CI run took 66 s.)
        let started = ContinuousClock.now
        let result = try await ChildProcess("/bin/sleep", ["1000"]).finish(timeout: .milliseconds(300))
        #expect(result.timedOut && result.signal == SIGKILL && result.status == 128 + SIGKILL)
        #expect(ContinuousClock.now - started < .seconds(500))
    }

    @Test("environment: LANES_TRACE is not inherited unless set; extra variables added; or exactly the given ones")
    func environment() async throws {
        let inherited = ["LANES_TRACE": "developer.lanes", "PATH": "/bin", "KEEP": "1"]
        #expect(ChildProcess.environment(inheriting: inherited, adding: ["EXTRA": "x"]) == ["PATH": "/bin", "KEEP": "1", "EXTRA": "x"])
        #expect(ChildProcess.environment(inheriting: inherited, adding: ["LANES_TRACE": "t.lanes", "KEEP": "2"])
            == ["LANES_TRACE": "t.lanes", "PATH": "/bin", "KEEP": "2"])
        // And in a real child: inherited variables arrive, extra ones too.
        let script = "echo \"${LANES_TRACE-unset} ${PATH:+inherited} ${EXTRA-unset}\""
        let plain = try await ChildProcess("/bin/sh", ["-c", script], environment: ["EXTRA": "x"]).finish()
        #expect(plain.output == "unset inherited x\n")
        let traced = try await ChildProcess("/bin/sh", ["-c", script], environment: ["LANES_TRACE": "t.lanes"]).finish()
        #expect(traced.output == "t.lanes inherited unset\n")
        let exact = try await ChildProcess("/usr/bin/env", [], environment: ["ONLY": "1"], inheritingEnvironment: false).finish()
        #expect(exact.output == "ONLY=1\n")
    }

    @Test("the working directory is the one given")
    func workingDirectory() async throws {
        let folder = FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path
        let result = try await ChildProcess("/bin/sh", ["-c", "pwd -P"], currentDirectory: folder).finish()
        #expect(result.output == folder + "\n")
    }

    @Test("a missing program is a clear error, not a crash or a child that exits 127")
    func missingExecutable() throws {
        let error = #expect(throws: ChildProcessError.self) { try ChildProcess("/nonexistent/lanes-tool", ["x"]) }
        #expect(error?.kind == .cannotStart)
        #expect(error?.description == "cannot start /nonexistent/lanes-tool: No such file or directory")
        #expect(throws: ChildProcessError.self) { try ChildProcess("no-such-program-for-lanes-tests", []) }
        #expect(throws: ChildProcessError.self) { try ChildProcess("/bin/sh", [], currentDirectory: "/nonexistent/folder") }

        let unbuilt = #expect(throws: ChildProcessError.self) { try ChildProcess.executable("no-such-lanes-product") }
        #expect(unbuilt?.kind == .notBuilt)
        #expect(unbuilt?.description.hasSuffix("no-such-lanes-product is missing: run `swift build` before `swift test`") == true)
    }
}
