import LanesModel
import LanesWriter

/// What the decoder keeps while reading OpenTelemetry facts: file ids of resources and scopes,
/// and facts about spans whose begin has not been read yet.
struct TelemetryDecoding {
    /// A fact about a span, kept until the span's begin is read (its chunk may come later).
    enum Pending {
        case identity(SpanTelemetry)
        case status(code: OpenTelemetryStatusCode, message: UInt32, droppedAttributes: UInt32, droppedEvents: UInt32, droppedLinks: UInt32)
        case event(time: Int64, name: UInt32, droppedAttributes: UInt32, attributes: [TelemetryAttribute])
        case link(TelemetryLink, attributes: [TelemetryAttribute])
    }

    var resourceOfFileID: [UInt64: Int32] = [:]
    var scopeOfFileID: [UInt64: Int32] = [:]
    var pending: [UInt64: [Pending]] = [:]
    var pendingCount = 0
    /// Extension events of ours whose payload could not be decoded (damage, or a newer writer).
    var undecodable = 0
    /// Span identities naming a scope no `scope` record defined.
    var unknownScopes = 0

    /// The deepest nesting of arrays and lists a value may have.
    static let maximumValueDepth = 32

    func warnings() -> [TraceReadWarning] {
        var warnings: [TraceReadWarning] = []
        if undecodable > 0 {
            warnings.append(TraceReadWarning("\(groupedCount(undecodable)) OpenTelemetry facts (ids, typed attributes, events, links, status) could not be decoded"))
        }
        if unknownScopes > 0 {
            warnings.append(TraceReadWarning("\(groupedCount(unknownScopes)) spans name an instrumentation scope the file does not define"))
        }
        if !pending.isEmpty {
            warnings.append(TraceReadWarning("\(groupedCount(pending.count)) spans' OpenTelemetry facts refer to spans whose begin was lost"))
        }
        return warnings
    }
}

extension LanesFileDecoder {
    // MARK: Records

    mutating func decodeResource(_ cursor: inout ByteCursor) {
        guard let id = cursor.readVarint(), let schema = cursor.readVarint(), let dropped = cursor.readVarint(),
              let attributes = readAttributes(&cursor)
        else { return noteUndecodable() }
        let resource = TelemetryResource(
            attributes: attributes, droppedAttributes: UInt32(clamping: dropped), schemaURL: string(schema))
        telemetry.resourceOfFileID[id] = builder.addResource(resource)
    }

    mutating func decodeScope(_ cursor: inout ByteCursor) {
        guard let id = cursor.readVarint(), let resourceID = cursor.readVarint(), let name = cursor.readVarint(),
              let version = cursor.readVarint(), let schema = cursor.readVarint(), let dropped = cursor.readVarint(),
              let attributes = readAttributes(&cursor)
        else { return noteUndecodable() }
        let resource = resourceID == 0 ? -1 : (telemetry.resourceOfFileID[resourceID] ?? -1)
        let scope = TelemetryScope(
            resource: resource, name: string(name), version: string(version), attributes: attributes,
            droppedAttributes: UInt32(clamping: dropped), schemaURL: string(schema))
        telemetry.scopeOfFileID[id] = builder.addScope(scope)
    }

    // MARK: Extension events

