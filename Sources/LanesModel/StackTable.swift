/// Call stacks of the samples, deduplicated: each distinct stack once, each distinct code
/// address once.
///
/// The addresses are the ones to symbolicate: a stack's first frame is the program counter
/// itself; every other frame is a return address minus one, which lies inside the call
/// instruction and so on the line that made the call.
public struct StackTable: Sendable, Equatable {
    /// Stack `s` is `frames[frameStart[s] ..< frameStart[s + 1]]`, innermost frame first.
    public let frameStart: [Int32]
    /// Indexes into `addresses`.
    public let frames: [Int32]
    /// The distinct code addresses, as they were in the recorded process.
    public let addresses: [UInt64]
    /// The image each address lies in (an index into `Sampling.images`), or -1.
    public let addressImage: [Int32]

    public init(frameStart: [Int32], frames: [Int32], addresses: [UInt64], addressImage: [Int32]) {
        self.frameStart = frameStart.isEmpty ? [0] : frameStart
        self.frames = frames
        self.addresses = addresses
        self.addressImage = addressImage
    }

    /// An empty table.
    public static let empty = StackTable(frameStart: [0], frames: [], addresses: [], addressImage: [])

    /// The number of distinct stacks.
    public var count: Int { frameStart.count - 1 }

    /// The frames of stack `stack`, innermost first, as indexes into `addresses`.
    public func frames(ofStack stack: Int) -> ArraySlice<Int32> {
        frames[Int(frameStart[stack])..<Int(frameStart[stack + 1])]
    }
}
