import LanesWriter

/// Why a recording could not start: the trace file could not be created. The same type as every
/// trace file error (`TraceFileError`: path, kind, one-line reason), under the name apps that
/// import only `Lanes` know it by.
public typealias LanesRecordingError = TraceFileError
