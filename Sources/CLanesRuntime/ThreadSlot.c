#include "LanesThreadSlot.h"

_Thread_local void *lanes_thread_slot = 0;

_Thread_local const void *lanes_thread_pool = 0;
_Thread_local uint64_t lanes_thread_running_task = 0;
