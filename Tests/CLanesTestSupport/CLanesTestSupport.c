#define _GNU_SOURCE
#include "CLanesTestSupport.h"

#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <unistd.h>

int lanes_test_first_allowed_processor(void) {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return -1;
    for (int processor = 0; processor < CPU_SETSIZE; processor++) {
        if (CPU_ISSET(processor, &allowed)) return processor;
    }
    return -1;
}

int lanes_test_pin_current_thread(int processor) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(processor, &set);
    return sched_setaffinity(0, sizeof(set), &set);
}

int lanes_test_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int lanes_test_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *directory) {
    return posix_spawn_file_actions_addchdir_np(actions, directory);
}

int lanes_test_spawn_add_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}
