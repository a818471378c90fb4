import CLanesTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starts a program with posix_spawn and pipes for its standard streams.
///
/// Why not Foundation's `Process`: the child must start with an empty signal mask and default
/// signal actions (the test runner blocks signals on its threads, and children such as a tmux
/// server or a program the tests stop with SIGINT must not inherit that), and it must hold no
/// descriptor but its three standard ones (another test's pipe inherited by this child would keep
/// that test waiting for an end of file until this child exits).
enum ProcessSpawner {
    /// The parent's ends of a started child's pipes.
    struct Spawned {
        var pid: pid_t
        /// The write end of the child's standard input, or nil when it reads /dev/null.
        var input: Int32?
        var output: Int32
        var errors: Int32
    }

    /// Starts `executable` (a path, or a name looked up in PATH) with `arguments` and exactly
    /// `environment`, in `currentDirectory` when given. Standard input is a pipe when `withInput`,
    /// else /dev/null; standard output and standard error are pipes.
    static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String], currentDirectory: String?, withInput: Bool
    ) throws -> Spawned {
        let pipes = try makePipes(withInput ? 3 : 2, for: executable)
        let (output, errors, input) = (pipes[0], pipes[1], withInput ? pipes[2] : nil)
        // The child's ends are the parent's to close whatever happens; the parent's ends too on failure.
        defer { for descriptor in [output.write, errors.write, input?.read].compactMap({ $0 }) { close(descriptor) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input {
            posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        lanes_test_spawn_add_close_from(&actions, 3)
        if let currentDirectory { lanes_test_spawn_add_chdir(&actions, currentDirectory) }

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

        // strdup'd copies, freed below: posix_spawn copies them into the child before returning.
        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }

        var pid: pid_t = 0
        let result = executable.contains("/")
            ? posix_spawn(&pid, executable, &actions, &attributes, &argv, &envp)
            : posix_spawnp(&pid, executable, &actions, &attributes, &argv, &envp)
        guard result == 0 else {
            for descriptor in [output.read, errors.read, input?.write].compactMap({ $0 }) { close(descriptor) }
            let place = currentDirectory.map { " in \($0)" } ?? ""
            throw ChildProcessError(
                kind: .cannotStart, path: executable,
                description: "cannot start \(executable)\(place): \(String(cString: strerror(result)))")
        }
        return Spawned(pid: pid, input: input?.write, output: output.read, errors: errors.read)
    }

    /// `count` pipes closed on exec (children started by other tests meanwhile must not inherit
    /// them), or none and an error.
    private static func makePipes(_ count: Int, for executable: String) throws -> [(read: Int32, write: Int32)] {
        var pipes: [(read: Int32, write: Int32)] = []
        for _ in 0..<count {
            var descriptors: [Int32] = [-1, -1]
            guard lanes_test_pipe_cloexec(&descriptors) == 0 else {
                let reason = String(cString: strerror(errno))
                for pipe in pipes { close(pipe.read); close(pipe.write) }
                throw ChildProcessError(kind: .cannotStart, path: executable, description: "cannot start \(executable): no pipe: \(reason)")
            }
            pipes.append((descriptors[0], descriptors[1]))
        }
        return pipes
    }
}
