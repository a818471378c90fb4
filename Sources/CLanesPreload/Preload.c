// The preload library's constructor (see CLanesPreload.h). It runs after the program's own
// libraries were initialised (they come later in the load order, so earlier in initialisation)
// and before `main`, while no Swift task can have been enqueued yet.
#define _GNU_SOURCE
#include "CLanesPreload.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void lanes_preload_say(const char *message) {
    char line[1024];
    const char *program = program_invocation_short_name ? program_invocation_short_name : "the program";
    int length = snprintf(line, sizeof line, "lanes: %s %s\n", program, message);
    if (length > 0) {
        ssize_t ignored = write(2, line, (size_t)(length < (int)sizeof line ? length : (int)sizeof line - 1));
        (void)ignored;
    }
}

static int lanes_find_concurrency_runtime(struct dl_phdr_info *info, size_t size, void *found) {
    (void)size;
    const char *name = info->dlpi_name;
    if (name && strstr(name, "/libswift_Concurrency.so")) *(int *)found = 1;
    return 0;
}

/// Looks through the main program's PT_NOTE segments (dl_iterate_phdr visits the main program
/// first) for Lanes' link marker, an ELF note named "Lanes" (see CLanesRuntime's LinkMarker.c).
static int lanes_find_link_marker(struct dl_phdr_info *info, size_t size, void *found) {
    (void)size;
    for (ElfW(Half) index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[index];
        if (segment->p_type != PT_NOTE) continue;
        const unsigned char *cursor = (const unsigned char *)(info->dlpi_addr + segment->p_vaddr);
        const unsigned char *end = cursor + segment->p_memsz;
        while (cursor + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *note = (const ElfW(Nhdr) *)cursor;
            const char *name = (const char *)(cursor + sizeof(ElfW(Nhdr)));
            size_t name_size = (note->n_namesz + 3) & ~(size_t)3;
            size_t description_size = (note->n_descsz + 3) & ~(size_t)3;
            if (name + name_size > (const char *)end) break;
            if (note->n_namesz == 6 && memcmp(name, "Lanes", 6) == 0) *(int *)found = 1;
            cursor += sizeof(ElfW(Nhdr)) + name_size + description_size;
        }
    }
    return 1;  // the main program only
}

/// Removes this library from LD_PRELOAD, so the program's children are not recorded into the
/// same file.
static void lanes_preload_forget_self(const char *self) {
    const char *value = getenv("LD_PRELOAD");
    if (!value || !self) return;
    char kept[4096];
    size_t used = 0;
    const char *cursor = value;
    while (*cursor) {
        size_t length = strcspn(cursor, ": ");
        if (length > 0 && !(strlen(self) == length && strncmp(cursor, self, length) == 0)) {
            if (used + length + 2 > sizeof kept) return;  // too long to rewrite: leave it
            if (used > 0) kept[used++] = ':';
            memcpy(kept + used, cursor, length);
            used += length;
        }
        cursor += length;
        if (*cursor) cursor++;
    }
    kept[used] = 0;
    if (used == 0) unsetenv("LD_PRELOAD"); else setenv("LD_PRELOAD", kept, 1);
}

__attribute__((constructor)) static void lanes_preload_start(void) {
    const char *trace = getenv("LANES_TRACE");
    if (!trace || !*trace) return;

    Dl_info self;
    if (!dladdr((void *)&lanes_preload_start, &self) || !self.dli_fname) return;
    lanes_preload_forget_self(self.dli_fname);

    int linksLanes = 0;
    dl_iterate_phdr(lanes_find_link_marker, &linksLanes);
    if (linksLanes) return;  // it records itself through its own Lanes.bootstrapFromEnvironment()

    int swiftRuntime = 0;
    dl_iterate_phdr(lanes_find_concurrency_runtime, &swiftRuntime);
    if (!swiftRuntime) {
        lanes_preload_say("is not a dynamically linked Swift program (a static binary, or not Swift); it runs unrecorded");
        return;
    }
    if (!dlsym(RTLD_DEFAULT, LANES_PRELOAD_RUNTIME_MARKER) || dlsym(RTLD_DEFAULT, LANES_PRELOAD_NEXT_RUNTIME_MARKER)) {
        lanes_preload_say("uses a Swift runtime other than 6.3, the one Lanes was built with; it runs unrecorded");
        return;
    }

    char path[4096];
    const char *slash = strrchr(self.dli_fname, '/');
    size_t folder = slash ? (size_t)(slash - self.dli_fname) + 1 : 0;
    if (folder + sizeof "libLanesAutostart.so" > sizeof path) return;
    memcpy(path, self.dli_fname, folder);
    memcpy(path + folder, "libLanesAutostart.so", sizeof "libLanesAutostart.so");

    void *lanes = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lanes) {
        char message[900];
        snprintf(message, sizeof message, "could not load Lanes (%s); it runs unrecorded", dlerror());
        lanes_preload_say(message);
        return;
    }
    int (*start)(void) = (int (*)(void))dlsym(lanes, "lanes_autostart");
    if (!start) {
        lanes_preload_say("could not start Lanes (libLanesAutostart.so has no lanes_autostart); it runs unrecorded");
        return;
    }
    start();
}
