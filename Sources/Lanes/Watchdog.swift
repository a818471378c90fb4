import CLanesRuntime
import Foundation
import LanesModel
import Synchronization

/// The watchdog: one thread per process that looks at every job running on Lanes' watched
/// executor threads (job capture's pool and `withTaskStates`' executors) and samples the thread
/// of any job that has run for a while: its scheduler state, its CPU and run-queue counters, and
/// its call stack. `lanes summary` and the viewer turn the samples into "this job was sleeping
/// in `Sleeper.legacyCall()` at BlockingScenario.swift:37".
///
/// It starts with the first watched executor thread while a recording runs and lives for the
/// rest of the process; `LANES_WATCHDOG=0` turns it off. See `WatchdogTiming` for when it
/// samples, `WatchdogSampler` for how, and `Sources/CLanesRuntime/WatchdogSignal.c` for the
/// signal that takes a running thread's stack (`LANES_WATCHDOG_SIGNAL` chooses it).
enum Watchdog {
    /// The environment variable that turns the watchdog off: `LANES_WATCHDOG=0`.
    static let switchVariable = "LANES_WATCHDOG"
    /// The environment variable that chooses the signal: a number, `RTMIN+N` or `RTMAX-N`.
    static let signalVariable = "LANES_WATCHDOG_SIGNAL"

    /// The settings, decided (and the signal handler installed) once, at the first recording.
    static let settings: WatchdogSettings = decideSettings()

    private static let started = Atomic<Bool>(false)

    /// Tells a new recording what the watchdog does, and records the loaded images it will
    /// need to symbolicate stacks; starts the watchdog if watched threads already exist.
    /// A process-wide recording records the images at once; a scoped one (tests, libraries)
    /// only before its first stack, so that recordings without samples stay small.
    static func recordingStarted(_ recorder: Recorder, isProcessWide: Bool) {
        let settings = Watchdog.settings
        recorder.noteWatchdog(settings)
        guard settings.isOn else { return }
        if isProcessWide { recorder.noteLoadedImages(LoadedImages.shared.images) }
        if lanes_worker_slot_count() > 0 { startIfNeeded() }
    }

    /// Called by a watched executor thread once it has claimed worker slot `slot`: says which
    /// recording the thread's pool records into (nil: the process-wide one), lets the thread
    /// receive the watchdog's signal, and starts the watchdog if a recording runs.
    static func workerStarted(slot: Int32, recorder: Recorder?) {
        guard slot >= 0 else { return }
        lanes_worker_slot_set_recorder(slot, recorder.map { Unmanaged.passUnretained($0).toOpaque() })
        // Nothing is installed or started until something records.
        guard Recorder.runningCount.load(ordering: .relaxed) > 0, settings.isOn else { return }
        lanes_watchdog_prepare_worker_thread()
        startIfNeeded()
    }

    private static func startIfNeeded() {
        guard settings.isOn, !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread {
            lanes_name_current_thread("lanes-watchdog")
            ThreadLocalBuffers.describeCurrentThread(name: "lanes-watchdog", isExecutor: false)
            WatchdogLoop(settings: settings).run()
        }
        thread.name = "lanes-watchdog"
        thread.start()
    }

