import LanesModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a `.lanes` file could not be written.
package struct LanesWriteError: Error, Sendable, CustomStringConvertible {
    /// The file, as given.
    package var path: String
    /// What went wrong.
    package var reason: String

    package init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    package var description: String { "lanes: \(path): \(reason)" }
}

/// Appends records to a `.lanes` file: the header first, then strings, threads, tasks and
/// event chunks in any order (each defined before use), then the footer on a clean finish.
///
/// Not thread-safe: one owner (a recorder's background writer) calls it. Records are buffered
/// and reach the file on `flush()` or when the buffer is large, so what a crash loses is what
/// was not yet flushed.
package final class LanesFileWriter {
    /// The file being written.
    package let path: String
    private var descriptor: Int32
    private var pending: [UInt8] = []
    private var offset = 0
    private var chunkOffsets: [Int] = []
    private var stringCount: UInt32 = 1
    /// The latest time noted so far (`Int64.min` before the first): a recorder's flush waits
    /// until it reaches the moment the flush began.
    package private(set) var latestTime: Int64 = .min
    private var isFinished = false

    /// Creates (or truncates) the file at `path` and writes the magic, version and header.
    ///
    /// `clockAtStart` (monotonic ns) and `unixNanosecondsAtClock` are one instant read on both
    /// clocks, so that every monotonic time in the file maps to a wall-clock time.
    package init(
        path: String, processName: String, processID: UInt32, clockAtStart: Int64, unixNanosecondsAtClock: Int64
    ) throws(LanesWriteError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LanesWriteError(path: path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        append(record: RecordFraming.preamble(
            processName: processName, processID: processID, clockAtStart: clockAtStart,
            unixNanosecondsAtClock: unixNanosecondsAtClock))
        try flush()
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The number of string ids defined so far (id 0, the empty string, included).
    package var definedStringCount: UInt32 { stringCount }

    /// Defines strings with consecutive ids starting at `firstID`, which must be the next
    /// undefined id (`definedStringCount`). Id 0 is always the empty string.
    package func defineStrings(firstID: UInt32, _ strings: [String]) throws(LanesWriteError) {
        append(record: RecordFraming.strings(firstID: Int(firstID), strings[...]))
        stringCount = max(stringCount, firstID + UInt32(strings.count))
        try flushIfLarge()
    }

    /// Declares that chunks from `writerID` were recorded on thread `threadID`.
    package func defineThread(writerID: UInt32, threadID: UInt64, name: String, isExecutor: Bool) throws(LanesWriteError) {
        append(record: RecordFraming.thread(writerID: writerID, threadID: threadID, name: name, isExecutor: isExecutor))
        try flushIfLarge()
    }

    /// Says whether the global executor's jobs are being recorded.
    package func noteJobCapture(_ capture: JobCapture) throws(LanesWriteError) {
        append(record: RecordFraming.jobCapture(capture))
        try flushIfLarge()
    }

    /// Names task `id` (a string id) and gives its parent task (0 for none).
    package func defineTask(id: UInt64, name: UInt32, parentTask: UInt64) throws(LanesWriteError) {
        append(record: RecordFraming.tasks([(id, name, parentTask)]))
        try flushIfLarge()
    }

    /// Records that writer `writerID` dropped `count` events (its buffers were full) by `time`.
    package func writeDropped(writerID: UInt32, count: UInt64, time: Int64) throws(LanesWriteError) {
        append(record: RecordFraming.dropped(writerID: writerID, count: count, time: time))
        try flushIfLarge()
    }

    /// Appends the chunk `encoder` holds (does nothing if it is empty).
    package func write(chunk encoder: borrowing LanesChunkEncoder) throws(LanesWriteError) {
        guard !encoder.isEmpty else { return }
        try write(chunk: encoder.chunk())
    }

    /// Appends a chunk taken from an encoder, framing it straight into the output.
    package func write(chunk: LanesEncodedChunk) throws(LanesWriteError) {
        chunkOffsets.append(offset + pending.count)
        chunk.appendFramedRecord(to: &pending)
        try flushIfLarge()
    }

    /// Notes the latest time written, for the footer.
    package func noteTime(_ time: Int64) { latestTime = max(latestTime, time) }

    /// Hands everything buffered to the operating system.
    package func flush() throws(LanesWriteError) {
        var written = 0
        while written < pending.count {
            let count = pending.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                pending.removeAll()
                throw LanesWriteError(path: path, reason: "cannot write: \(reason)")
            }
            written += count
        }
        offset += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes the footer (chunk index), flushes and closes the file. Calling it twice does nothing.
    package func finish() throws(LanesWriteError) {
        guard !isFinished else { return }
        isFinished = true
        append(record: RecordFraming.footer(chunkOffsets: chunkOffsets, endTime: latestTime == .min ? 0 : latestTime))
        try flush()
        if fsync(descriptor) != 0 && errno != EINVAL && errno != EROFS {
            throw LanesWriteError(path: path, reason: "cannot sync: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        descriptor = -1
    }

    private func append(record: [UInt8]) {
        pending.append(contentsOf: record)
    }

    private func flushIfLarge() throws(LanesWriteError) {
        if pending.count >= 1 << 20 { try flush() }
    }
}
