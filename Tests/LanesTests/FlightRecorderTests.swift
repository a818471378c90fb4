import Foundation
@testable import Lanes
import LanesFormat
import LanesModel
import LanesTestSupport
import Testing

/// The flight recorder: the last N seconds in memory, written only when a dump is asked for —
/// by the API, by SIGUSR1 to a real server process, or by a slow-span rule. Part of the
/// serialized `RecorderTests` suite (flight recorders are process-wide recordings).
extension RecorderTests {
    /// The labels of the `request` spans in `trace`.
    private static func requestLabels(_ trace: Trace) -> Set<String> {
        Set(trace.spans(named: "request").compactMap { trace.attribute(SpanAttributeKey.label, ofSpan: $0) })
    }

    @Test("dump(to:) writes the window, path then path.1; nothing older than the window")
    func flightRecorderAPI() async throws {
        let path = TraceFixtures.temporaryPath("flight.lanes")
        // A window long enough that a loaded machine still dumps twice within it.
        let recording = try Lanes.flightRecorder(to: path, lastSeconds: 4, dumpSignal: nil, captureJobs: false)
        #expect(recording.isFlightRecorder)
        await Lanes.span("before the window") {}
        try await Task.sleep(for: .milliseconds(4600))
        await Lanes.span("inside the window") { Lanes.attribute("phase", "late") }
        #expect(!FileManager.default.fileExists(atPath: path), "a flight recorder writes nothing until a dump")
        #expect(try await recording.dump() == path)
        await Lanes.span("after the first dump") {}
        #expect(try await recording.dump() == path + ".1")
        let custom = TraceFixtures.temporaryPath("chosen.lanes")
        #expect(try await recording.dump(to: custom) == custom)
        await recording.finish()
        await #expect(throws: LanesRecordingError.self) { try await recording.dump() }

        let first = try TraceLoader.load(path: path)
        #expect(first.trace.metadata.finishedCleanly, "\(first.warnings)")
        #expect(first.trace.spans(named: "inside the window").count == 1)
        #expect(first.trace.spans(named: "before the window").isEmpty, "older than the window")
        #expect(first.trace.attribute("phase", ofSpan: first.trace.span(named: "inside the window")) == "late")
        let window = try #require(first.trace.metadata.flightWindow)
        #expect(window.reason == "dump(to:)")
        #expect(window.end - window.start == 4_000_000_000)
        let second = try TraceFixtures.load(path + ".1")
        #expect(second.spans(named: "after the first dump").count == 1)
        #expect(second.spans(named: "inside the window").count == 1, "still inside the window")
        #expect(try TraceFixtures.load(custom).spans(named: "after the first dump").count == 1)
    }

    @Test("a normal recording refuses dump(to:)")
    func dumpNeedsAFlightRecorder() async throws {
        let recording = try Lanes.record(to: TraceFixtures.temporaryPath("plain.lanes"), captureJobs: false)
        await #expect(throws: LanesRecordingError.self) { try await recording.dump() }
        await recording.finish()
    }

    @Test("kill -USR1 on a server: a dump holding the window, then path.1; nothing written otherwise")
    func dumpOnSignal() async throws {
        let path = TraceFixtures.temporaryPath("server-flight.lanes")
        let server = try ChildProcess(
            ChildProcess.executable("LanesExampleApp"), ["--serve"],
            environment: ["LANES_TRACE": path, "LANES_FLIGHT_RECORDER": "1.5s"])
        let port = try #require(Int(await server.firstLine()?.split(separator: " ").last ?? ""))
        let client = try ServerClient(port: port)
        #expect(client.request("early") == "EARLY")
        try await Task.sleep(for: .milliseconds(2000))
        #expect(client.request("alice") == "ALICE")
        #expect(client.request("slow") == "SLOW")
        #expect(!FileManager.default.fileExists(atPath: path))
        server.signal(SIGUSR1)
        #expect(await ChildProcess.waitForFile(path, seconds: 10), "no dump after SIGUSR1")
        #expect(client.request("bob") == "BOB")
        server.signal(SIGUSR1)
        #expect(await ChildProcess.waitForFile(path + ".1", seconds: 10), "no second dump")
        client.close()
        server.signal(SIGINT)
        let result = await server.finish(timeout: .seconds(20))
        try #require(!result.timedOut)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.isEmpty, "\(result.errors)")

        let first = try TraceLoader.load(path: path)
        #expect(first.trace.metadata.finishedCleanly, "\(first.warnings)")
        #expect(Self.requestLabels(first.trace) == ["alice", "slow"], "the window only: \(Self.requestLabels(first.trace))")
        #expect(first.trace.metadata.flightWindow?.reason == "signal")
        #expect(first.trace.metadata.hasTaskStates, "task states are in the window too")
        #expect(first.trace.metadata.processName == "LanesExampleApp")
        #expect(!first.trace.threads.isEmpty && first.trace.threads.contains { $0.isExecutor })
        #expect(!(0..<first.trace.spanCount).contains { first.trace.name(ofSpan: $0) == "?" }, "every string defined")
        let second = try TraceFixtures.load(path + ".1")
        #expect(Self.requestLabels(second).contains("bob"))
        #expect(!FileManager.default.fileExists(atPath: path + ".2"), "exiting writes no dump")
    }

