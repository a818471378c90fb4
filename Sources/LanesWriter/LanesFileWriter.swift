import LanesModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// The largest the file may grow, footer included; a record that would not leave room for
    /// the footer is refused with a size-limit error (and not written). Nil for no limit.
    package var maximumSize: Int?

    /// Creates (or truncates) the file at `path` and writes the magic, version and header.
    ///
    /// `clockAtStart` (monotonic ns) and `unixNanosecondsAtClock` are one instant read on both
    /// clocks, so that every monotonic time in the file maps to a wall-clock time.
    package init(
        path: String, processName: String, processID: UInt32, clockAtStart: Int64, unixNanosecondsAtClock: Int64
    ) throws(TraceFileError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Self.writeError(errno, path: path, action: "cannot create")
        }
        try append(record: RecordFraming.preamble(
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
    package func defineStrings(firstID: UInt32, _ strings: [String]) throws(TraceFileError) {
        try append(record: RecordFraming.strings(firstID: Int(firstID), strings[...]))
        stringCount = max(stringCount, firstID + UInt32(strings.count))
        try flushIfLarge()
    }

    /// Declares that chunks from `writerID` were recorded on thread `threadID`.
    package func defineThread(writerID: UInt32, threadID: UInt64, name: String, isExecutor: Bool) throws(TraceFileError) {
        try append(record: RecordFraming.thread(writerID: writerID, threadID: threadID, name: name, isExecutor: isExecutor))
        try flushIfLarge()
    }

    /// Says whether the global executor's jobs are being recorded.
    package func noteJobCapture(_ capture: JobCapture) throws(TraceFileError) {
        try append(record: RecordFraming.jobCapture(capture))
        try flushIfLarge()
    }

    /// Names task `id` (a string id) and gives its parent task (0 for none).
    package func defineTask(id: UInt64, name: UInt32, parentTask: UInt64) throws(TraceFileError) {
        try defineTasks([(id, name, parentTask)])
    }

    /// Names tasks (string ids) and gives their parents, in as few records as fit.
    package func defineTasks(_ tasks: [(id: UInt64, name: UInt32, parent: UInt64)]) throws(TraceFileError) {
        guard !tasks.isEmpty else { return }
        try append(record: RecordFraming.tasks(tasks))
        try flushIfLarge()
    }

    /// Names tasks with strings written inline (names that are not interned).
    package func defineNamedTasks(_ tasks: [(id: UInt64, name: String, parent: UInt64)]) throws(TraceFileError) {
        guard !tasks.isEmpty else { return }
        try append(record: RecordFraming.namedTasks(tasks))
        try flushIfLarge()
    }

    /// Says which span of time a flight-recorder dump holds and what triggered it.
    package func writeWindow(start: Int64, end: Int64, reason: String) throws(TraceFileError) {
        try append(record: RecordFraming.window(start: start, end: end, reason: reason))
        try flushIfLarge()
    }

    /// Bytes in the file once everything buffered is flushed.
    package var byteCount: Int { offset + pending.count }

    /// An upper bound on the footer's size with `extraChunks` more chunks.
    package func footerSizeBound(extraChunks: Int = 0) -> Int {
        LanesFileLayout.recordHeaderSize + 10 + 10 * (chunkOffsets.count + extraChunks) + 10
    }

    /// Defines resource `id` (≥ 1; see `Traces/FORMAT.md` §4.17), before any span refers to it
    /// through a scope.
    public func defineResource(
        id: UInt32, schemaURL: UInt32, droppedAttributes: UInt32, attributes: [LanesFileAttribute]
    ) throws(TraceFileError) {
        try append(record: RecordFraming.resource(id: id, schemaURL: schemaURL, droppedAttributes: droppedAttributes, attributes: attributes))
        try flushIfLarge()
    }

    /// Defines scope `id` (≥ 1) of resource `resource` (§4.18), before any span identity names it.
    public func defineScope(
        id: UInt32, resource: UInt32, name: UInt32, version: UInt32, schemaURL: UInt32, droppedAttributes: UInt32,
        attributes: [LanesFileAttribute]
    ) throws(TraceFileError) {
        try append(record: RecordFraming.scope(
            id: id, resource: resource, name: name, version: version, schemaURL: schemaURL,
            droppedAttributes: droppedAttributes, attributes: attributes))
        try flushIfLarge()
    }

    /// Records that writer `writerID` dropped `count` events (its buffers were full) by `time`.
    package func writeDropped(writerID: UInt32, count: UInt64, time: Int64) throws(TraceFileError) {
        try append(record: RecordFraming.dropped(writerID: writerID, count: count, time: time))
        try flushIfLarge()
    }

    /// Appends the chunk `encoder` holds (does nothing if it is empty).
    package func write(chunk encoder: borrowing LanesChunkEncoder) throws(TraceFileError) {
        guard !encoder.isEmpty else { return }
        try write(chunk: encoder.chunk())
    }

    /// Appends a chunk taken from an encoder, framing it straight into the output.
    package func write(chunk: LanesEncodedChunk) throws(TraceFileError) {
        try checkRoom(for: chunk.byteCount + 16, chunks: 1)
        chunkOffsets.append(offset + pending.count)
        chunk.appendFramedRecord(to: &pending)
        try flushIfLarge()
    }

    /// Notes the latest time written, for the footer.
    package func noteTime(_ time: Int64) { latestTime = max(latestTime, time) }

    /// Hands everything buffered to the operating system.
    package func flush() throws(TraceFileError) {
        var written = 0
        while written < pending.count {
            let count = pending.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                pending.removeAll()
                throw Self.writeError(code, path: path, action: "cannot write")
            }
            written += count
        }
        offset += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes the footer (chunk index), flushes and closes the file. Calling it twice does nothing.
    package func finish() throws(TraceFileError) {
        guard !isFinished else { return }
        isFinished = true
        pending.append(contentsOf: RecordFraming.footer(chunkOffsets: chunkOffsets, endTime: latestTime == .min ? 0 : latestTime))
        try flush()
        if fsync(descriptor) != 0 && errno != EINVAL && errno != EROFS {
            throw Self.writeError(errno, path: path, action: "cannot sync")
        }
        close(descriptor)
        descriptor = -1
    }

    private func append(record: [UInt8]) throws(TraceFileError) {
        try checkRoom(for: record.count, chunks: 0)
        pending.append(contentsOf: record)
    }

    /// Appends a record framed elsewhere (the watchdog's records), flushing when large.
    func append(framedRecord record: [UInt8]) throws(TraceFileError) {
        try append(record: record)
        try flushIfLarge()
    }

    private func checkRoom(for bytes: Int, chunks: Int) throws(TraceFileError) {
        guard let maximumSize, byteCount + bytes + footerSizeBound(extraChunks: chunks) > maximumSize else { return }
        throw TraceFileError(.sizeLimit, path: path, format: .lanes, reason: "reached its size limit of \(maximumSize) bytes")
    }

    package static func writeError(_ code: Int32, path: String, action: String) -> TraceFileError {
        TraceFileError(.init(errno: code), path: path, reason: "\(action): \(String(cString: strerror(code)))")
    }

    private func flushIfLarge() throws(TraceFileError) {
        if pending.count >= 1 << 20 { try flush() }
    }
}
