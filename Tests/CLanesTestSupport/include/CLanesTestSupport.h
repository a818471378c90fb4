#ifndef C_LANES_TEST_SUPPORT_H
#define C_LANES_TEST_SUPPORT_H

// What tests need from C that Swift's Glibc module does not declare (it needs _GNU_SOURCE).

/// The lowest-numbered processor this process may run on, or -1.
int lanes_test_first_allowed_processor(void);

/// Restricts the calling thread to `processor`; 0 on success.
int lanes_test_pin_current_thread(int processor);

#endif
