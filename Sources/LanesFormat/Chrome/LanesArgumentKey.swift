import LanesModel

/// The argument (Chrome) and attribute (OTLP) keys under which Lanes exports carry what the
/// target format has no field for; defined with every other well-known key in
/// `WellKnownAttributeKey`.
typealias LanesArgumentKey = WellKnownAttributeKey.Lanes
