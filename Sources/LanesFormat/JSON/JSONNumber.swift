/// A JSON number kept as an exact decimal: ±significand × 10^exponent.
///
/// Trace timestamps are microseconds with up to three decimals; converting them through
/// `Double` would lose nanoseconds on large clocks. Keeping the decimal digits makes the
/// microsecond → nanosecond conversion exact.
struct JSONNumber: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The decimal digits as an integer (at most 19 significant digits are kept).
    var significand: UInt64
    /// The power of ten the significand is scaled by.
    var exponent: Int32
    /// Whether the number is negative.
    var isNegative: Bool

    init(significand: UInt64, exponent: Int32 = 0, isNegative: Bool = false) {
        self.significand = significand
        self.exponent = exponent
        self.isNegative = isNegative
    }

    /// The integer `value`.
    init(_ value: Int64) {
        self.init(significand: value.magnitude, exponent: 0, isNegative: value < 0)
    }

    /// The value × 10^`power`, rounded to the nearest integer (halves away from zero), or nil
    /// when it does not fit in an `Int64`.
    func scaled(byPowerOfTen power: Int) -> Int64? {
        let shift = Int(exponent) + power
        var magnitude = significand
        if magnitude == 0 { return 0 }
        if shift >= 0 {
            guard shift <= 19 else { return nil }
            for _ in 0..<shift {
                let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                magnitude = product
            }
        } else {
            guard shift >= -19 else { return 0 }
            var divisor: UInt64 = 1
            for _ in 0..<(-shift) { divisor *= 10 }
            let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: divisor)
            magnitude = quotient + (remainder >= divisor - remainder ? 1 : 0)
        }
        if isNegative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// The value as an integer when it is one (rounded to the nearest otherwise), or nil when
    /// out of `Int64` range.
    var int64Value: Int64? { scaled(byPowerOfTen: 0) }

    /// The value as a `Double` (approximate).
    var doubleValue: Double {
        var value = Double(significand)
        let power = Int(exponent)
        if power != 0 {
            var scale = 1.0
            var base = 10.0
            var remaining = abs(power)
            while remaining > 0 {
                if remaining & 1 == 1 { scale *= base }
                base *= base
                remaining >>= 1
            }
            value = power > 0 ? value * scale : value / scale
        }
        return isNegative ? -value : value
    }

    /// The number as JSON text, without an exponent when that stays short.
    var description: String {
        let digits = String(significand)
        let sign = isNegative && significand != 0 ? "-" : ""
        let power = Int(exponent)
        if power >= 0 {
            if significand == 0 { return "0" }
            if power <= 6 { return sign + digits + String(repeating: "0", count: power) }
            return "\(sign)\(digits)e\(power)"
        }
        let fractionCount = -power
        if fractionCount > 24 { return "\(sign)\(digits)e\(power)" }
        var padded = digits
        if padded.count <= fractionCount {
            padded = String(repeating: "0", count: fractionCount - padded.count + 1) + padded
        }
        var integerPart = String(padded.dropLast(fractionCount))
        var fractionPart = String(padded.suffix(fractionCount))
        while fractionPart.hasSuffix("0") { fractionPart.removeLast() }
        if integerPart.isEmpty { integerPart = "0" }
        return fractionPart.isEmpty ? sign + integerPart : "\(sign)\(integerPart).\(fractionPart)"
    }

    /// Parses a JSON number at `position` in `bytes`, advancing past it. Returns nil (without
    /// moving) if no number starts there. Digits beyond the 19th significant one are dropped
    /// (the exponent keeps the magnitude); exponents are clamped to a sane range.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int) -> JSONNumber? {
        var index = position
        let end = bytes.count
        var negative = false
        if index < end, bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        else if index < end, bytes[index] == UInt8(ascii: "+") { index += 1 }
        var significand: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var sawDigit = false
        while index < end, bytes[index] &- 48 < 10 {
            let digit = UInt64(bytes[index] &- 48)
            sawDigit = true
            if significantDigits < 19 {
                if significand != 0 || digit != 0 {
                    significand = significand * 10 + digit
                    significantDigits += 1
                }
            } else {
                exponent += 1
            }
            index += 1
        }
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < end, bytes[index] &- 48 < 10 {
                let digit = UInt64(bytes[index] &- 48)
                sawDigit = true
                if significantDigits < 19 {
                    if significand != 0 || digit != 0 {
                        significand = significand * 10 + digit
                        significantDigits += 1
                    }
                    exponent -= 1
                }
                index += 1
            }
        }
        guard sawDigit else { return nil }
        if index < end, bytes[index] | 0x20 == UInt8(ascii: "e") {
            var exponentIndex = index + 1
            var exponentNegative = false
            if exponentIndex < end, bytes[exponentIndex] == UInt8(ascii: "-") || bytes[exponentIndex] == UInt8(ascii: "+") {
                exponentNegative = bytes[exponentIndex] == UInt8(ascii: "-")
                exponentIndex += 1
            }
            var written = 0
            var sawExponentDigit = false
            while exponentIndex < end, bytes[exponentIndex] &- 48 < 10 {
                sawExponentDigit = true
                if written < 100_000 { written = written * 10 + Int(bytes[exponentIndex] &- 48) }
                exponentIndex += 1
            }
            if sawExponentDigit {
                exponent += exponentNegative ? -written : written
                index = exponentIndex
            }
        }
        position = index
        if significand == 0 { exponent = 0 }
        return JSONNumber(
            significand: significand, exponent: Int32(clamping: max(-100_000, min(100_000, exponent))),
            isNegative: negative)
    }

    /// Parses a whole numeric string such as `"12.5"` (surrounding spaces allowed), or nil.
    init?(parsing text: String) {
        var text = text
        let parsed: JSONNumber? = text.withUTF8 { buffer in
            var start = 0
            var end = buffer.count
            while start < end, buffer[start] == 0x20 { start += 1 }
            while end > start, buffer[end - 1] == 0x20 { end -= 1 }
            guard start < end else { return nil }
            let slice = UnsafeBufferPointer(rebasing: buffer[start..<end])
            var position = 0
            guard let number = JSONNumber.parse(slice, at: &position), position == slice.count else { return nil }
            return number
        }
        guard let parsed else { return nil }
        self = parsed
    }
}
