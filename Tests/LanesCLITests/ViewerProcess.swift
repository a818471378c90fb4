import Foundation

/// Runs a program to completion for the viewer's CLI tests: posix_spawn with a clean signal
/// mask (the test runner blocks signals on its threads, and children such as a tmux server must
/// not inherit that), output through files, reaped with waitpid.
enum ViewerProcess {
    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ argv: [String], environment: [String: String]? = nil) throws -> Result {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("lanes-viewer-process-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        let outputPath = base + ".out"
        let errorPath = base + ".err"
        defer {
            unlink(outputPath)
            unlink(errorPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var arguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in arguments { free(pointer) } }
        var pid: pid_t = 0
        let result: Int32
        if let environment {
            var variables: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { for pointer in variables { free(pointer) } }
            result = posix_spawn(&pid, argv[0], &actions, &attributes, &arguments, &variables)
        } else {
            result = posix_spawn(&pid, argv[0], &actions, &attributes, &arguments, environ)
        }
        guard result == 0 else { throw SpawnError(description: "cannot start \(argv[0]): error \(result)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(
            status: exitStatus,
            output: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
    }
}
