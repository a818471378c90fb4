import Foundation
import LanesAnalysis
import LanesFormat
import LanesModel
import LanesTestSupport
import LanesViewer
import Testing

/// Python asyncio traces made by the real viztracer from the programs in `Python/`: the committed
/// fixtures, and the same programs traced live when viztracer is installed.
@Suite("asyncio traces from viztracer")
struct AsyncioTraceTests {
    @Test("committed fixtures: findings with file and line, the missing-flag hint, the diff")
    func fixtures() throws {
        try AsyncioScenario.check(directory: AsyncioScenario.fixtureDirectory)
    }

    @Test("the programs traced now by the installed viztracer")
    func live() async throws {
        let probe = try await run(["python3", "-c", "import viztracer"])
        guard probe == 0 else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record("viztracer is not installed (pip install viztracer); CI must run this test")
            } else {
                print("skipped: viztracer is not installed (pip install viztracer)")
            }
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-asyncio-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let status = try await run(["python3", AsyncioScenario.pythonDirectory + "/make_traces.py", directory])
        #expect(status == 0)
        guard status == 0 else { return }
        try AsyncioScenario.check(directory: directory)
    }

    @Test("the viewer draws tasks as rows, steps running, blocking marked, the loop thread by thread")
    func viewer() throws {
        let trace = try AsyncioScenario.load("naive.json", from: AsyncioScenario.fixtureDirectory).trace
        let document = ViewerDocument(trace: trace, analysis: TraceAnalysis(trace: trace), title: "naive.json")
        var state = ViewState(document: document, size: GridSize(width: 120, height: 40), theme: .utf8)
        let tasks = ViewRenderer.render(state, document, size: state.size).lines
        #expect(tasks[0].contains("jobs: asyncio event loop") && tasks[0].contains("blocked"), "\(tasks[0])")
        // A wider header has room for the counts too.
        #expect(ViewRenderer.render(state, document, size: GridSize(width: 200, height: 40)).lines[0].contains("7 tasks"))
        #expect(tasks.contains { $0.contains("▓") })
        #expect(trace.tasks.contains { $0.name == "on_message alice" })
        #expect(tasks.contains { $0.hasPrefix(" executor: 1/1 threads held") || $0.contains("executor:") })
        // The bottom line belongs to the selected row: in the findings list, the costliest group
        // (the loop held at the site) names the site.
        _ = state.update(.toggleFindings, document: document)
        _ = state.update(.moveToTop, document: document)
        let blocking = ViewRenderer.render(state, document, size: state.size).lines
        #expect(blocking.last?.contains("wait_for at naive.py:") == true, "\(blocking.joined(separator: "\n"))")
        _ = state.update(.toggleFindings, document: document)
        _ = state.update(.toggleMode, document: document)
        let threads = ViewRenderer.render(state, document, size: state.size).lines
        #expect(threads.contains { $0.contains("MainThread") })
        #expect(threads.contains { $0.contains("█") || $0.contains("▓") })
    }

    @Test("Lanes' own traces and other Chrome traces are left as they are")
    func otherTraces() throws {
        for name in ["viztracer.json", "chrome-browser.json", "tracing-chrome.json"] {
            let path = AsyncioScenario.packageRoot + "/Tests/LanesFormatTests/Fixtures/" + name
            let result = try TraceLoader.load(path: path)
            #expect(result.trace.metadata.runtime == .swift, "\(name)")
            #expect(result.trace.slices.isEmpty, "\(name)")
        }
        let seed = try TraceLoader.load(path: AsyncioScenario.packageRoot + "/Traces/seed-naive.lanes").trace
        #expect(AsyncioTraceConverter.convert(seed).isNotAsyncio)
    }

    /// Runs `arguments` and returns its exit status (standard output goes to the test log,
    /// standard error is dropped). `finish()` waits on a thread of its own: tracing the programs
    /// takes a minute or two, which must not hold one of the cooperative threads the suites run on.
    private func run(_ arguments: [String]) async throws -> Int32 {
        let result = try await ChildProcess("/usr/bin/env", arguments).finish()
        print(result.output, terminator: "")
        return result.status
    }
}

extension AsyncioTraceConverter.Outcome {
    var isNotAsyncio: Bool {
        if case .notAsyncio = self { return true }
        return false
    }
}
