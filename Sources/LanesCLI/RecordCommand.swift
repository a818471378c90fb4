import ArgumentParser
import Foundation
import Lanes

/// `lanes record -o FILE -- COMMAND ARGS…`: runs a program with `LANES_TRACE` set.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Run a program with LANES_TRACE set and report where its trace went.",
        discussion: """
            The program must link Lanes and call Lanes.bootstrapFromEnvironment() at start-up. \
            lanes record exits with the program's exit status (128 + N if signal N ended it), \
            4 when the program succeeded but no trace was written, 2 when the program cannot be found.
            """)

    @Option(name: [.short, .customLong("output")], help: "The .lanes file the program records into.")
    var output: String

    @Argument(parsing: .postTerminator, help: "The program and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else {
            throw ValidationError("Please name the program to run after --, e.g. lanes record -o run.lanes -- ./MyApp.")
        }
    }

    func run() async throws {
        let path = URL(fileURLWithPath: output).standardizedFileURL.path
        if let problem = Self.preflight(program: command[0], tracePath: path, environment: ProcessInfo.processInfo.environment) {
            FileHandle.standardError.write(Data((problem.message + "\n").utf8))
            throw ExitCode(problem.code)
        }
        try? FileManager.default.removeItem(atPath: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        var environment = ProcessInfo.processInfo.environment
        environment[Lanes.traceEnvironmentVariable] = path
        process.environment = environment
        do {
            try process.run()
        } catch {
            DemoCommand.printError("\(command[0]): cannot start (\(error.localizedDescription))")
            throw ExitCode(2)
        }
        process.waitUntilExit()
        let status: Int32 = process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? Int
        {
            FileHandle.standardError.write(Data("lanes: trace written to \(path) (\(size) bytes)\n".utf8))
        } else {
            DemoCommand.printError(
                "\(path): no trace was written; does \(command[0]) call Lanes.bootstrapFromEnvironment() at start-up?")
            // The program may have succeeded, but the recording did not: say so in the status.
            throw ExitCode(status == 0 ? 4 : status)
        }
        throw ExitCode(status)
    }
}
