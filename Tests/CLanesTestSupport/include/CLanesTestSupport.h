#ifndef C_LANES_TEST_SUPPORT_H
#define C_LANES_TEST_SUPPORT_H

// What tests need from C that Swift's Glibc module does not declare (it needs _GNU_SOURCE).

/// The lowest-numbered processor this process may run on, or -1.
int lanes_test_first_allowed_processor(void);

/// Restricts the calling thread to `processor`; 0 on success.
int lanes_test_pin_current_thread(int processor);

#include <spawn.h>

/// Makes a pipe whose two ends are closed on exec (pipe2 with O_CLOEXEC), so that children
/// started meanwhile by other tests do not inherit them; 0 on success, else -1 and errno.
int lanes_test_pipe_cloexec(int fds[2]);

/// Adds "change to `directory`" to a posix_spawn file-action list (glibc's _np extension).
int lanes_test_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *directory);

/// Adds "close every descriptor from `lowest` up" to a posix_spawn file-action list, so that
/// a child holds only the descriptors it was given (glibc's _np extension).
int lanes_test_spawn_add_close_from(posix_spawn_file_actions_t *actions, int lowest);

#endif
