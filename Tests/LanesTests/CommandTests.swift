import Foundation
import LanesModel
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

    @Test("lanes record: a program that is not Swift runs unrecorded with one line saying why, and its exit status comes through", arguments: [0, 3])
    func recordWithoutLanes(status: Int32) async throws {
        let path = TraceFixtures.temporaryPath("none.lanes")
        let lanes = try ChildProcess.executable("lanes")
        let result = try await ChildProcess(lanes, ["record", "-o", path, "--", "sh", "-c", "exit \(status)"]).finish()
        #expect(result.status == status)
        #expect(result.errors == """
            lanes: sh is not a dynamically linked Swift program (a static binary, or not Swift); it runs unrecorded
            lanes: \(path): no trace was written

            """)
    }

    @Test("lanes record without a program is a usage error")
    func recordWithoutProgram() async throws {
        let result = try await ChildProcess(ChildProcess.executable("lanes"), ["record", "-o", "x.lanes"]).finish()
        #expect(result.status == 2)
        #expect(result.errors.hasPrefix("Error: Please name the program to run after --"))
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
