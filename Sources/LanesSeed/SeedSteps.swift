import Foundation
import Lanes

/// The seed's two kinds of waiting, each `units` seconds long times the scale.
struct SeedSteps: Sendable {
    /// Seconds per unit: the article's steps are 2–7 s; at 0.1 they take 0.2–0.7 s.
    let scale: Double

    /// `wait_for(n)`: a blocking sleep (Python's `time.sleep`), recorded as a sync span.
    func waitFor(_ units: Int) {
        Lanes.syncSpan("wait_for(\(units))") {
            Thread.sleep(forTimeInterval: Double(units) * scale)
        }
    }

    /// `await_for(n)`: a suspending sleep (Python's `asyncio.sleep`), recorded as an async span.
    func awaitFor(_ units: Int) async throws {
        try await Lanes.span("await_for(\(units))") {
            try await Task.sleep(nanoseconds: UInt64(Double(units) * scale * 1e9))
        }
    }
}
