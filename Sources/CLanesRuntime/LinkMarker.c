// Marks every binary that links Lanes with an ELF note (name "Lanes", type 1), so that
// `lanes record`'s preload library can tell a program that records itself (it calls
// Lanes.bootstrapFromEnvironment()) from one that never imports Lanes, and stay out of the way
// of the first: two copies of Lanes in one process would both write the same trace.
#include <stdint.h>

struct lanes_link_marker {
    uint32_t name_size;
    uint32_t description_size;
    uint32_t type;
    char name[8];
    uint32_t description;
};

__attribute__((section(".note.lanes"), used, retain, aligned(4)))
const struct lanes_link_marker lanes_link_marker = {6, 4, 1, "Lanes", 1};