    /// Decodes extension event `opcode` whose payload is the `length` bytes at `cursor`, if it
    /// is one of ours; other extensions are skipped by the caller.
    mutating func decodeExtension(opcode: UInt8, cursor: ByteCursor, length: Int, _ state: ChunkState) {
        guard opcode >= LanesOpcode.spanIdentity, opcode <= LanesOpcode.spanStatus else { return }
        var payload = ByteCursor(cursor.bytes, from: cursor.position, to: cursor.position + length)
        guard let reference = payload.readVarint() else { return telemetry.undecodable += 1 }
        let id = spanID(reference: reference, state)
        let decoded: TelemetryDecoding.Pending?
        switch opcode {
        case LanesOpcode.spanIdentity: decoded = readIdentity(&payload)
        case LanesOpcode.typedAttribute:
            guard let key = payload.readVarint(), let value = readStoredValue(&payload) else { return telemetry.undecodable += 1 }
            return attach(id: id, key: string(key), value: value)
        case LanesOpcode.spanEvent:
            if let offset = payload.readSignedVarint(), let name = payload.readVarint(), let dropped = payload.readVarint(),
               let attributes = readAttributes(&payload) {
                decoded = .event(time: state.time &+ offset, name: string(name), droppedAttributes: UInt32(clamping: dropped),
                                 attributes: attributes)
                latestTime = max(latestTime, state.time &+ offset)
            } else {
                decoded = nil
            }
        case LanesOpcode.spanLink:
            if let high = payload.readBigEndianUInt64(), let low = payload.readBigEndianUInt64(),
               let spanID = payload.readBigEndianUInt64(), let traceState = payload.readVarint(),
               let flags = payload.readVarint(), let dropped = payload.readVarint(), let attributes = readAttributes(&payload) {
                decoded = .link(TelemetryLink(
                    span: -1, traceID: TraceID(high: high, low: low), spanID: spanID, traceState: string(traceState),
                    flags: UInt32(truncatingIfNeeded: flags), droppedAttributes: UInt32(clamping: dropped),
                    attributeStart: 0, attributeCount: 0), attributes: attributes)
            } else {
                decoded = nil
            }
        default:
            if let raw = payload.readByte(), let message = payload.readVarint(), let droppedAttributes = payload.readVarint(),
               let droppedEvents = payload.readVarint(), let droppedLinks = payload.readVarint() {
                decoded = .status(
                    code: OpenTelemetryStatusCode(rawValue: raw) ?? .unset, message: string(message),
                    droppedAttributes: UInt32(clamping: droppedAttributes), droppedEvents: UInt32(clamping: droppedEvents),
                    droppedLinks: UInt32(clamping: droppedLinks))
            } else {
                decoded = nil
            }
        }
        guard let decoded else { return telemetry.undecodable += 1 }
        if let index = spanIndex(ofID: id) {
            apply(decoded, to: index)
        } else if telemetry.pendingCount < 1 << 20 {
            telemetry.pending[id, default: []].append(decoded)
            telemetry.pendingCount += 1
        }
    }

    private mutating func readIdentity(_ payload: inout ByteCursor) -> TelemetryDecoding.Pending? {
        guard let kind = payload.readByte(), let high = payload.readBigEndianUInt64(), let low = payload.readBigEndianUInt64(),
              let spanID = payload.readBigEndianUInt64(), let parent = payload.readBigEndianUInt64(),
              let flags = payload.readVarint(), let traceState = payload.readVarint(), let scopeID = payload.readVarint()
        else { return nil }
        var scope: Int32 = -1
        if scopeID != 0 {
            if let known = telemetry.scopeOfFileID[scopeID] { scope = known } else { telemetry.unknownScopes += 1 }
        }
        return .identity(SpanTelemetry(
            traceID: TraceID(high: high, low: low), spanID: spanID, parentSpanID: parent, traceState: string(traceState),
            flags: UInt32(truncatingIfNeeded: flags), kind: OpenTelemetryKind(rawValue: kind) ?? .unspecified, scope: scope))
    }

    mutating func applyPendingTelemetry(id: UInt64, index: Int32) {
        guard let items = telemetry.pending.removeValue(forKey: id) else { return }
        telemetry.pendingCount -= items.count
        for item in items { apply(item, to: index) }
    }

