import Foundation
import LanesFormat
import LanesModel
import LanesWriter

/// Symbolicates the watchdog's stacks: turns each sampled address into function, file and line
/// with `llvm-symbolizer` (one process per image, all of that image's addresses at once),
/// demangles Swift names with `swift-demangle`, and marks which locations are the app's own code.
///
/// An image whose file changed since the recording (another build id, or without one another
/// size or time) is not symbolicated, and neither is anything when `llvm-symbolizer` is missing:
/// each such limit is one note (one line), and stacks keep their addresses.
public enum TraceSymbolication {
    /// Symbols for every address of `sampling.stacks`.
    public static func symbols(for sampling: Sampling, environment: [String: String] = ProcessInfo.processInfo.environment) -> FrameSymbols {
        let stacks = sampling.stacks
        guard !stacks.addresses.isEmpty else { return FrameSymbols(locationStart: [], locations: [], notes: []) }
        let tools = SymbolizerTools.find(environment: environment)
        var notes: [String] = []
        var raw = [[RawLocation]](repeating: [], count: stacks.addresses.count)
        if let symbolizer = tools.symbolizer {
            var addressesOfImage: [Int32: [Int]] = [:]
            for (address, image) in stacks.addressImage.enumerated() where image >= 0 {
                addressesOfImage[image, default: []].append(address)
            }
            for (imageIndex, addresses) in addressesOfImage.sorted(by: { $0.key < $1.key }) {
                let image = sampling.images[Int(imageIndex)]
                guard image.path.hasPrefix("/") else { continue }  // the vDSO has no file
                if let problem = fileProblem(image) {
                    notes.append("\(image.path) \(problem): its frames are not symbolicated")
                    continue
                }
                let fileAddresses = addresses.map { stacks.addresses[$0] &- image.base }
                guard let found = symbolizeWithLines(fileAddresses, in: image.path, with: symbolizer) else {
                    notes.append("llvm-symbolizer failed on \(image.path): its frames are not symbolicated")
                    continue
                }
                for (position, address) in addresses.enumerated() where position < found.count {
                    raw[address] = found[position].map { RawLocation(location: $0, imagePath: image.path) }
                }
            }
        } else {
            notes.append("llvm-symbolizer was not found on PATH or beside swift: stacks have no function names or lines")
        }
        let demangled = demangle(Set(raw.joined().map(\.location.function)), with: tools.demangler)
        let classifier = AppCodeClassifier(images: sampling.images)
        var locationStart: [Int32] = [0]
        var locations: [SymbolLocation] = []
        for entries in raw {
            for entry in entries {
                let mangled = entry.location.function
                locations.append(SymbolLocation(
                    function: demangled[mangled] ?? mangled, file: entry.location.file, line: entry.location.line,
                    isAppCode: classifier.isAppCode(
                        imagePath: entry.imagePath, file: entry.location.file,
                        mangledModule: AppCodeClassifier.mangledModule(of: mangled))))
            }
            locationStart.append(Int32(locations.count))
        }
        return FrameSymbols(locationStart: locationStart, locations: locations, notes: notes)
    }

    /// Adds symbols to a trace that has samples but no symbols (a trace that carries a symbols
    /// record keeps its own), telling `warn` each note.
    public static func symbolicateIfNeeded(_ trace: inout Trace, warn: (String) -> Void) {
        guard trace.sampling.symbols == nil, !trace.sampling.samples.isEmpty else { return }
        let symbols = symbols(for: trace.sampling)
        symbols.notes.forEach(warn)
        trace.sampling.symbols = symbols
    }

    /// After a recording: symbolicates the `.lanes` file at `path` and appends the symbols, so
    /// the file explains its stacks on any machine. Does nothing when the file has no stacks or
    /// already has symbols. Tells `warn` each note, and says so if an incomplete last record
    /// (cut by a crash) had to be removed first.
    public static func appendSymbols(toTraceAt path: String, warn: (String) -> Void) throws {
        let bytes = try TraceLoader.readFile(path: path)
        guard TraceFileFormat.detect(bytes) == .lanes else { return }
        var trace = try LanesFileReader.read(bytes: bytes, path: path).trace
        guard trace.sampling.symbols == nil, trace.sampling.stacks.count > 0 else { return }
        let symbols = symbols(for: trace.sampling)
        symbols.notes.forEach(warn)
        trace.sampling.symbols = symbols
        let removed = try LanesFileAppender.appendSymbols(of: trace.sampling, toFileAt: path, bytes: bytes)
        if removed > 0 {
            warn("\(path): the recording was cut off; its incomplete last record (\(removed) bytes) was removed before the symbols were added")
        }
    }

    private struct RawLocation {
        var location: SymbolizedLocation
        var imagePath: String
    }

    struct SymbolizedLocation {
        var function: String
        var file: String
        var line: Int
    }

