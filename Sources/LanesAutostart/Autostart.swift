import Lanes

/// Called by the preload library's constructor: starts the `LANES_TRACE` recording, with job
/// capture, exactly as `Lanes.bootstrapFromEnvironment()` does in a program that links Lanes.
/// Returns 1 when a recording started.
@_cdecl("lanes_autostart")
public func lanesAutostart() -> Int32 {
    Lanes.bootstrapFromEnvironment() != nil ? 1 : 0
}
