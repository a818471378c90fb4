import ArgumentParser
import Foundation
import Lanes
import LanesFormat
import LanesSymbols

/// `lanes record -o FILE [--flight 30s] -- COMMAND ARGS…`: runs a program with `LANES_TRACE`
/// set (and, with `--flight`, `LANES_FLIGHT_RECORDER`).
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a program: its jobs on the Swift executor, and its spans if it links Lanes.",
        discussion: """
            A dynamically linked Swift program built with the same Swift toolchain is recorded \
            without any change: Lanes is preloaded into it (LD_PRELOAD, libLanesPreload.so beside \
            the lanes executable) and records every job of its global executor. A program that \
            links Lanes and calls Lanes.bootstrapFromEnvironment() records itself, spans included. \
            A static binary, another Swift runtime, or a program that already replaced the global \
            executor runs unrecorded, with one line saying why. Record the built program, not \
            `swift run` or `swift test` (they start it in a process Lanes does not follow): \
            swift build && lanes record -o run.lanes -- .build/debug/App. lanes record exits with the \
            program's exit status (128 + N if signal N ended it), 4 when it succeeded but no \
            trace was written (or the trace's folder is missing), 127 when it cannot be found. \
            With --flight 30s the program keeps only its last 30 seconds in memory and writes a \
            dump (FILE, then FILE.1, …) each time it receives SIGUSR1; lanes record passes on the \
            SIGUSR1 it receives itself.
            """)

    @Option(name: [.short, .customLong("output")], help: "The .lanes file the program records into.")
    var output: String

    @Option(name: .customLong("flight"), help: ArgumentHelp(
        "Keep only the last DURATION (e.g. 30s) in memory; write a dump on SIGUSR1.", valueName: "DURATION"))
    var flight: String?

    @Argument(parsing: .postTerminator, help: "The program and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else {
            throw ValidationError("Please name the program to run after --, e.g. lanes record -o run.lanes -- ./MyApp.")
        }
        if let flight, (EnvironmentSettings.nanoseconds(flight) ?? 0) <= 0 {
            throw ValidationError("--flight takes a duration such as 30s or 500ms, not \"\(flight)\".")
        }
    }

    func run() async throws {
        if let problem = Self.toolchainLaunchProblem(command, output: output) {
            FileHandle.standardError.write(Data((problem + "\n").utf8))
            throw ExitCode(2)
        }
        let path = URL(fileURLWithPath: output).standardizedFileURL.path
        if let problem = Self.preflight(tracePath: path) {
            FileHandle.standardError.write(Data((problem.message + "\n").utf8))
            throw ExitCode(problem.code)
        }
        // An old trace or old dumps of the same name would be taken for this run's.
        for old in RecordCommand.dumps(of: path).reversed() { try? FileManager.default.removeItem(atPath: old) }
        let process = Process()
        guard let executable = Self.resolve(command[0]) else {
            DemoCommand.printError("\(command[0]): no such program (not a file, and not found on PATH)")
            throw ExitCode(127)
        }
        // Started directly, not through env(1): the preload library must load into the program.
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment[Lanes.traceEnvironmentVariable] = path
        if let flight { environment[EnvironmentSettings.flightRecorder] = flight }
        if let preload = Self.preloadLibrary() {
            let existing = environment["LD_PRELOAD"].map { ":" + $0 } ?? ""
            environment["LD_PRELOAD"] = preload + existing
        }
        process.environment = environment
        // Until the forwarding below is set up, a SIGUSR1 must not end lanes record itself.
        if flight != nil { signal(SIGUSR1, SIG_IGN) }
        do {
            try process.run()
        } catch {
            DemoCommand.printError("\(command[0]): cannot start (\(error.localizedDescription))")
            throw ExitCode(2)
        }
        let forwarding = flight == nil ? nil : SignalForwarding(SIGUSR1, to: process.processIdentifier)
        process.waitUntilExit()
        forwarding?.stop()
        let status: Int32 = process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        if flight != nil {
            let dumps = RecordCommand.dumps(of: path)
            let listed = dumps.isEmpty
                ? "no dump was asked for (send SIGUSR1 to write one)"
                : "dumps written: " + dumps.joined(separator: ", ")
            FileHandle.standardError.write(Data("lanes: flight recorder: \(listed)\n".utf8))
        } else if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? Int
        {
            // Symbols now, while the program's files are as they ran: the trace then explains its
            // stacks anywhere. Nothing here can fail the command; notes are one line each.
            do {
                try TraceSymbolication.appendSymbols(toTraceAt: path) { DemoCommand.printError($0) }
            } catch {
                DemoCommand.printError("\(path): symbols not added (\(error))")
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? size
            FileHandle.standardError.write(Data("lanes: trace written to \(path) (\(size) bytes)\n".utf8))
            if let note = Self.emptyTraceNote(path: path, size: size) { DemoCommand.printError(note) }
        } else {
            // The preload library said why on stderr (not a dynamically linked Swift program,
            // another runtime); a program that links Lanes records only if it starts a recording.
            DemoCommand.printError("\(path): no trace was written")
            // The program may have succeeded, but the recording did not: say so in the status.
            throw ExitCode(status == 0 ? 4 : status)
        }
        throw ExitCode(status)
    }

    /// A note when the trace at `path` holds neither a job nor a span: the program that was
    /// preloaded handed over to another one (an exec) or never ran Swift concurrency. Only small
    /// files are read for it; a trace with anything in it is larger.
    static func emptyTraceNote(path: String, size: Int) -> String? {
        guard size < 64 * 1024, let trace = try? TraceLoader.load(path: path).trace,
              trace.spanCount == 0, trace.slices.isEmpty else { return nil }
        return "\(path): the trace holds no jobs and no spans: the program ran no Swift tasks, "
            + "or handed over to another program (exec), which is not recorded; record that program itself"
    }

    /// The executable `name` names: a path if it has a slash, else the first match on PATH.
    static func resolve(_ name: String) -> String? {
        let manager = FileManager.default
        if name.contains("/") { return manager.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (folder.isEmpty ? "." : String(folder)) + "/" + name
            if manager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The preload library beside this executable (both are products of the same build), or nil
    /// with one line on stderr when it is missing: programs that link Lanes still record.
    static func preloadLibrary() -> String? {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let library = executable.deletingLastPathComponent().appendingPathComponent("libLanesPreload.so").path
        if FileManager.default.fileExists(atPath: library) { return library }
        DemoCommand.printError(
            "\(library) is missing, so only programs that link Lanes are recorded (it is built with the lanes executable)")
        return nil
    }

    /// The flight recorder's dumps of `path` that exist: `path`, `path.1`, … in order.
    static func dumps(of path: String) -> [String] {
        var found: [String] = []
        for index in 0..<10_000 {
            let candidate = index == 0 ? path : "\(path).\(index)"
            guard FileManager.default.fileExists(atPath: candidate) else { break }
            found.append(candidate)
        }
        return found
    }
}

/// Passes a signal this process receives on to a child, for as long as it runs.
final class SignalForwarding {
    private let source: any DispatchSourceSignal

    init(_ number: Int32, to child: Int32) {
        signal(number, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { kill(child, number) }
        source.resume()
    }

    func stop() {
        source.cancel()
    }
}
