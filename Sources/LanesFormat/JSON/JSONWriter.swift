/// Appends JSON text to a byte buffer: escaped strings, integers, exact decimal microseconds.
///
/// Writers call the pieces in order (`writeRaw("{\"ph\":")`, `writeString(name)`, …); nothing
/// is validated, so the caller keeps the structure well formed.
struct JSONWriter {
    /// The text written so far.
    var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends `text` as is.
    @inline(__always)
    mutating func writeRaw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends one ASCII byte.
    @inline(__always)
    mutating func writeByte(_ byte: UInt8) {
        bytes.append(byte)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `text` as a quoted JSON string. Quotes, backslashes, control characters (C0,
    /// DEL and C1) and the line separators U+2028/U+2029 are escaped, so hostile names can
    /// neither break the JSON nor reach a terminal raw.
    mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x22: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\""))
            case 0x5C: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\\"))
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "u"))
                for shift in stride(from: 12, through: 0, by: -4) {
                    bytes.append(Self.hexDigits[Int((value >> UInt32(shift)) & 0xF)])
                }
            case 0x20..<0x80:
                bytes.append(UInt8(value))
            default:
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends a decimal integer.
    mutating func writeInteger(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            writeUnsigned(value.magnitude)
        } else {
            writeUnsigned(UInt64(value))
        }
    }

    /// Appends a decimal unsigned integer.
    mutating func writeUnsigned(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var remaining = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while remaining > 0 {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// Appends nanoseconds as microseconds with up to three decimals, exactly (`1500` → `1.5`).
    mutating func writeMicroseconds(fromNanoseconds nanoseconds: Int64) {
        if nanoseconds < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = nanoseconds.magnitude
        writeUnsigned(magnitude / 1000)
        var fraction = magnitude % 1000
        guard fraction != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var divisor: UInt64 = 100
        while fraction != 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }

    /// Appends any parsed value as compact JSON.
    mutating func writeValue(_ value: JSONValue) {
        switch value {
        case .null: writeRaw("null")
        case .bool(let flag): flag ? writeRaw("true") : writeRaw("false")
        case .number(let number): bytes.append(contentsOf: number.description.utf8)
        case .string(let text): writeString(text)
        case .array(let elements):
            writeByte(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { writeByte(UInt8(ascii: ",")) }
                writeValue(element)
            }
            writeByte(UInt8(ascii: "]"))
        case .object(let members):
            writeByte(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { writeByte(UInt8(ascii: ",")) }
                writeString(member.key)
                writeByte(UInt8(ascii: ":"))
                writeValue(member.value)
            }
            writeByte(UInt8(ascii: "}"))
        }
    }
}
