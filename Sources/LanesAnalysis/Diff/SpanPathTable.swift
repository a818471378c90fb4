import LanesModel

/// Interns span paths shared by two traces: a path is (parent path, normalised name), so
/// matching a million spans costs a dictionary lookup each, not a string per span.
struct SpanPathTable {
    /// Parent path of each path, or -1 for a root path.
    private(set) var parents: [Int32] = []
    /// Normalised name (index into `names`) of each path's last component.
    private(set) var nameIndexes: [Int32] = []
    /// Distinct normalised names.
    private(set) var names: [String] = []
    private var nameIndexByName: [String: Int32] = [:]
    private var pathByKey = IntegerHashTable()

    var count: Int { parents.count }

    /// The path of every span of `trace`.
    mutating func paths(of trace: Trace, order: [Int32]) -> [Int32] {
        var nameOfString = [Int32](repeating: -1, count: trace.strings.count)
        var result = [Int32](repeating: -1, count: trace.spanCount)
        for span32 in order {
            let span = Int(span32)
            let stringIndex = Int(trace.spanName[span])
            var name: Int32 = 0
            if stringIndex < nameOfString.count {
                if nameOfString[stringIndex] < 0 {
                    nameOfString[stringIndex] = intern(name: SpanPathNormalizer.normalize(trace.strings[UInt32(stringIndex)]))
                }
                name = nameOfString[stringIndex]
            }
            let parent = Int(trace.spanParent[span])
            let parentPath = parent >= 0 ? result[parent] : -1
            result[span] = path(parent: parentPath, name: name)
        }
        return result
    }

    /// The path's components joined by ` › `.
    func text(ofPath path: Int32) -> String {
        var components: [String] = []
        var current = path
        var guardCount = 0
        while current >= 0, Int(current) < parents.count, guardCount < 10_000 {
            components.append(names[Int(nameIndexes[Int(current)])])
            current = parents[Int(current)]
            guardCount += 1
        }
        return components.reversed().joined(separator: SpanPathNormalizer.separator)
    }

    /// The last component of the path.
    func lastName(ofPath path: Int32) -> String {
        guard path >= 0, Int(path) < parents.count else { return "" }
        return names[Int(nameIndexes[Int(path)])]
    }

    private mutating func intern(name: String) -> Int32 {
        if let index = nameIndexByName[name] { return index }
        let index = Int32(names.count)
        names.append(name)
        nameIndexByName[name] = index
        return index
    }

    private mutating func path(parent: Int32, name: Int32) -> Int32 {
        let key = UInt64(UInt32(bitPattern: parent)) << 32 | UInt64(UInt32(bitPattern: name))
        let path = pathByKey.value(forKey: key, insertingIfAbsent: Int32(parents.count))
        if Int(path) == parents.count {
            parents.append(parent)
            nameIndexes.append(name)
        }
        return path
    }
}
