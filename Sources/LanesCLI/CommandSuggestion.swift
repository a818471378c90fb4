import ArgumentParser
import LanesAnalysis

/// "Did you mean": a mistyped command gets the closest real one named, instead of the argument
/// parser's "unexpected argument".
enum CommandSuggestion {
    /// The subcommands' names, and what the parser also accepts first.
    static var commandNames: [String] {
        LanesCommand.configuration.subcommands.compactMap { $0.configuration.commandName }
    }

    /// The one-line error for `arguments` when the first one is not a command, an option or
    /// `help`; nil when it is fine (or missing).
    static func unknownCommand(in arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), first != "help" else { return nil }
        let names = commandNames
        guard !names.contains(first) else { return nil }
        let shown = DisplayText.escaped(first)
        if let closest = closest(to: first, among: names) {
            return "lanes: '\(shown)' is not a lanes command; did you mean '\(closest)'? (lanes --help lists them)"
        }
        return "lanes: '\(shown)' is not a lanes command; the commands are \(names.joined(separator: ", "))"
    }

    /// The name at the smallest edit distance from `word`, if it is close enough to be a typo
    /// (at most a third of the word's letters, and at least one), or a name it starts.
    static func closest(to word: String, among names: [String]) -> String? {
        let lowered = word.lowercased()
        if let prefixed = names.first(where: { $0.hasPrefix(lowered) && lowered.count >= 2 }) { return prefixed }
        let scored = names.map { ($0, editDistance(lowered, $0)) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        guard let best = scored.first, best.1 <= max(1, lowered.count / 3) else { return nil }
        return best.0
    }

    /// Levenshtein distance, with a transposition of neighbours counting one (Damerau).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
