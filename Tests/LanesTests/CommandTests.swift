import Foundation
import LanesModel
import LanesTestSupport
import Testing

/// `lanes record` and `lanes demo`, run as real processes.
@Suite("lanes record and lanes demo")
struct CommandTests {
    @Test("lanes record runs the program with LANES_TRACE set, reports the trace and passes on the status")
    func record() async throws {
        let path = TraceFixtures.temporaryPath("recorded.lanes")
        let lanes = try ChildProcess.executable("lanes")
        let app = try ChildProcess.executable("LanesExampleApp")
        let result = try await ChildProcess(lanes, ["record", "-o", path, "--", app, "--messages", "2"]).finish()
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.contains("lanes: trace written to \(path)"))
        #expect(result.output.split(separator: "\n").count == 2)
        let trace = try TraceFixtures.load(path)
        #expect(trace.spans(displayed: "on_message \"user1\"").count == 1)
    }

    @Test("lanes record: a program that is not Swift runs unrecorded with one line saying why; a failure comes through, a success becomes 4",
          arguments: [(Int32(0), Int32(4)), (3, 3)])
    func recordWithoutLanes(status: Int32, expected: Int32) async throws {
        let path = TraceFixtures.temporaryPath("none.lanes")
        let lanes = try ChildProcess.executable("lanes")
        let result = try await ChildProcess(lanes, ["record", "-o", path, "--", "sh", "-c", "exit \(status)"]).finish()
        #expect(result.status == expected)
        #expect(result.errors == """
            lanes: sh is not a dynamically linked Swift program (a static binary, or not Swift); it runs unrecorded
            lanes: \(path): no trace was written

            """)
    }

    @Test("lanes record names a missing program or output folder instead of blaming the program")
    func recordPreflight() async throws {
        let lanes = try ChildProcess.executable("lanes")
        let path = TraceFixtures.temporaryPath("run.lanes")
        let missing = try await ChildProcess(lanes, ["record", "-o", path, "--", "no-such-program-for-lanes"]).finish()
        #expect(missing.status == 127)
        #expect(missing.errors.contains("no-such-program-for-lanes: no such program"))
        #expect(!missing.errors.contains("bootstrapFromEnvironment"))
        let folder = TraceFixtures.temporaryPath("missing-folder")
        let noFolder = try await ChildProcess(lanes, ["record", "-o", folder + "/run.lanes", "--", "true"]).finish()
        #expect(noFolder.status == 4)
        #expect(noFolder.errors == "lanes: \(folder)/run.lanes: the folder \(folder) does not exist; create it or choose another -o\n")
        #expect(!noFolder.errors.contains("bootstrapFromEnvironment"))
    }

    @Test("a mistyped command gets a suggestion", arguments: [("summry", "summary"), ("viwe", "view"), ("dif", "diff"), ("recrod", "record")])
    func didYouMean(typed: String, meant: String) async throws {
        let result = try await ChildProcess(ChildProcess.executable("lanes"), [typed, "x.lanes"]).finish()
        #expect(result.status == 2)
        #expect(result.errors == "lanes: '\(typed)' is not a lanes command; did you mean '\(meant)'? (lanes --help lists them)\n")
    }

    @Test("lanes export --help offers only the formats export writes")
    func exportHelp() async throws {
        let result = try await ChildProcess(ChildProcess.executable("lanes"), ["export", "--help"]).finish()
        #expect(result.output.contains("(values: chrome,\n") || result.output.contains("(values: chrome, otlp)"))
        #expect(!result.output.contains("lanes, chrome"))
    }

    @Test("lanes record -- swift run / swift test says to record the built program, with the commands")
    func recordThroughTheToolchain() async throws {
        let lanes = try ChildProcess.executable("lanes")
        let run = try await ChildProcess(lanes, ["record", "-o", "my run.lanes", "--", "swift", "run", "-c", "release", "App", "serve", "--port", "8080"]).finish()
        #expect(run.status == 2)
        #expect(run.errors == "lanes: `swift run` starts your program in a process of its own, which lanes record does not follow; "
            + "build it, then record the program itself: swift build -c release && lanes record -o 'my run.lanes' -- .build/release/App serve --port 8080\n")
        let test = try await ChildProcess(lanes, ["record", "-o", "t.lanes", "--", "swift", "test", "--package-path", "Pkg"]).finish()
        #expect(test.status == 2)
        #expect(test.errors.contains("build them, then record the test binary itself: swift build --package-path Pkg --build-tests && lanes record -o t.lanes -- Pkg/.build/debug/NAMEPackageTests.xctest"))
    }

    /// The Swift driver (`swift --version`) is a Swift program that runs no tasks: its trace holds
    /// nothing, and lanes record says so instead of only "trace written".
    @Test("lanes record says when the trace holds no jobs and no spans")
    func recordEmptyTrace() async throws {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        let swift = try #require(folders.map { "\($0)/swift" }.first { FileManager.default.isExecutableFile(atPath: $0) },
                                 "swift is not on PATH")
        let path = TraceFixtures.temporaryPath("driver.lanes")
        let result = try await ChildProcess(try ChildProcess.executable("lanes"), ["record", "-o", path, "--", swift, "--version"]).finish()
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.contains("lanes: \(path): the trace holds no jobs and no spans"), "\(result.errors)")
    }

    @Test("lanes record without a program is a usage error")
    func recordWithoutProgram() async throws {
        let result = try await ChildProcess(ChildProcess.executable("lanes"), ["record", "-o", "x.lanes"]).finish()
        #expect(result.status == 2)
        #expect(result.errors.hasPrefix("Error: Please name the program to run after --"))
    }

    @Test("lanes demo without --out writes into a new temporary folder, not the current directory")
    func demoTemporaryFolder() async throws {
        let workingDirectory = TraceFixtures.temporaryPath("demo-cwd")
        try FileManager.default.createDirectory(atPath: workingDirectory, withIntermediateDirectories: true)
        let result = try await ChildProcess(ChildProcess.executable("lanes"), ["demo", "--scale", "0.01", "--no-view"],
                                            currentDirectory: workingDirectory).finish()
        #expect(result.status == 0, "\(result.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workingDirectory).isEmpty)
        let temporary = FileManager.default.temporaryDirectory.path
        let line = result.output.split(separator: "\n").first { $0.hasPrefix("lanes demo: recording into ") }
        #expect(line?.contains(temporary + "/lanes-demo-") == true)
    }

    @Test("lanes demo records the naive and improved runs into --out")
    func demo() async throws {
        let folder = TraceFixtures.temporaryPath("demo")
        let result = try await ChildProcess(
            ChildProcess.executable("lanes"), ["demo", "--out", folder, "--scale", "0.01", "--no-view"]
        ).finish()
        #expect(result.status == 0, "\(result.errors)")
        for variant in ["naive", "improved"] {
            let path = folder + "/seed-\(variant).lanes"
            #expect(result.output.contains(path))
            let trace = try TraceFixtures.load(path)
            #expect(trace.spans(displayed: "on_message \"carol\"").count == 1)
            #expect(trace.metadata.hasTaskStates)
        }
    }
}
