/// A file of code the recorded process had loaded (the program, a shared library, the vDSO),
/// recorded so that sampled addresses can be symbolicated after the process is gone.
public struct LoadedImage: Sendable, Equatable, Hashable {
    /// The file, as the dynamic loader named it (the vDSO has its soname, not a path).
    public var path: String
    /// Where it was loaded: an address in the file is `address − base` in the file's own terms.
    public var base: UInt64
    /// The range of its executable segments, `[textStart, textEnd)`.
    public var textStart: UInt64
    public var textEnd: UInt64
    /// The ELF build id (empty when the file has none).
    public var buildID: [UInt8]
    /// The file's size and modification time (ns since 1970) when it was recorded, 0 when
    /// unknown: how a symbolizer tells a rebuilt file from the one that ran without a build id.
    public var fileSize: UInt64
    public var fileModifiedNanoseconds: Int64

    public init(
        path: String, base: UInt64, textStart: UInt64, textEnd: UInt64, buildID: [UInt8],
        fileSize: UInt64 = 0, fileModifiedNanoseconds: Int64 = 0
    ) {
        self.path = path
        self.base = base
        self.textStart = textStart
        self.textEnd = textEnd
        self.buildID = buildID
        self.fileSize = fileSize
        self.fileModifiedNanoseconds = fileModifiedNanoseconds
    }

    /// The build id in lowercase hexadecimal, as `readelf -n` prints it.
    public var buildIDText: String {
        buildID.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }.joined()
    }
}
