import LanesModel

/// The `resource` and `scope` records (`Traces/FORMAT.md` §4.17–4.18).
extension RecordFraming {
    /// A `resource` record: resource `id` (≥ 1, unique in the file), its schema URL (a string
    /// id), the count of attributes its producer dropped, and its attributes.
    package static func resource(id: UInt32, schemaURL: UInt32, droppedAttributes: UInt32, attributes: [LanesFileAttribute]) -> [UInt8] {
        payload(type: LanesRecordType.resource) { bytes in
            bytes.appendVarint(UInt64(id))
            bytes.appendVarint(UInt64(schemaURL))
            bytes.appendVarint(UInt64(droppedAttributes))
            LanesChunkEncoder.write(attributes, to: &bytes)
        }
    }

    /// A `scope` record: scope `id` (≥ 1, unique in the file), the resource it belongs to (a
    /// resource record's id, 0: none), name, version and schema URL (string ids), the count of
    /// attributes its producer dropped, and its attributes.
    package static func scope(
        id: UInt32, resource: UInt32, name: UInt32, version: UInt32, schemaURL: UInt32, droppedAttributes: UInt32,
        attributes: [LanesFileAttribute]
    ) -> [UInt8] {
        payload(type: LanesRecordType.scope) { bytes in
            bytes.appendVarint(UInt64(id))
            bytes.appendVarint(UInt64(resource))
            bytes.appendVarint(UInt64(name))
            bytes.appendVarint(UInt64(version))
            bytes.appendVarint(UInt64(schemaURL))
            bytes.appendVarint(UInt64(droppedAttributes))
            LanesChunkEncoder.write(attributes, to: &bytes)
        }
    }

    private static func payload(type: LanesRecordType, _ body: (inout EventBytes) -> Void) -> [UInt8] {
        var bytes = EventBytes(capacity: 256)
        defer { bytes.deallocate() }
        bytes.reserve(EventBytes.largestEvent)
        body(&bytes)
        return record(type: type.rawValue, payload: Array(bytes.bytes))
    }
}
