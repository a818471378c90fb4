import LanesAnalysis
import LanesModel
import LanesViewer

/// A viewer over a trace, driven by actions the way the terminal backend drives it.
struct ViewerHarness {
    let document: ViewerDocument
    var state: ViewState

    init(_ trace: Trace, title: String = "seed-naive.lanes", width: Int = 120, height: Int = 40, theme: Theme = .utf8) {
        document = ViewerDocument(trace: trace, analysis: TraceAnalysis(trace: trace), title: title)
        state = ViewState(document: document, size: GridSize(width: width, height: height), theme: theme)
    }

    /// Applies `actions` in order; returns the effect of the last one.
    @discardableResult
    mutating func press(_ actions: ViewAction...) -> ViewEffect {
        var effect = ViewEffect.none
        for action in actions { effect = state.update(action, document: document) }
        return effect
    }

    /// Types `text` into the search prompt.
    mutating func type(_ text: String) {
        for character in text { _ = state.update(.searchInput(character), document: document) }
    }

    var grid: CellGrid { ViewRenderer.render(state, document, size: state.size) }
    var lines: [String] { grid.lines }
}
