import LanesModel
import LanesWriter

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends records to a finished (or crashed) `.lanes` file: the symbols `lanes record` adds
/// once the recorded program has exited (`Traces/FORMAT.md` §4.14).
package enum LanesFileAppender {
    /// Appends a `symbols` record for `sampling.symbols` to the file at `path`, whose current
    /// contents are `bytes`. An incomplete record at the end (a crash cut it; readers cannot use
    /// it) is removed first, so the new record is read; returns how many bytes that removed.
    package static func appendSymbols(of sampling: Sampling, toFileAt path: String, bytes: [UInt8]) throws(TraceFileError) -> Int {
        guard let record = RecordFraming.symbols(of: sampling) else { return 0 }
        let whole = bytes.withUnsafeBytes { LanesFileDecoder.wholeRecordsLength($0) }
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LanesFileWriter.writeError(errno, path: path, action: "cannot open for appending")
        }
        defer { close(descriptor) }
        if whole < bytes.count && ftruncate(descriptor, off_t(whole)) != 0 {
            throw LanesFileWriter.writeError(errno, path: path, action: "cannot remove the incomplete last record")
        }
        var written = 0
        while written < record.count {
            let count = record.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, $0.count - written, off_t(whole + written)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LanesFileWriter.writeError(errno, path: path, action: "cannot append symbols")
            }
            written += count
        }
        return bytes.count - whole
    }
}

extension LanesFileDecoder {
    /// How many leading bytes of a `.lanes` file are whole records (the preamble included): the
    /// file's length unless its last record was cut off. Damaged records in between count as
    /// whole (readers skip them).
    static func wholeRecordsLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        let start = LanesFileLayout.magic.count + 2
        guard bytes.count >= start else { return bytes.count }
        var decoder = LanesFileDecoder()
        decoder.resynchronisationBudget = max(1 << 20, 64 * bytes.count)
        var offset = start
        while offset < bytes.count {
            if bytes.count - offset < LanesFileLayout.recordHeaderSize { return offset }
            switch decoder.validRecord(bytes, at: offset) {
            case .valid(_, let length):
                offset += LanesFileLayout.recordHeaderSize + length
            case .truncated:
                return offset
            case .damaged:
                let next = decoder.resynchronise(bytes, after: offset)
                if next >= bytes.count { return decoder.truncatedAt >= 0 ? decoder.truncatedAt : bytes.count }
                offset = next
            }
        }
        return offset
    }
}
