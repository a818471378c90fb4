import ArgumentParser
import Foundation
import Lanes
import LanesSeed

/// `lanes demo`: records the seed scenario twice (naive and improved) and says where.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Record the seed scenario (three chat messages and a heartbeat on a 2-thread executor), naive and improved.",
        discussion: """
            Writes seed-naive.lanes and seed-improved.lanes into --out (default: a new temporary \
            folder, printed). The files are written while the scenario runs. \
            Then opens the viewer on the naive run, or, without a terminal or with --no-view, \
            prints both summaries.
            """)

    @Option(name: .long, help: "The folder to write the two traces into (created if missing).")
    var out: String?

    @Option(name: .long, help: "Seconds per second of the article's example (0.1: the naive handler sleeps 1.8 s).")
    var scale: Double = 0.1

    @Flag(name: .long, help: "Do not open the viewer; print both summaries instead (also what happens without a terminal).")
    var noView = false

    func validate() throws {
        guard scale.isFinite, scale > 0, scale <= 10 else {
            throw ValidationError("Please give a --scale between 0 (exclusive) and 10, e.g. --scale 0.1.")
        }
    }

    func run() async throws {
        let folder = try out ?? DemoCommand.newTemporaryFolder()
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            DemoCommand.printError("\(folder): cannot create the folder (\(error.localizedDescription))")
            throw ExitCode(4)
        }
        print("lanes demo: recording into \(folder)/")
        var paths: [String] = []
        for variant in SeedVariant.allCases {
            let path = (folder as NSString).appendingPathComponent("seed-\(variant.rawValue).lanes")
            let start = ContinuousClock.now
            do {
                try await SeedDemo.record(variant, scale: scale, to: path)
            } catch let error as LanesRecordingError {
                DemoCommand.printError(error.message)
                throw ExitCode(4)
            } catch {
                DemoCommand.printError("\(error)")
                throw ExitCode(4)
            }
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            print("  \(variant.rawValue): \(path)  (\(String(format: "%.2f", seconds)) s)")
            paths.append(path)
        }
        print("view with: lanes view \(paths[0])   compare with: lanes diff \(paths[0]) \(paths[1])")
        let environment = ProcessInfo.processInfo.environment
        let interactive = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
            && !["dumb", ""].contains(environment["TERM"] ?? "")
        if !noView && interactive {
            let viewer = try ViewCommand.parse([paths[0]])
            try await viewer.run()
            return
        }
        // No terminal to draw on (or --no-view): the two summaries instead.
        for path in paths {
            print("")
            let summary = try SummaryCommand.parse([path])
            try await summary.run()
        }
    }

    /// A new folder `lanes-demo-XXXXXX` in the temporary directory (`TMPDIR`, else /tmp), so a
    /// demo never litters the directory it was started from.
    static func newTemporaryFolder() throws -> String {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array((base + "/lanes-demo-XXXXXX").utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            DemoCommand.printError("\(base): cannot create a temporary folder (pass --out DIR)")
            throw ExitCode(4)
        }
        return String(cString: created)
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("lanes: \(message)\n".utf8))
    }
}
