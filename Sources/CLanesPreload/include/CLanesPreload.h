#ifndef C_LANES_PRELOAD_H
#define C_LANES_PRELOAD_H

// `lanes record`'s preload library (LD_PRELOAD=libLanesPreload.so). Its constructor checks that
// the program is a dynamically linked Swift program on the runtime Lanes was built for, then
// loads libLanesAutostart.so (Lanes itself, from the same folder) and starts the LANES_TRACE
// recording with job capture. Anything else gets one line on stderr and runs unrecorded. This
// library is plain C and links only libc, so preloading it into any program is harmless.

/// The Swift runtime version the preload accepts, as the runtime's own version marker names it.
#define LANES_PRELOAD_RUNTIME_MARKER "$sSo19_SwiftStdlibVersionasE6v6_3_0ABvpZMV"
/// The marker of the next version, which must be absent.
#define LANES_PRELOAD_NEXT_RUNTIME_MARKER "$sSo19_SwiftStdlibVersionasE6v6_4_0ABvpZMV"

#endif
