import CLanesRuntime
import LanesModel

/// The images loaded in this process, as the watchdog last read them, and their code ranges
/// for the unwinder. Read at the first recording's start and again by the watchdog thread when
/// the dynamic loader reports a new image or a sampled address lies outside every known one.
final class LoadedImages: Sendable {
    /// The process's images, shared by the recording threads and the watchdog.
    static let shared = LoadedImages()

    private struct State {
        var images: [LoadedImage] = []
        /// Sorted executable ranges, [start, end) pairs flattened, for `lanes_unwind`.
        var codeRanges: [UInt] = []
        var loaderAdditions: UInt64 = .max
        var readAt: Int64 = .min
    }

    private let state = Locked(State())

    /// The images, read now if they never were.
    var images: [LoadedImage] {
        if let known = state.withLock({ $0.loaderAdditions == .max ? nil : $0.images }) { return known }
        return refresh().images
    }

    /// The code ranges (flattened [start, end) pairs, sorted), read now if they never were.
    var codeRanges: [UInt] {
        if let known = state.withLock({ $0.loaderAdditions == .max ? nil : $0.codeRanges }) { return known }
        return refresh().codeRanges
    }

    /// Whether `address` lies in the code of a known image.
    func contains(_ address: UInt64) -> Bool {
        let ranges = codeRanges
        var low = 0
        var high = ranges.count / 2
        while low < high {
            let middle = (low + high) / 2
            if ranges[2 * middle + 1] <= UInt(address) { low = middle + 1 } else { high = middle }
        }
        return low < ranges.count / 2 && ranges[2 * low] <= UInt(address)
    }

    /// Reads the images again if the loader has added any since the last reading, or if `force`
    /// and the last reading is older than `minimumAge` (a sampled address was outside them all).
    /// Returns the images when they changed.
    @discardableResult
    func refreshIfChanged(force: Bool = false, now: Int64, minimumAge: Int64 = 1_000_000_000) -> [LoadedImage]? {
        let additions = UInt64(lanes_loaded_image_additions())
        let stale = state.withLock { state in
            state.loaderAdditions != additions || (force && now - state.readAt >= minimumAge)
        }
        guard stale else { return nil }
        let before = state.withLock { $0.images }
        let after = refresh(now: now).images
        return after == before ? nil : after
    }

    @discardableResult
    private func refresh(now: Int64 = MonotonicClock.now()) -> (images: [LoadedImage], codeRanges: [UInt]) {
        let additions = UInt64(lanes_loaded_image_additions())
        var capacity = 64
        var records: [lanes_image_record] = []
        while true {
            records = [lanes_image_record](repeating: lanes_image_record(), count: capacity)
            let count = Int(records.withUnsafeMutableBufferPointer { lanes_copy_loaded_images($0.baseAddress, Int32(capacity)) })
            if count <= capacity {
                records.removeLast(capacity - count)
                break
            }
            capacity = count + 16
        }
        let images = records.map(LoadedImages.image(from:))
        var ranges = images.filter { $0.textEnd > $0.textStart }.map { (UInt($0.textStart), UInt($0.textEnd)) }
        ranges.sort { $0.0 < $1.0 }
        let codeRanges = ranges.flatMap { [$0.0, $0.1] }
        state.withLock { state in
            state.images = images
            state.codeRanges = codeRanges
            state.loaderAdditions = additions
            state.readAt = now
        }
        return (images, codeRanges)
    }

    private static func image(from record: lanes_image_record) -> LoadedImage {
        var record = record
        let path = withUnsafeBytes(of: &record.path) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        let buildID = withUnsafeBytes(of: &record.build_id) { Array($0.prefix(Int(record.build_id_length))) }
        return LoadedImage(
            path: path, base: UInt64(record.base), textStart: UInt64(record.text_start), textEnd: UInt64(record.text_end),
            buildID: buildID, fileSize: record.file_size, fileModifiedNanoseconds: record.file_modified_nanoseconds)
    }
}
