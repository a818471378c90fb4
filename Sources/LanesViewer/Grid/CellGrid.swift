/// The size of a screen in cells.
public struct GridSize: Sendable, Equatable {
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int

    /// A size clamped to what a terminal can have: at least 1×1, at most 4096×2048, so an absurd
    /// size from a flag or a broken terminal never sizes an allocation.
    public init(width: Int, height: Int) {
        self.width = min(max(width, 1), 4096)
        self.height = min(max(height, 1), 2048)
    }
}

/// A screen's worth of cells: what `ViewRenderer` draws and the backend copies to the terminal.
///
/// Writes outside the grid are clipped, never trapped, so drawing code can be written for the
/// common size and still behave on a 20×6 terminal.
public struct CellGrid: Sendable, Equatable {
    /// The size of the grid.
    public let size: GridSize
    /// The cells, row by row.
    public private(set) var cells: [Cell]

    /// A blank grid of `size`.
    public init(size: GridSize) {
        self.size = size
        cells = [Cell](repeating: .blank, count: size.width * size.height)
    }

    /// Columns.
    public var width: Int { size.width }
    /// Rows.
    public var height: Int { size.height }

    /// The cell at column `x`, row `y` (both must be inside the grid).
    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { cells[y * size.width + x] = newValue }
    }

    /// Puts one scalar at (`x`, `y`); outside the grid it does nothing.
    @inline(__always)
    public mutating func put(_ scalar: Unicode.Scalar, x: Int, y: Int, style: CellStyle = .plain) {
        guard x >= 0, y >= 0, x < size.width, y < size.height else { return }
        cells[y * size.width + x] = Cell(scalar, style)
    }

    /// Writes already-sanitised `text` from (`x`, `y`), one scalar per cell, at most `limit`
    /// cells (and never past the right edge). Returns the number of cells written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: CellStyle = .plain, limit: Int = .max) -> Int {
        guard y >= 0, y < size.height else { return 0 }
        var column = x
        let stop = min(size.width, x + max(0, min(limit, size.width)))
        for scalar in text.unicodeScalars {
            if column >= stop { break }
            if column >= 0 { cells[y * size.width + column] = Cell(scalar, style) }
            column += 1
        }
        return max(0, column - x)
    }

    /// Sets the style of `count` cells from (`x`, `y`), keeping their characters.
    public mutating func restyle(x: Int, y: Int, count: Int, style: CellStyle) {
        guard y >= 0, y < size.height else { return }
        for column in max(0, x)..<max(max(0, x), min(size.width, x + count)) {
            cells[y * size.width + column].style = style
        }
    }

    /// Fills a rectangle with `scalar`.
    public mutating func fill(x: Int, y: Int, width: Int, height: Int, scalar: Unicode.Scalar = " ", style: CellStyle = .plain) {
        for row in max(0, y)..<max(max(0, y), min(size.height, y + height)) {
            for column in max(0, x)..<max(max(0, x), min(size.width, x + width)) {
                cells[row * size.width + column] = Cell(scalar, style)
            }
        }
    }

    /// Row `y` as text, trailing spaces removed.
    public func line(_ y: Int) -> String {
        var scalars = String.UnicodeScalarView()
        for x in 0..<size.width { scalars.append(cells[y * size.width + x].scalar) }
        var text = String(scalars)
        while text.last == " " { text.removeLast() }
        return text
    }

    /// Every row as text, trailing spaces removed: the form golden files are stored in.
    public var lines: [String] { (0..<size.height).map(line) }

    /// The whole grid as plain text, one line per row.
    public var text: String { lines.joined(separator: "\n") + "\n" }
}