    private static func decideSettings() -> WatchdogSettings {
        var settings = WatchdogSettings(
            isOn: true, firstSampleNanoseconds: WatchdogTiming.firstSampleAge,
            intervalNanoseconds: WatchdogTiming.interval, signal: 0, note: "")
        if let value = environment(switchVariable), ["0", "off", "no", "false"].contains(value.lowercased()) {
            settings.isOn = false
            settings.note = "the watchdog is off (\(switchVariable)=\(value))"
            return settings
        }
        #if os(Linux) && (arch(x86_64) || arch(arm64))
        var lowest: Int32 = 0
        var highest: Int32 = 0
        lanes_realtime_signal_range(&lowest, &highest)
        var signal = highest - 3
        if let value = environment(signalVariable) {
            if let chosen = parseSignal(value, lowest: lowest, highest: highest) {
                signal = chosen
            } else {
                printRecorderWarning("\(signalVariable)=\(value) is not a real-time signal (a number from \(lowest) to \(highest), RTMIN+N or RTMAX-N); using \(signal)")
            }
        }
        var reason = [CChar](repeating: 0, count: 160)
        if lanes_watchdog_install_signal(signal, &reason, reason.count) == 0 {
            settings.signal = Int(signal)
        } else {
            let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            settings.note = "\(text): running threads' stacks are not sampled (choose another with \(signalVariable))"
            printRecorderWarning(settings.note)
        }
        #else
        settings.note = "running threads' stacks are sampled only on Linux x86-64 and arm64"
        #endif
        return settings
    }

    /// `LANES_WATCHDOG_SIGNAL`'s value as a signal number within the real-time range.
    static func parseSignal(_ text: String, lowest: Int32, highest: Int32) -> Int32? {
        let value = text.uppercased().replacingOccurrences(of: "SIG", with: "")
        var number: Int32?
        if let plain = Int32(value) {
            number = plain
        } else if value.hasPrefix("RTMIN+"), let offset = Int32(value.dropFirst(6)) {
            number = lowest + offset
        } else if value.hasPrefix("RTMAX-"), let offset = Int32(value.dropFirst(6)) {
            number = highest - offset
        }
        guard let number, (lowest...highest).contains(number) else { return nil }
        return number
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }
}

/// When the watchdog looks at a job, and how often it samples it.
///
/// The blocking-call finding must catch a 50 ms block on a loaded server and never flag
/// microsecond jobs. A healthy job runs for microseconds, so nothing under 5 ms is ever
/// touched. The watchdog scans every 10 ms: a job it finds between 5 and 10 ms old is looked at
/// (counters, no stack) and sampled at 10 ms; a younger one is sampled at the next scan, when it
/// is 10 to 20 ms old. A 50 ms block thus gets seven to nine samples. The interval then grows
/// with the job's age (a sixteenth of it, at most a second), so a job blocked for a minute
/// costs about 150 samples, not 12,000. Scanning every 10 ms rather than 5 halves the wake-ups
/// that cost something even when nothing blocks (about 30 µs each on a loaded VM, most of it
/// the timer and the context switches).
enum WatchdogTiming {
    /// How often the watchdog scans the executor threads when no sample is due sooner.
    static let scanInterval: Int64 = 10_000_000
    /// A job found at least this old is looked at (scheduler counters only, kept in memory), so
    /// that its first stack sample already has a delta to classify.
    static let lookAge: Int64 = 5_000_000
    /// A job's first stack sample comes once it has run this long.
    static let firstSampleAge: Int64 = 10_000_000
    /// The shortest interval between two samples of one job.
    static let interval: Int64 = 5_000_000
    /// The interval is at least the job's age divided by this.
    static let intervalAgeDivisor: Int64 = 16
    /// The interval never exceeds this.
    static let maximumInterval: Int64 = 1_000_000_000
    /// How long a running thread has to answer the signal. A thread on a CPU answers in
    /// microseconds; one waiting for a CPU answers when it gets one, which on a busy machine can
    /// take longer: the sample then has counters but no stack, and the signal still pending
    /// serves the job's next sample.
    static let signalTimeout: Int64 = 2_000_000
    /// A job whose thread left this many signals in a row unanswered (it blocks the signal, or
    /// never gets a CPU) is no longer signalled.
    static let maximumUnansweredSignals = 20
    /// How long the watchdog sleeps while no recording runs.
    static let idleSleep: Int64 = 50_000_000

    /// When a job that started at `started` and was last sampled at `now` is sampled next.
    static func nextSample(started: Int64, now: Int64) -> Int64 {
        let age = now - started
        return now + min(maximumInterval, max(interval, age / intervalAgeDivisor))
    }
}