    /// Why the image's file cannot be trusted to be the one that ran, or nil.
    static func fileProblem(_ image: LoadedImage) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: image.path) else {
            return "is gone"
        }
        if !image.buildID.isEmpty {
            guard let onDisk = ELFBuildID.read(path: image.path) else { return "has changed since the recording (it has no build id now)" }
            return onDisk == image.buildID ? nil : "has changed since the recording (its build id differs)"
        }
        guard image.fileSize != 0 else { return nil }
        let size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date).map { Int64(($0.timeIntervalSince1970 * 1e9).rounded()) } ?? 0
        // Dates come back with microsecond precision at best; compare to the millisecond.
        if size != image.fileSize || abs(modified - image.fileModifiedNanoseconds) > 1_000_000 {
            return "has changed since the recording (its size or modification time differs)"
        }
        return nil
    }

    /// How far back `symbolizeWithLines` looks for a line.
    static let lineSearchBytes: UInt64 = 96

    /// `symbolize`, then for each address whose innermost location has line 0 (code the
    /// compiler attributes to no line, such as spills between statements), the line of the
    /// closest instruction before it in the same function, as a debugger shows it. A location
    /// left without a line keeps no file either: for an image built without debug information
    /// llvm-symbolizer names whatever unit has some (`crtstuff.c`), not the function's source.
    static func symbolizeWithLines(_ addresses: [UInt64], in path: String, with symbolizer: String) -> [[SymbolizedLocation]]? {
        guard var found = symbolizeFillingLines(addresses, in: path, with: symbolizer) else { return nil }
        for index in found.indices {
            for frame in found[index].indices where found[index][frame].line == 0 { found[index][frame].file = "" }
        }
        return found
    }

    /// `symbolize`, then the line-0 search of `symbolizeWithLines`.
    private static func symbolizeFillingLines(_ addresses: [UInt64], in path: String, with symbolizer: String) -> [[SymbolizedLocation]]? {
        guard var found = symbolize(addresses, in: path, with: symbolizer) else { return nil }
        let lineless = found.indices.filter { found[$0].first.map { $0.line == 0 && !$0.function.isEmpty } ?? false }
        guard !lineless.isEmpty else { return found }
        var earlier: [UInt64] = []
        for index in lineless {
            for back in 1...lineSearchBytes where addresses[index] >= back { earlier.append(addresses[index] - back) }
        }
        guard let before = symbolize(earlier, in: path, with: symbolizer) else { return found }
        var position = 0
        for index in lineless {
            let count = Int(min(lineSearchBytes, addresses[index]))
            let candidates = before[position..<(position + count)]
            position += count
            if let line = candidates.lazy.compactMap({ $0.first }).first(where: { $0.function == found[index][0].function && $0.line > 0 }) {
                found[index][0].line = line.line
                if found[index][0].file.isEmpty { found[index][0].file = line.file }
            }
        }
        return found
    }

    /// Runs llvm-symbolizer on `addresses` (file addresses) of `path`; one list of locations per
    /// address, innermost inlined call first.
    static func symbolize(_ addresses: [UInt64], in path: String, with symbolizer: String) -> [[SymbolizedLocation]]? {
        let input = addresses.map { "0x" + String($0, radix: 16) }.joined(separator: "\n") + "\n"
        guard let output = SymbolizerTools.run(
            symbolizer, arguments: ["--obj=\(path)", "--output-style=JSON", "--functions=linkage", "--inlines", "--no-demangle"],
            input: input)
        else { return nil }
        let decoder = JSONDecoder()
        var results: [[SymbolizedLocation]] = []
        for line in output.split(separator: "\n") where line.hasPrefix("{") {
            guard let entry = try? decoder.decode(SymbolizerEntry.self, from: Data(line.utf8)) else {
                results.append([])
                continue
            }
            results.append((entry.Symbol ?? []).compactMap { symbol in
                let function = symbol.FunctionName ?? ""
                guard !function.isEmpty, function != "??" else { return nil }
                let file = symbol.FileName ?? ""
                return SymbolizedLocation(function: function, file: file == "??" ? "" : file, line: symbol.Line ?? 0)
            })
        }
        return results.count == addresses.count ? results : nil
    }

    /// llvm-symbolizer's JSON for one address.
    private struct SymbolizerEntry: Decodable {
        var Symbol: [SymbolizerSymbol]?
    }

    private struct SymbolizerSymbol: Decodable {
        var FunctionName: String?
        var FileName: String?
        var Line: Int?
    }

    /// Readable names for the Swift names among `names` (simplified, as `swift-demangle
    /// --simplified` prints them); without the tool, the runtime's own demangler's full names.
    static func demangle(_ names: Set<String>, with demangler: String?) -> [String: String] {
        let mangled = names.filter { AppCodeClassifier.mangledModule(of: $0) != nil }.sorted()
        guard !mangled.isEmpty else { return [:] }
        if let demangler,
           let output = SymbolizerTools.run(demangler, arguments: ["--simplified"], input: mangled.joined(separator: "\n") + "\n") {
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.count >= mangled.count {
                return Dictionary(uniqueKeysWithValues: zip(mangled, lines.prefix(mangled.count)))
            }
        }
        var result: [String: String] = [:]
        for name in mangled {
            if let readable = runtimeDemangle(name) { result[name] = readable }
        }
        return result
    }

    private static func runtimeDemangle(_ name: String) -> String? {
        name.withCString { pointer in
            guard let demangled = swift_demangle(pointer, strlen(pointer), nil, nil, 0) else { return nil }
            defer { free(demangled) }
            return String(cString: demangled)
        }
    }
}

/// The Swift runtime's demangler (exported by the standard library).
@_silgen_name("swift_demangle")
private func swift_demangle(
    _ mangledName: UnsafePointer<CChar>, _ mangledNameLength: Int, _ outputBuffer: UnsafeMutablePointer<CChar>?,
    _ outputBufferSize: UnsafeMutablePointer<Int>?, _ flags: UInt32
) -> UnsafeMutablePointer<CChar>?
