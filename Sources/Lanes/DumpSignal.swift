import CLanesRuntime
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Dumps by signal: `kill -USR1 PID` writes a dump of every flight recorder listening for it.
/// The C handler posts a semaphore; one Lanes thread, started with the first listener, waits on
/// it and asks the recorders' writers for the dumps.
enum DumpSignal {
    private static let state = Locked<(listeners: [Unmanaged<Recorder>], started: Bool)>(([], false))

    /// Makes `signal` dump `recorder`. When the program handles that signal itself, Lanes leaves
    /// the handler alone and says so in one line.
    static func listen(_ recorder: Recorder, signal: Int32) {
        let status = lanes_install_dump_signal(signal)
        guard status == 0 else {
            printRecorderWarning(status == 1
                ? "the program handles signal \(signal) itself; flight-recorder dumps by signal are off (set \(EnvironmentSettings.flightSignal) to another signal)"
                : "cannot handle signal \(signal); flight-recorder dumps by signal are off")
            return
        }
        let first = state.withLock { state -> Bool in
            state.listeners.removeAll { !$0.takeUnretainedValue().isRunning }
            state.listeners.append(Unmanaged.passUnretained(recorder))
            defer { state.started = true }
            return !state.started
        }
        if first { startWaiting() }
    }

    private static func startWaiting() {
        let thread = Thread {
            lanes_block_process_signals()
            while true {
                lanes_wait_dump_signal()
                let recorders = state.withLock { $0.listeners.map { $0.takeUnretainedValue() } }
                for recorder in recorders where recorder.isRunning {
                    recorder.requestDump(to: nil, reason: "signal", isAutomatic: false) { _ in }
                }
            }
        }
        thread.name = "lanes-dump-signal"
        thread.start()
    }
}
