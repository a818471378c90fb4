import Foundation
import LanesTestSupport

extension ChildProcess {
    /// Waits up to `seconds` for a file to exist at `path` with a complete footer-sized tail,
    /// i.e. for a dump to be written.
    static func waitForFile(_ path: String, seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
               let size = attributes[.size] as? Int, size > 12 {
                // A dump is written by one thread in one go; give it a moment to finish.
                try? await Task.sleep(for: .milliseconds(200))
                return true
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
