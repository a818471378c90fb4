/// Interned strings: each distinct string is stored once and referred to by a dense index.
///
/// Traces repeat a handful of span names millions of times; interning keeps the columns small
/// and makes name comparisons integer comparisons.
public struct StringTable: Sendable {
    /// The strings, by index. Index 0 is always the empty string.
    public private(set) var strings: [String] = [""]
    private var indexByString: [String: UInt32] = ["": 0]

    public init() {}

    /// The index of `string`, adding it if it is new.
    @discardableResult
    public mutating func intern(_ string: String) -> UInt32 {
        // One hash lookup whether the string is new or not: the defaulted subscript, accessed
        // in place, inserts the next index when the string is absent.
        let next = UInt32(strings.count)
        let index = Self.value(of: &indexByString[string, default: next])
        if index == next { strings.append(string) }
        return index
    }

    private static func value(of slot: inout UInt32) -> UInt32 { slot }

    /// The index of `string` if it was interned, without adding it.
    public func index(of string: String) -> UInt32? { indexByString[string] }

    /// Makes room for `additional` more strings, so that a reader adding many at once does not
    /// regrow and rehash the table repeatedly.
    /// Grows at least geometrically, so many small calls stay linear overall.
    public mutating func reserveCapacity(adding additional: Int) {
        let needed = strings.count + max(0, additional)
        if needed > strings.capacity { strings.reserveCapacity(max(needed, 2 * strings.capacity)) }
        if needed > indexByString.capacity { indexByString.reserveCapacity(max(needed, 2 * indexByString.capacity)) }
    }

    /// The string at `index`; an out-of-range index reads as the empty string.
    public subscript(index: UInt32) -> String {
        Int(index) < strings.count ? strings[Int(index)] : ""
    }

    /// How many strings are interned, the empty string included.
    public var count: Int { strings.count }
}
