import LanesModel

/// Tells the app's own code from everything else in a stack, so a finding can name the line
/// the developer wrote: not the Swift toolchain's or the system's libraries, not Lanes' own
/// modules, not a package dependency.
struct AppCodeClassifier {
    /// Lanes' own modules: their frames (the executor, the recorder) are never the culprit.
    static let lanesModules: Set<String> = ["Lanes", "LanesTracing", "LanesModel", "LanesFormat", "CLanesRuntime"]
    /// Modules of the Swift toolchain, for functions inlined or specialized into app images.
    static let toolchainModules: Set<String> = [
        "Swift", "_Concurrency", "_StringProcessing", "_RegexParser", "Foundation", "FoundationEssentials",
        "FoundationInternationalization", "FoundationNetworking", "Dispatch", "Synchronization", "Observation",
        "Distributed", "_Volatile", "Runtime", "Testing", "XCTest", "Glibc", "Musl",
    ]
    /// Where systems keep shared libraries.
    static let systemDirectories = ["/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/libexec/"]

    /// Directories holding the Swift runtime's libraries in the recorded process.
    let toolchainDirectories: [String]

    /// A classifier for a trace's images: the toolchain is wherever its Swift runtime was loaded
    /// from.
    init(images: [LoadedImage]) {
        var directories: [String] = []
        for image in images {
            let name = image.path.split(separator: "/").last.map(String.init) ?? ""
            guard name.hasPrefix("libswiftCore.") || name.hasPrefix("libswift_Concurrency.") || name.hasPrefix("libFoundation") else { continue }
            let directory = String(image.path.dropLast(name.count))
            if !directory.isEmpty && !directories.contains(directory) { directories.append(directory) }
        }
        toolchainDirectories = directories
    }

    /// Whether `function` (demangled or not), found in `file` of the image at `imagePath`, is
    /// the app's own code. `mangledModule` is the Swift module its mangled name names, if any.
    func isAppCode(imagePath: String, file: String, mangledModule: String?) -> Bool {
        guard imagePath.hasPrefix("/") else { return false }  // the vDSO
        if AppCodeClassifier.systemDirectories.contains(where: { imagePath.hasPrefix($0) }) { return false }
        if toolchainDirectories.contains(where: { imagePath.hasPrefix($0) }) { return false }
        if file.contains("/.build/checkouts/") { return false }
        if AppCodeClassifier.lanesModules.contains(where: { file.contains("/Sources/\($0)/") }) { return false }
        if let module = mangledModule,
           AppCodeClassifier.lanesModules.contains(module) || AppCodeClassifier.toolchainModules.contains(module) {
            return false
        }
        return true
    }

    /// The module a mangled Swift name starts in (`$s16BlockingScenario…` → `BlockingScenario`,
    /// `$sSa…` → `Swift`), or nil for other names.
    static func mangledModule(of name: String) -> String? {
        var rest = Substring(name)
        if rest.hasPrefix("_") { rest = rest.dropFirst() }
        guard rest.hasPrefix("$s") || rest.hasPrefix("$S") else { return nil }
        rest = rest.dropFirst(2)
        guard let first = rest.first else { return nil }
        if first == "s" { return "Swift" }
        if first == "S" {
            return rest.dropFirst().first.map { "cC".contains($0) } == true ? "_Concurrency" : "Swift"
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let length = Int(digits), length > 0 else { return nil }
        let module = rest.dropFirst(digits.count).prefix(length)
        return module.count == length ? String(module) : nil
    }
}
