// The header's functions are inline; this file gives SwiftPM a C target to build.
#include "CLanesRuntime.h"