    @Test("a slow-span rule writes a dump on its own; fast requests do not")
    func dumpOnSlowSpanRule() async throws {
        let path = TraceFixtures.temporaryPath("rule-flight.lanes")
        let server = try ChildProcess(
            ChildProcess.executable("LanesExampleApp"), ["--serve"],
            environment: [
                "LANES_TRACE": path, "LANES_FLIGHT_RECORDER": "30s", "LANES_FLIGHT_TRIGGER": "span:request>15ms",
            ])
        let port = try #require(Int(await server.firstLine()?.split(separator: " ").last ?? ""))
        let client = try ServerClient(port: port)
        for _ in 0..<20 { #expect(client.request("fast") == "FAST") }
        try await Task.sleep(for: .milliseconds(400))
        #expect(!FileManager.default.fileExists(atPath: path), "fast requests fired the rule")
        #expect(client.request("slow") == "SLOW")
        #expect(await ChildProcess.waitForFile(path, seconds: 10), "the slow request fired no dump")
        // A second slow request within the window writes no second dump.
        #expect(client.request("slow") == "SLOW")
        try await Task.sleep(for: .milliseconds(400))
        client.close()
        server.signal(SIGINT)
        let result = await server.finish(timeout: .seconds(20))
        try #require(!result.timedOut)
        #expect(result.status == 0, "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: path + ".1"))

        let trace = try TraceFixtures.load(path)
        #expect(trace.metadata.flightWindow?.reason == "rule span request > 15ms")
        let labels = Self.requestLabels(trace)
        #expect(labels == ["fast", "slow"], "\(labels)")
        let slow = try #require(trace.spans(named: "request").first { trace.attribute(SpanAttributeKey.label, ofSpan: $0) == "slow" })
        #expect(trace.duration(ofSpan: slow) >= 15_000_000)
        #expect(trace.spanStatus[slow] == .ok, "the span that fired the rule ended before the dump")
    }

    @Test("a bad flight-recorder setting is one clear line and the program runs unrecorded")
    func badFlightSetting() async throws {
        let path = TraceFixtures.temporaryPath("bad-flight.lanes")
        let app = try ChildProcess(
            ChildProcess.executable("LanesExampleApp"), ["--messages", "2"],
            environment: ["LANES_TRACE": path, "LANES_FLIGHT_RECORDER": "30s", "LANES_FLIGHT_TRIGGER": "slower than usual"])
        let result = await app.finish(timeout: .seconds(60))
        try #require(!result.timedOut)
        #expect(result.status == 0)
        #expect(result.output.split(separator: "\n").count == 2)
        #expect(result.errors.split(separator: "\n").count == 1 && result.errors.contains("LANES_FLIGHT_TRIGGER"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

extension RecorderTests {
    @Test("lanes record --flight 30s: SIGUSR1 to lanes record writes a dump of the program's window")
    func recordCommandFlight() async throws {
        let path = TraceFixtures.temporaryPath("cli-flight.lanes")
        let record = try ChildProcess(
            ChildProcess.executable("lanes"),
            ["record", "--flight", "30s", "-o", path, "--", ChildProcess.executable("LanesExampleApp"), "--serve"])
        let port = try #require(Int(await record.firstLine()?.split(separator: " ").last ?? ""))
        let client = try ServerClient(port: port)
        #expect(client.request("carol") == "CAROL")
        record.signal(SIGUSR1)
        #expect(await ChildProcess.waitForFile(path, seconds: 10), "no dump after SIGUSR1 to lanes record")
        client.close()
        let server = try #require(Self.children(of: record.pid).first)
        kill(server, SIGINT)
        let result = await record.finish(timeout: .seconds(20))
        try #require(!result.timedOut)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors == "lanes: flight recorder: dumps written: \(path)\n")
        #expect(Self.requestLabels(try TraceFixtures.load(path)) == ["carol"])
    }

    /// The process ids of `pid`'s children (started by any of its threads), from /proc.
    static func children(of pid: Int32) -> [Int32] {
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return threads.flatMap { thread -> [Int32] in
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/children", encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }
}
