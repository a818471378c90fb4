// The images loaded in this process (program, shared libraries, vDSO), with what a symbolizer
// needs after the process is gone: the file, where it was loaded, its code range and its build
// id. Read with dl_iterate_phdr on the watchdog thread, never in a signal handler.
#define _GNU_SOURCE
#include "LanesWatchdog.h"

#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    lanes_image_record *into;
    int capacity;
    int count;
    unsigned long long additions;
} image_walk;

/// Copies the GNU build id from a PT_NOTE segment of a loaded image (mapped and readable while
/// dl_iterate_phdr's callback runs).
static void copy_build_id(const struct dl_phdr_info *info, const ElfW(Phdr) *header, lanes_image_record *image) {
    const uint8_t *note = (const uint8_t *)(info->dlpi_addr + header->p_vaddr);
    const uint8_t *end = note + header->p_memsz;
    size_t alignment = header->p_align == 8 ? 8 : 4;
    while (note + sizeof(ElfW(Nhdr)) <= end) {
        const ElfW(Nhdr) *entry = (const ElfW(Nhdr) *)note;
        const uint8_t *name = note + sizeof(ElfW(Nhdr));
        size_t name_size = (entry->n_namesz + alignment - 1) & ~(alignment - 1);
        const uint8_t *description = name + name_size;
        size_t description_size = (entry->n_descsz + alignment - 1) & ~(alignment - 1);
        if (description + entry->n_descsz > end) return;
        if (entry->n_type == NT_GNU_BUILD_ID && entry->n_namesz == 4 && memcmp(name, "GNU", 4) == 0
            && entry->n_descsz <= sizeof(image->build_id)) {
            memcpy(image->build_id, description, entry->n_descsz);
            image->build_id_length = entry->n_descsz;
            return;
        }
        note = description + description_size;
    }
}

static int visit_image(struct dl_phdr_info *info, size_t size, void *context) {
    (void)size;
    image_walk *walk = context;
    walk->additions = info->dlpi_adds;
    int index = walk->count++;
    if (index >= walk->capacity) return 0;
    lanes_image_record *image = &walk->into[index];
    memset(image, 0, sizeof(*image));
    image->base = info->dlpi_addr;
    uintptr_t low = UINTPTR_MAX, high = 0;
    for (int segment = 0; segment < info->dlpi_phnum; segment++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[segment];
        if (header->p_type == PT_LOAD && (header->p_flags & PF_X)) {
            uintptr_t start = info->dlpi_addr + header->p_vaddr;
            uintptr_t stop = start + header->p_memsz;
            if (start < low) low = start;
            if (stop > high) high = stop;
        } else if (header->p_type == PT_NOTE && image->build_id_length == 0) {
            copy_build_id(info, header, image);
        }
    }
    if (high > low) {
        image->text_start = low;
        image->text_end = high;
    }
    const char *name = info->dlpi_name;
    if (name == NULL || name[0] == 0) {
        // The program itself (dl_iterate_phdr gives it no name); the vDSO has its soname.
        ssize_t length = readlink("/proc/self/exe", image->path, sizeof(image->path) - 1);
        image->path[length > 0 ? length : 0] = 0;
    } else {
        snprintf(image->path, sizeof(image->path), "%s", name);
    }
    return 0;
}

int lanes_copy_loaded_images(lanes_image_record *into, int capacity) {
    image_walk walk = {.into = into, .capacity = capacity, .count = 0, .additions = 0};
    dl_iterate_phdr(visit_image, &walk);
    int copied = walk.count < capacity ? walk.count : capacity;
    for (int index = 0; index < copied; index++) {
        struct stat facts;
        if (into[index].path[0] == '/' && stat(into[index].path, &facts) == 0) {
            into[index].file_size = (uint64_t)facts.st_size;
            into[index].file_modified_nanoseconds =
                (int64_t)facts.st_mtim.tv_sec * 1000000000 + facts.st_mtim.tv_nsec;
        }
    }
    return walk.count;
}

static int read_additions(struct dl_phdr_info *info, size_t size, void *context) {
    (void)size;
    *(unsigned long long *)context = info->dlpi_adds;
    return 1;  // every entry carries the counter: the first is enough
}

unsigned long long lanes_loaded_image_additions(void) {
    unsigned long long additions = 0;
    dl_iterate_phdr(read_additions, &additions);
    return additions;
}