    private mutating func apply(_ item: TelemetryDecoding.Pending, to span: Int32) {
        switch item {
        case .identity(let identity):
            builder.updateTelemetry(of: span) { facts in
                facts.traceID = identity.traceID
                facts.spanID = identity.spanID
                facts.parentSpanID = identity.parentSpanID
                facts.traceState = identity.traceState
                facts.flags = identity.flags
                facts.kind = identity.kind
                facts.scope = identity.scope
            }
        case .status(let code, let message, let droppedAttributes, let droppedEvents, let droppedLinks):
            builder.updateTelemetry(of: span) { facts in
                facts.statusCode = code
                facts.statusMessage = message
                facts.droppedAttributes = droppedAttributes
                facts.droppedEvents = droppedEvents
                facts.droppedLinks = droppedLinks
            }
        case .event(let time, let name, let droppedAttributes, let attributes):
            builder.addEvent(to: span, name: name, time: time, attributes: attributes, droppedAttributes: droppedAttributes)
        case .link(let link, let attributes):
            builder.addLink(
                to: span, traceID: link.traceID, spanID: link.spanID, traceState: link.traceState, flags: link.flags,
                attributes: attributes, droppedAttributes: link.droppedAttributes)
        }
    }

    // MARK: Values

    /// A `uvar` count then that many (key string id, value) pairs; nil when cut short.
    mutating func readAttributes(_ cursor: inout ByteCursor) -> [TelemetryAttribute]? {
        guard let count = cursor.readVarint(), count <= UInt64(cursor.remaining) else { return nil }
        var attributes: [TelemetryAttribute] = []
        attributes.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let key = cursor.readVarint(), let value = readStoredValue(&cursor) else { return nil }
            attributes.append(TelemetryAttribute(key: string(key), value: value))
        }
        return attributes
    }

    /// One typed value, stored in the builder.
    mutating func readStoredValue(_ cursor: inout ByteCursor) -> StoredAttributeValue? {
        guard let raw = cursor.peekByte(), let type = AttributeType(rawValue: raw) else { return nil }
        if type == .string {
            cursor.position += 1
            return cursor.readVarint().map { .string(string($0)) }
        }
        guard let value = readValue(&cursor, depth: 0) else { return nil }
        return builder.store(value)
    }

    /// One typed value with its strings resolved; nil when damaged or nested too deep.
    mutating func readValue(_ cursor: inout ByteCursor, depth: Int) -> AttributeValue? {
        guard depth <= TelemetryDecoding.maximumValueDepth, let raw = cursor.readByte(), let type = AttributeType(rawValue: raw)
        else { return nil }
        switch type {
        case .empty: return .empty
        case .string: return cursor.readVarint().map { .string(builder.strings[string($0)]) }
        case .bool: return cursor.readByte().map { .bool($0 != 0) }
        case .int: return cursor.readSignedVarint().map { .int($0) }
        case .double: return cursor.readLittleEndianInt64().map { .double(Double(bitPattern: UInt64(bitPattern: $0))) }
        case .bytes:
            guard let count = cursor.readVarint(), count <= UInt64(cursor.remaining) else { return nil }
            let start = cursor.position
            cursor.position += Int(count)
            return .bytes(Array(UnsafeRawBufferPointer(rebasing: cursor.bytes[start..<cursor.position])))
        case .array:
            guard let count = cursor.readVarint(), count <= UInt64(cursor.remaining) else { return nil }
            var values: [AttributeValue] = []
            values.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let value = readValue(&cursor, depth: depth + 1) else { return nil }
                values.append(value)
            }
            return .array(values)
        case .keyValueList:
            guard let count = cursor.readVarint(), count <= UInt64(cursor.remaining) else { return nil }
            var pairs: [AttributeKeyValue] = []
            pairs.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let key = cursor.readVarint(), let value = readValue(&cursor, depth: depth + 1) else { return nil }
                pairs.append(AttributeKeyValue(key: builder.strings[string(key)], value: value))
            }
            return .keyValueList(pairs)
        }
    }
}

extension ByteCursor {
    /// The next byte without consuming it.
    func peekByte() -> UInt8? { position < end ? bytes[position] : nil }

    /// Eight bytes, most significant first (how ids are written).
    mutating func readBigEndianUInt64() -> UInt64? {
        guard remaining >= 8 else { return nil }
        defer { position += 8 }
        return UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }
}
