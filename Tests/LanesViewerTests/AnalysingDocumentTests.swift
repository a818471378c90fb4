import LanesAnalysis
import LanesModel
import LanesSynthetic
import LanesViewer
import Testing

/// `lanes view` builds its document with the analysis on another thread beside the indexes that
/// read only the trace (`ViewerDocument(analysing:title:)`): every view must draw exactly what the
/// document built one step after the other draws.
@Suite("Document analysed while indexed")
struct AnalysingDocumentTests {
    static func frames(_ document: ViewerDocument) -> [[String]] {
        var frames: [[String]] = []
        var state = ViewState(document: document, size: GridSize(width: 140, height: 40), theme: .utf8)
        frames.append(ViewRenderer.render(state, document, size: state.size).lines)
        for action: ViewAction in [.moveToBottom, .activate, .toggleRoutes, .moveDown, .expand, .nextBlocking, .toggleFindings, .toggleFindings, .cycleMode, .cycleMode, .cycleMode] {
            _ = state.update(action, document: document)
            frames.append(ViewRenderer.render(state, document, size: state.size).lines)
        }
        return frames
    }

    @Test("the server trace and the seed-shaped traces draw the same frames either way",
          arguments: ["server", "naive", "improved", "naive without states"])
    func sameFrames(_ name: String) {
        let trace: Trace = switch name {
        case "server": RouteViewTests.trace
        case "naive": SeedLikeTrace.build(.naive)
        case "improved": SeedLikeTrace.build(.improved)
        default: SeedLikeTrace.build(.naive, taskStates: false)
        }
        let oneAfterTheOther = ViewerDocument(trace: trace, analysis: TraceAnalysis(trace: trace), title: "t.lanes")
        let atOnce = ViewerDocument(analysing: trace, title: "t.lanes")
        #expect(atOnce.blockingSpans == oneAfterTheOther.blockingSpans)
        #expect(atOnce.analysis.findings.count == oneAfterTheOther.analysis.findings.count)
        let expected = Self.frames(oneAfterTheOther)
        let frames = Self.frames(atOnce)
        #expect(frames.count == expected.count)
        for (index, frame) in frames.enumerated() where index < expected.count {
            #expect(frame == expected[index], "frame \(index) differs")
        }
    }
}
