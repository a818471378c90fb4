#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The environment variables that start and shape a recording, read in one place so that every
/// way a recording starts (`Lanes.bootstrapFromEnvironment()`, `LanesTracer()`, a preload
/// library) gets the same settings.
package enum EnvironmentSettings {
    /// `LANES_TRACE`: the file to record into (or, for a flight recorder, the first dump's path).
    package static let trace = "LANES_TRACE"
    /// `LANES_FLIGHT_RECORDER=30s`: keep only the last 30 s in memory, write on a dump.
    package static let flightRecorder = "LANES_FLIGHT_RECORDER"
    /// `LANES_FLIGHT_MEMORY=64M`: the most memory the flight recorder's window may take.
    package static let flightMemory = "LANES_FLIGHT_MEMORY"
    /// `LANES_FLIGHT_SIGNAL=USR2` (or a number, or `none`): the signal that writes a dump.
    package static let flightSignal = "LANES_FLIGHT_SIGNAL"
    /// `LANES_FLIGHT_TRIGGER=span:GET /inbox>500ms,blocking>100ms`: rules that write a dump.
    package static let flightTrigger = "LANES_FLIGHT_TRIGGER"
    /// `LANES_TRACE_MAX_SIZE=100M`: stop recording (with a valid footer) at this file size.
    package static let maximumSize = "LANES_TRACE_MAX_SIZE"

    /// The value of `name`, nil when unset or empty.
    static func value(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }

    /// The recording the environment asks for: its path and configuration, or nil when
    /// `LANES_TRACE` is unset; a setting that does not parse is an error naming it.
    static func recording() -> Result<(path: String, configuration: RecorderConfiguration), LanesRecordingError>? {
        guard let path = value(trace) else { return nil }
        var configuration = RecorderConfiguration()
        if let text = value(maximumSize) {
            guard let bytes = byteCount(text), bytes > 0 else {
                return .failure(LanesRecordingError(.invalidSetting, path: path, reason: "\(maximumSize)=\(text) is not a size (e.g. 100M)"))
            }
            configuration.maximumFileSize = bytes
        }
        if let text = value(flightRecorder) {
            guard let window = nanoseconds(text), window > 0 else {
                return .failure(LanesRecordingError(.invalidSetting, path: path, reason: "\(flightRecorder)=\(text) is not a duration (e.g. 30s)"))
            }
            var flight = FlightConfiguration(
                window: window, memoryLimit: LanesRecording.defaultFlightMemoryLimit, triggers: [], signal: SIGUSR1)
            if let text = value(flightMemory) {
                guard let bytes = byteCount(text), bytes > 0 else {
                    return .failure(LanesRecordingError(.invalidSetting, path: path, reason: "\(flightMemory)=\(text) is not a size (e.g. 64M)"))
                }
                flight.memoryLimit = bytes
            }
            if let text = value(flightSignal) {
                guard let number = signalNumber(text) else {
                    return .failure(LanesRecordingError(.invalidSetting, path: path, reason: "\(flightSignal)=\(text) is not a signal (e.g. USR1, USR2 or none)"))
                }
                flight.signal = number == 0 ? nil : number
            }
            if let text = value(flightTrigger) {
                for entry in text.split(separator: ",") {
                    guard let trigger = Lanes.FlightTrigger(parsing: String(entry)) else {
                        return .failure(LanesRecordingError(.invalidSetting, path: path, reason: "\(flightTrigger): \"\(entry)\" is not a rule (span:NAME>500ms or blocking>100ms)"))
                    }
                    flight.triggers.append(trigger)
                }
            }
            configuration.flight = flight
        }
        return .success((path, configuration))
    }

    /// `30s`, `500ms`, `250us`, `2m`, `1h` or a plain number of seconds, in nanoseconds.
    package static func nanoseconds(_ text: String) -> Int64? {
        let trimmed = text.filter { $0 != " " }
        let units: [(suffix: String, scale: Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            guard let number = Double(trimmed.dropLast(unit.suffix.count)), number >= 0, number * unit.scale < 9e18
            else { return nil }
            return Int64(number * unit.scale)
        }
        guard let seconds = Double(trimmed), seconds >= 0, seconds < 9e9 else { return nil }
        return Int64(seconds * 1e9)
    }

    /// `100M`, `64MiB`, `1G`, `512K` or a plain number of bytes (binary multiples).
    package static func byteCount(_ text: String) -> Int? {
        var digits = text.filter { $0 != " " }.uppercased()
        if digits.hasSuffix("IB") { digits.removeLast(2) } else if digits.hasSuffix("B") { digits.removeLast() }
        let scales: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024]
        var scale = 1.0
        if let last = digits.last, let unit = scales[last] {
            scale = unit
            digits.removeLast()
        }
        guard let number = Double(digits), number >= 0, number * scale < 9e18 else { return nil }
        return Int(number * scale)
    }

    /// `USR1`, `SIGUSR2`, a number, or `none` (0).
    static func signalNumber(_ text: String) -> Int32? {
        let name = text.uppercased().hasPrefix("SIG") ? String(text.uppercased().dropFirst(3)) : text.uppercased()
        switch name {
        case "NONE", "OFF": return 0
        case "USR1": return SIGUSR1
        case "USR2": return SIGUSR2
        case "HUP": return SIGHUP
        case "QUIT": return SIGQUIT
        default:
            guard let number = Int32(name), number > 0, number < 65 else { return nil }
            return number
        }
    }
}
