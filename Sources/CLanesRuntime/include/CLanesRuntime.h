#ifndef C_LANES_RUNTIME_H
#define C_LANES_RUNTIME_H

// What the span path needs from below Swift, each cheaper here than through Swift's APIs:
// the running task's id, the thread's recorder slot and the span clock.
#include "LanesTaskIdentity.h"
#include "LanesThreadSlot.h"
#include "LanesSpanClock.h"
#include "LanesDumpSignal.h"
#include "LanesExecutorHooks.h"
#include "LanesWorkerSlots.h"
#include "LanesWatchdog.h"

#endif
