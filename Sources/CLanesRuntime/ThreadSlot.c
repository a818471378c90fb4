#include "LanesThreadSlot.h"

_Thread_local void *lanes_thread_slot = 0;
