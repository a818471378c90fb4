import Foundation

/// Reads the GNU build id of an ELF file on disk: what tells the file that ran from one rebuilt
/// since. Only the headers and note segments are read, never the whole file.
enum ELFBuildID {
    /// The file's build id, nil when it has none or is not a 64-bit little-endian ELF file.
    static func read(path: String) -> [UInt8]? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        guard let header = try? file.read(upToCount: 64), header.count == 64,
              header.starts(with: [0x7F, 0x45, 0x4C, 0x46]), header[4] == 2, header[5] == 1
        else { return nil }
        let bytes = [UInt8](header)
        let programHeaders = load(UInt64.self, bytes, at: 0x20)
        let entrySize = Int(load(UInt16.self, bytes, at: 0x36))
        let entryCount = Int(load(UInt16.self, bytes, at: 0x38))
        guard entrySize >= 56, entryCount > 0, entryCount <= 4096,
              (try? file.seek(toOffset: programHeaders)) != nil,
              let table = try? file.read(upToCount: entrySize * entryCount), table.count == entrySize * entryCount
        else { return nil }
        let entries = [UInt8](table)
        for index in 0..<entryCount {
            let entry = index * entrySize
            guard load(UInt32.self, entries, at: entry) == 4 else { continue }  // PT_NOTE
            let offset = load(UInt64.self, entries, at: entry + 8)
            let size = load(UInt64.self, entries, at: entry + 32)
            let alignment = load(UInt64.self, entries, at: entry + 48) == 8 ? 8 : 4
            guard size <= 1 << 20, (try? file.seek(toOffset: offset)) != nil,
                  let notes = try? file.read(upToCount: Int(size))
            else { continue }
            if let id = buildID(inNotes: [UInt8](notes), alignment: alignment) { return id }
        }
        return nil
    }

    /// The NT_GNU_BUILD_ID note's description among `notes`.
    static func buildID(inNotes notes: [UInt8], alignment: Int) -> [UInt8]? {
        func aligned(_ value: Int) -> Int { (value + alignment - 1) / alignment * alignment }
        var position = 0
        while position + 12 <= notes.count {
            let nameSize = Int(load(UInt32.self, notes, at: position))
            let descriptionSize = Int(load(UInt32.self, notes, at: position + 4))
            let type = load(UInt32.self, notes, at: position + 8)
            let name = position + 12
            let description = name + aligned(nameSize)
            guard nameSize <= notes.count, descriptionSize <= notes.count, description + descriptionSize <= notes.count
            else { return nil }
            if type == 3, nameSize == 4, Array(notes[name..<(name + 4)]) == [0x47, 0x4E, 0x55, 0] {
                return Array(notes[description..<(description + descriptionSize)])
            }
            position = description + aligned(descriptionSize)
        }
        return nil
    }

    private static func load<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        guard offset >= 0, offset + MemoryLayout<T>.size <= bytes.count else { return 0 }
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
