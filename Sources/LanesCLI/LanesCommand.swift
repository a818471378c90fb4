import ArgumentParser
import Foundation
import LanesViewer

/// The `lanes` command: record, view, summarise, compare and convert traces of Swift concurrency.
@main
struct LanesCommand: AsyncParsableCommand {
    /// Runs the command, mapping usage errors to exit code 2 (as getopt-based tools do) instead
    /// of the argument parser's 64, so the README's exit-code table holds.
    static func main() async {
        // The viewer keeps what it loads while it runs: its loading threads share one allocator
        // arena, so that what they free goes back to the system (see `FreedMemory.useOneArena`).
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "view" || (arguments.first == "diff" && arguments.contains("--view")) {
            FreedMemory.useOneArena()
        }
        if let unknown = CommandSuggestion.unknownCommand(in: Array(CommandLine.arguments.dropFirst())) {
            FileHandle.standardError.write(Data((unknown + "\n").utf8))
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = fullMessage(for: error)
                FileHandle.standardError.write(Data((message + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "lanes",
        abstract: "See what your Swift tasks did: what blocked a thread, what overlapped, what waited.",
        discussion: """
            Every command reads .lanes files, Chrome Trace Event JSON and OTLP JSON, detected by content.
            Exit codes: 0 success, 1 a check failed (--fail-on, --fail-if-slower), \
            2 usage error, 3 unreadable input, 4 could not write output, 5 could not listen (collect).
            """,
        version: "0.1.0",
        subcommands: [
            DemoCommand.self,
            ViewCommand.self,
            SummaryCommand.self,
            DiffCommand.self,
            ConvertCommand.self,
            ExportCommand.self,
            RecordCommand.self,
            CollectCommand.self,
        ]
    )
}
