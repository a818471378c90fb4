/// A span's kind, status and flags packed into one byte, so that a loaded trace spends one byte
/// per span on them instead of three.
///
/// Bits 0–2 hold the kind (`SpanKind` has eight cases, raw values 0–7), bits 3–4 the status
/// (raw values 0–2), bits 5–7 the flags (`SpanFlags` defines three). A ninth kind or a fourth
/// flag needs this layout widened; `SpanTraitsTests` fails first.
@frozen
public struct SpanTraits: Sendable, Hashable {
    /// The packed byte.
    public var rawValue: UInt8

    /// Traits from their packed byte.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Packs `kind`, `status` and `flags`.
    @inlinable
    public init(kind: SpanKind, status: SpanStatus, flags: SpanFlags) {
        rawValue = (kind.rawValue & 0x07) | (status.rawValue & 0x03) << 3 | (flags.rawValue & 0x07) << 5
    }

    /// What sort of work the span stands for.
    @inlinable
    public var kind: SpanKind { SpanKind(rawValue: rawValue & 0x07) ?? .unknown }

    /// How the span ended (the unused value 3 reads as `ok`).
    @inlinable
    public var status: SpanStatus {
        get { SpanStatus(rawValue: (rawValue >> 3) & 0x03) ?? .ok }
        set { rawValue = (rawValue & ~0x18) | (newValue.rawValue & 0x03) << 3 }
    }

    /// The span's flags.
    @inlinable
    public var flags: SpanFlags {
        get { SpanFlags(rawValue: rawValue >> 5) }
        set { rawValue = (rawValue & 0x1F) | (newValue.rawValue & 0x07) << 5 }
    }
}

/// A span property kept in the packed traits byte: kind, status or flags.
public protocol PackedSpanTrait: Sendable, Equatable {
    /// This property of the span whose traits are `traits`.
    static func unpacked(from traits: SpanTraits) -> Self
}

extension SpanKind: PackedSpanTrait {
    @inlinable public static func unpacked(from traits: SpanTraits) -> SpanKind { traits.kind }
}

extension SpanStatus: PackedSpanTrait {
    @inlinable public static func unpacked(from traits: SpanTraits) -> SpanStatus { traits.status }
}

extension SpanFlags: PackedSpanTrait {
    @inlinable public static func unpacked(from traits: SpanTraits) -> SpanFlags { traits.flags }
}

/// One property of each span, read from the trace's packed traits column, so that
/// `trace.spanKind[span]` reads like a column of its own.
public struct SpanTraitColumn<Trait: PackedSpanTrait>: RandomAccessCollection, Sendable, Equatable {
    @usableFromInline let traits: [UInt8]

    init(traits: [UInt8]) { self.traits = traits }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { traits.count }
    @inlinable public subscript(span: Int) -> Trait { Trait.unpacked(from: SpanTraits(rawValue: traits[span])) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.elementsEqual(rhs) }
}

/// The kind of each span.
public typealias SpanKindColumn = SpanTraitColumn<SpanKind>
/// How each span ended.
public typealias SpanStatusColumn = SpanTraitColumn<SpanStatus>
/// The flags of each span.
public typealias SpanFlagsColumn = SpanTraitColumn<SpanFlags>
