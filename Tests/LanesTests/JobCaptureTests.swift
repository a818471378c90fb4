import Foundation
import LanesFormat
import LanesModel
import LanesTestSupport
import Testing

/// Job capture on the default executor, in child processes (a takeover lasts for the process).
@Suite("Job capture")
struct JobCaptureTests {
    @Test("tasks, sleeps, cancellation, actors, priorities, the main actor and withTaskStates behave the same on Lanes' executor as on the runtime's", arguments: ["default", "lanes"])
    func sameBehaviour(mode: String) async throws {
        let path = TraceFixtures.temporaryPath("probe.lanes")
        let arguments = mode == "lanes" ? [mode, path] : [mode]
        let result = try await ChildProcess(ChildProcess.executable("job-capture-probe"), arguments).finish()
        let lines = result.output.split(separator: "\n")
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(!lines.contains { $0.contains(" FAIL ") }, "\(lines.filter { $0.contains(" FAIL ") })")
        var expected = ["sleep", "cancellation", "actor", "structured", "priority", "main-actor", "with-task-states", "task-name"]
        if mode == "lanes" { expected += ["sleep-thread", "delay-hook", "deadline-hook"] }
        for check in expected {
            #expect(lines.contains { $0.hasPrefix("\(check) ok") }, "\(check) did not pass: \(result.output)")
        }
        guard mode == "lanes" else { return }
        let trace = try TraceFixtures.load(path)
        #expect(trace.metadata.jobCapture?.isCapturing == true)
        #expect(trace.metadata.jobCapture?.width ?? 0 >= 1)
        #expect(trace.slices.count > 200, "every job is recorded: \(trace.slices.count)")
        #expect(trace.tasks.contains { $0.name == "probe-named-task" })
        let globalThreads = Set(trace.slices.map(\.thread)).filter { trace.threads[Int($0)].name.hasPrefix("lanes-global-") }
        #expect(!globalThreads.isEmpty)
        let parented = (0..<trace.tasks.count).filter { trace.tasks.parent(ofTask: $0) != nil }.count
        #expect(parented > trace.tasks.count / 2, "tasks know who started them: \(parented) of \(trace.tasks.count)")
    }

    @Test("LANES_CAPTURE_JOBS=0 turns job capture off, with one line, and spans are still recorded")
    func optOut() async throws {
        let path = TraceFixtures.temporaryPath("off.lanes")
        let result = try await ChildProcess(
            ChildProcess.executable("blocking-scenario-lanes"), [],
            environment: ["LANES_TRACE": path, "LANES_CAPTURE_JOBS": "0"]).finish()
        #expect(result.status == 0)
        #expect(result.errors == "lanes: job capture is off (LANES_CAPTURE_JOBS=0); spans are still recorded\n")
        let trace = try TraceFixtures.load(path)
        #expect(trace.slices.isEmpty)
        #expect(trace.metadata.jobCapture?.isCapturing == false)
    }

    @Test("recording starts and stops 100 times in a row without a hang; every file reads back")
    func startStop() async throws {
        let path = TraceFixtures.temporaryPath("round")
        let started = ContinuousClock.now
        let result = try await ChildProcess(ChildProcess.executable("job-capture-probe"), ["startstop", path, "100"]).finish()
        #expect(result.status == 0, "\(result.errors)")
        #expect(ContinuousClock.now - started < .seconds(120), "slow rounds: \(result.errors)")
        for round in [0, 50, 99] {
            let trace = try TraceFixtures.load("\(path).\(round)")
            #expect(trace.metadata.finishedCleanly)
            #expect(!trace.slices.isEmpty, "round \(round) recorded its jobs")
        }
    }

    @Test("a process killed with SIGKILL while capturing jobs leaves a file that reads back")
    func killed() async throws {
        let path = TraceFixtures.temporaryPath("killed.lanes")
        let child = try ChildProcess(ChildProcess.executable("job-capture-probe"), ["forever", path])
        try await Task.sleep(for: .milliseconds(600))
        child.signal(SIGKILL)
        let result = await child.finish()
        #expect(result.output.hasPrefix("recording"))
        let loaded = try TraceLoader.load(path: path)
        #expect(!loaded.trace.metadata.finishedCleanly)
        #expect(loaded.trace.metadata.jobCapture?.isCapturing == true)
        #expect(loaded.trace.slices.count > 100, "\(loaded.trace.slices.count) jobs read back")
    }

    @Test("a program that never imports Lanes is recorded by lanes record, as the same program linking Lanes is")
    func unmodifiedProgram() async throws {
        let withoutLanes = TraceFixtures.temporaryPath("plain.lanes")
        let recorded = try await ChildProcess(
            ChildProcess.executable("lanes"),
            ["record", "-o", withoutLanes, "--", ChildProcess.executable("blocking-scenario")]).finish()
        #expect(recorded.status == 0, "\(recorded.errors)")
        #expect(recorded.errors.contains("trace written to \(withoutLanes)"))
        let withLanes = TraceFixtures.temporaryPath("linked.lanes")
        let linked = try await ChildProcess(
            ChildProcess.executable("blocking-scenario-lanes"), [], environment: ["LANES_TRACE": withLanes]).finish()
        #expect(linked.status == 0, "\(linked.errors)")
        for path in [withoutLanes, withLanes] {
            let trace = try TraceFixtures.load(path)
            #expect(trace.metadata.jobCapture?.isCapturing == true, "\(path)")
            #expect(trace.tasks.contains { $0.name == "heartbeat" }, "\(path)")
            // Five blocking sites, three rounds, 60 ms each: about 0.9 s of held threads.
            let held = trace.slices.filter { $0.ended - $0.started >= 50_000_000 }.reduce(Int64(0)) { $0 + $1.ended - $1.started }
            #expect(held >= 800_000_000 && held < 2_000_000_000, "\(path): \(held) ns held by long jobs")
        }
    }

    @Test("a Swift program built with the standard library linked statically runs unrecorded, with one line saying why")
    func staticBinary() async throws {
        let folder = TraceFixtures.temporaryPath("static")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let source = folder + "/hello.swift"
        try #"print("static hello")"#.write(toFile: source, atomically: true, encoding: .utf8)
        let binary = folder + "/hello"
        let compiled = try await ChildProcess("/usr/bin/env", ["swiftc", "-static-stdlib", source, "-o", binary]).finish()
        try #require(compiled.status == 0, "swiftc -static-stdlib failed: \(compiled.errors)")
        let path = folder + "/trace.lanes"
        let result = try await ChildProcess(ChildProcess.executable("lanes"), ["record", "-o", path, "--", binary]).finish()
        // The program succeeded, the recording did not: lanes record says so with status 4.
        #expect(result.status == 4)
        #expect(result.output == "static hello\n")
        #expect(result.errors.hasPrefix(
            "lanes: hello is not a dynamically linked Swift program (a static binary, or not Swift); it runs unrecorded\n"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
