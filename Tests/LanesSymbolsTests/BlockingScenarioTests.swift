import BlockingScenario
import Foundation
import LanesAnalysis
import LanesModel
@testable import LanesViewer
import Testing

/// The watchdog on a real program that blocks in the usual ways and knows nothing of it
/// (`Sources/BlockingScenario`): recorded with `lanes record`, which also appends the symbols,
/// then diagnosed with `SampleDiagnosis` site by site.
@Suite struct BlockingScenarioTests {
    /// `Sources/BlockingScenario/BlockingScenario.swift`, found from this file's path.
    static let scenarioSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/BlockingScenario/BlockingScenario.swift").path

    @Test func everyBlockingSiteIsFoundWithItsLineAndState() async throws {
        let (trace, errors) = try await ScenarioRecording.record("blocking-scenario-lanes")
        let symbols = try #require(trace.sampling.symbols, "lanes record did not append symbols: \(errors)")
        #expect(symbols.notes.isEmpty, "\(symbols.notes)")
        #expect(trace.metadata.watchdog?.isOn == true)
        #expect(trace.metadata.watchdog?.signal ?? 0 > 0)
        let markers = try ScenarioRecording.markedLines(in: Self.scenarioSource)
        #expect(Set(markers.keys) == ["sleep", "semaphore", "compute", "read", "actor"])

        // Every sample's first app frame, so each marked line's samples can be diagnosed alone.
        let sites = trace.sampling.samples.map { sample in
            sample.stack >= 0 ? SampleDiagnosis.firstAppFrame(ofStack: Int(sample.stack), in: trace) : nil
        }
        for (kind, line) in markers.sorted(by: { $0.value < $1.value }) {
            // A CPU loop's samples land anywhere in the loop: its marked line and its body.
            let lines = kind == "compute" ? line...(line + 1) : line...line
            let indexes = sites.indices.filter { index in
                guard let site = sites[index] else { return false }
                return site.filePath.hasSuffix("/BlockingScenario.swift") && lines.contains(site.line)
            }
            let diagnosis = SampleDiagnosis(samples: indexes, in: trace)
            let jobs = Set(indexes.map { [Int64(trace.sampling.samples[$0].thread), trace.sampling.samples[$0].jobStarted] })
            let context = "\(kind) at line \(line): \(diagnosis.sampleCount) samples in \(jobs.count) jobs, \(diagnosis.state?.rawValue ?? "no state"), sleeping \(diagnosis.sleepingFraction), computing \(diagnosis.computingFraction), pre-empted \(diagnosis.preemptedFraction)"
            // Each block lasts 60 ms and is first sampled at 10 ms, then every 5 ms.
            #expect(jobs.count == BlockingScenario.rounds, "\(context)")
            #expect(diagnosis.sampleCount >= BlockingScenario.rounds * 2, "\(context)")
            #expect(diagnosis.site.map { lines.contains($0.line) } == true, "\(context)")
            if kind == "compute" {
                #expect(diagnosis.site?.function == "static Cruncher.checksum()", "\(context)")
                // On a CPU or waiting for one, never sleeping: "computing" on a quiet machine,
                // "pre-empted" when other work held the cores (the shares say which).
                #expect(diagnosis.state == .computing || diagnosis.state == .preempted, "\(context)")
                #expect(diagnosis.sleepingFraction < 0.2, "\(context)")
                #expect(diagnosis.computingFraction > 0.05, "\(context)")
            } else {
                #expect(diagnosis.state == .sleepingOrWaiting, "\(context)")
                #expect(diagnosis.sleepingFraction > 0.9, "\(context)")
            }
        }
        let functions = Dictionary(grouping: sites.compactMap { $0 }, by: \.line).mapValues { Set($0.map(\.function)) }
        #expect(functions[markers["sleep"]!] == ["static Sleeper.legacyCall()"])
        #expect(functions[markers["semaphore"]!] == ["static Waiter.waitForSignal()"])
        #expect(functions[markers["read"]!] == ["static PipeReader.readSlowly()"])
        #expect(functions[markers["actor"]!] == ["Ledger.record()"])

        // The viewer's findings list says what the summary says: every blocking site with its
        // function, file:line and state, on the rows' details lines.
        let analysis = TraceAnalysis(trace: trace)
        let document = ViewerDocument(trace: trace, analysis: analysis, title: "run.lanes")
        var view = ViewState(document: document, size: GridSize(width: 220, height: 50), theme: .utf8)
        _ = view.update(.toggleFindings, document: document)
        var details: [String] = []
        for _ in view.rows.indices {
            details.append(ViewRenderer.render(view, document, size: view.size).lines.suffix(3).joined(separator: "\n"))
            _ = view.update(.moveDown, document: document)
        }
        let listed = details.joined(separator: "\n--\n")
        let sited = TraceSummary(analysis: analysis).findingGroups.filter { $0.rule == .blockingCall && $0.site?.location != nil }
        #expect(sited.count >= 3, "\(listed)")
        for group in sited {
            let site = group.site!.description
            #expect(details.contains { text in text.contains(site) && (group.state.map { text.contains($0.rawValue) } ?? true) },
                    "\(site) not in the viewer's findings:\n\(listed)")
        }
        // The semaphore and the CPU loop run in jobs of their own (a task-group child, an
        // `async let`), so each is a site of its own with its line.
        for kind in ["semaphore", "compute"] {
            let line = markers[kind]!
            let lines = kind == "compute" ? line...(line + 1) : line...line
            #expect(details.contains { text in lines.contains { text.contains("BlockingScenario.swift:\($0)") } },
                    "\(kind) at line \(line) not in the viewer's findings:\n\(listed)")
        }
    }

    /// A program that never heard of Lanes, recorded with `lanes record`, has jobs and no spans:
    /// the viewer opens on its threads, draws the jobs that blocked as blocking, and counts them
    /// in each thread's time held by blocking work, as the summary counts them.
    @Test func theViewerShowsBlockingJobsOnTheirThreads() async throws {
        let (trace, errors) = try await ScenarioRecording.record("blocking-scenario")
        #expect(trace.spanCount == 0, "\(errors)")
        let analysis = TraceAnalysis(trace: trace)
        let jobs = analysis.blockingOccurrences.filter { $0.slice >= 0 }
        #expect(jobs.count >= BlockingScenario.rounds * 5, "\(errors)")
        let document = ViewerDocument(trace: trace, analysis: analysis, title: "run.lanes")
        let state = ViewState(document: document, size: GridSize(width: 160, height: 30), theme: .utf8)
        #expect(state.mode == .threads)
        let threadRows = state.rows.compactMap { row -> Int32? in
            if case .thread(let thread) = row.content { return thread }
            return nil
        }
        let screen = ViewRenderer.render(state, document, size: state.size).lines
        #expect(screen.contains { $0.contains("\(Theme.utf8.blocking)") }, "\(screen.joined(separator: "\n"))")
        // Each thread's held-by-blocking time covers the blocking jobs that ran on it.
        for thread in threadRows {
            let held = jobs.filter { $0.thread == thread }.reduce(Int64(0)) { $0 + ($1.end - $1.begin) }
            #expect(document.threads.totals[Int(thread)].blocked >= held, "thread \(thread)")
        }
        #expect(threadRows.map { document.threads.totals[Int($0)].blocked }.reduce(0, +) > 0)
    }

    /// A job that blocks in two places one after the other (the actor's sleep, then, once the
    /// main task is back on the same thread without suspending, the next round's `Thread.sleep`)
    /// is two occurrences, each at its own line for its own time, not one at the first line.
    @Test func eachPlaceInOneJobIsAnOccurrenceOfItsOwn() async throws {
        let (trace, errors) = try await ScenarioRecording.record("blocking-scenario")
        #expect(trace.sampling.symbols != nil, "lanes record did not append symbols: \(errors)")
        let markers = try ScenarioRecording.markedLines(in: Self.scenarioSource)
        let analysis = TraceAnalysis(trace: trace, evidence: SampleEvidence(trace: trace))
        let block = Int64(BlockingScenario.blockMilliseconds) * 1_000_000
        var byLine: [Int: [BlockingOccurrence]] = [:]
        for occurrence in analysis.blockingOccurrences where occurrence.site.file?.hasSuffix("BlockingScenario.swift") == true {
            byLine[occurrence.site.line, default: []].append(occurrence)
        }
        let described = byLine.sorted { $0.key < $1.key }
            .map { "line \($0.key): \($0.value.map { ($0.end - $0.begin) / 1_000_000 }) ms" }.joined(separator: "; ")
        for (kind, line) in markers {
            let lines = kind == "compute" ? line...(line + 1) : line...line
            let found = lines.flatMap { byLine[$0] ?? [] }
            #expect(found.count == BlockingScenario.rounds, "\(kind) at line \(line): \(described)")
            // Each one block long: never two blocks counted at one line.
            #expect(found.allSatisfy { $0.end - $0.begin < block * 3 / 2 }, "\(kind) at line \(line): \(described)")
        }
    }
}
