/// What a symbolizer found for the sampled addresses: function, file and line, with inlined
/// calls expanded, and whether each location is the app's own code.
public struct FrameSymbols: Sendable, Equatable {
    /// The locations of address `a` (an index into `StackTable.addresses`) are
    /// `locations[locationStart[a] ..< locationStart[a + 1]]`, innermost (inlined) first; none
    /// when the address could not be symbolicated.
    public let locationStart: [Int32]
    public let locations: [SymbolLocation]
    /// What limited the symbols, one line each ("llvm-symbolizer was not found", "… has changed
    /// since the recording"); empty when nothing did.
    public let notes: [String]

    public init(locationStart: [Int32], locations: [SymbolLocation], notes: [String]) {
        self.locationStart = locationStart.isEmpty ? [0] : locationStart
        self.locations = locations
        self.notes = notes
    }

    /// The locations of address `address` (an index into `StackTable.addresses`), innermost first.
    public func locations(ofAddress address: Int) -> ArraySlice<SymbolLocation> {
        guard address >= 0, address + 1 < locationStart.count else { return [] }
        return locations[Int(locationStart[address])..<Int(locationStart[address + 1])]
    }
}

/// A place in source code.
public struct SymbolLocation: Sendable, Equatable, Hashable {
    /// The function, demangled (Swift names simplified: `static Sleeper.legacyCall()`).
    public var function: String
    /// The source file, empty when the image has no line information.
    public var file: String
    /// The line, 0 when unknown.
    public var line: Int
    /// Whether this is the app's own code: not the Swift toolchain's or the system's libraries,
    /// not Lanes' own modules, not a package dependency.
    public var isAppCode: Bool

    public init(function: String, file: String, line: Int, isAppCode: Bool) {
        self.function = function
        self.file = file
        self.line = line
        self.isAppCode = isAppCode
    }
}
