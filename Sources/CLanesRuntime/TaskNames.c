// Reading the name a task was given with `Task(name:)` before it runs.
//
// The runtime exports only `swift_task_getCurrentTaskName()`, which reads the task current on
// the calling thread. Lanes' pool needs the name of the task it is about to run, so it looks up
// the runtime's own `AsyncTask::getTaskName()` (a C++ member function: `const char *(AsyncTask
// *this)`, which `swift_task_getCurrentTaskName` tail-calls) in the loaded
// libswift_Concurrency.so's symbol table, the way a debugger would. Assumptions:
//  1. The function is in the library's .symtab under its Itanium name
//     `_ZN5swift9AsyncTask11getTaskNameEv` (checked on Swift 6.3; a stripped or other runtime
//     simply has no task names in traces).
//  2. It may be called on any task that is not running: it checks the task's name flag and takes
//     the task's status record lock (as cancellation from another thread does). Lanes calls it
//     only on a task job it is about to run, so the task can neither run nor be freed meanwhile.
//  3. Only tasks: jobs that are not tasks (an actor's) have no status record lock; callers check
//     `swift_task_getJobTaskId(job) != 0` first.
#define _GNU_SOURCE
#include "LanesTaskIdentity.h"
#include "LanesWorkerSlots.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef const char *(*lanes_task_name_function)(void *task);

static lanes_task_name_function lanes_get_task_name;

struct lanes_runtime_search {
    char path[4096];
    ElfW(Addr) base;
    int found;
};

static int lanes_find_concurrency_library(struct dl_phdr_info *info, size_t size, void *context) {
    (void)size;
    struct lanes_runtime_search *search = context;
    const char *name = info->dlpi_name;
    if (!name || !strstr(name, "/libswift_Concurrency.so")) return 0;
    size_t length = strlen(name);
    if (length >= sizeof search->path) return 0;
    memcpy(search->path, name, length + 1);
    search->base = info->dlpi_addr;
    search->found = 1;
    return 1;
}

/// The address of `symbol` in the ELF file mapped at `base`, from its .symtab; 0 if absent. Every
/// offset read from the file is checked against the file's size.
static ElfW(Addr) lanes_symtab_lookup(const char *path, ElfW(Addr) base, const char *symbol) {
    int descriptor = open(path, O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return 0;
    struct stat status;
    if (fstat(descriptor, &status) != 0 || status.st_size < (off_t)sizeof(ElfW(Ehdr))) {
        close(descriptor);
        return 0;
    }
    size_t fileSize = (size_t)status.st_size;
    const unsigned char *file = mmap(NULL, fileSize, PROT_READ, MAP_PRIVATE, descriptor, 0);
    close(descriptor);
    if (file == MAP_FAILED) return 0;
    ElfW(Addr) result = 0;
    const ElfW(Ehdr) *header = (const ElfW(Ehdr) *)file;
    if (memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 || header->e_shentsize != sizeof(ElfW(Shdr))
        || header->e_shoff > fileSize || (size_t)header->e_shnum * sizeof(ElfW(Shdr)) > fileSize - header->e_shoff) {
        goto done;
    }
    const ElfW(Shdr) *sections = (const ElfW(Shdr) *)(file + header->e_shoff);
    for (ElfW(Half) index = 0; index < header->e_shnum; index++) {
        const ElfW(Shdr) *table = &sections[index];
        if (table->sh_type != SHT_SYMTAB || table->sh_link >= header->e_shnum) continue;
        const ElfW(Shdr) *strings = &sections[table->sh_link];
        if (table->sh_offset > fileSize || table->sh_size > fileSize - table->sh_offset
            || strings->sh_offset > fileSize || strings->sh_size > fileSize - strings->sh_offset
            || table->sh_entsize != sizeof(ElfW(Sym))) {
            continue;
        }
        const ElfW(Sym) *symbols = (const ElfW(Sym) *)(file + table->sh_offset);
        size_t count = table->sh_size / sizeof(ElfW(Sym));
        const char *names = (const char *)(file + strings->sh_offset);
        size_t symbolLength = strlen(symbol);
        for (size_t entry = 0; entry < count; entry++) {
            const ElfW(Sym) *candidate = &symbols[entry];
            if (ELF64_ST_TYPE(candidate->st_info) != STT_FUNC || candidate->st_value == 0) continue;
            if (candidate->st_name >= strings->sh_size || strings->sh_size - candidate->st_name <= symbolLength) continue;
            if (memcmp(names + candidate->st_name, symbol, symbolLength + 1) == 0) {
                result = base + candidate->st_value;
                goto done;
            }
        }
    }
done:
    munmap((void *)file, fileSize);
    return result;
}

int lanes_prepare_task_names(void) {
    struct lanes_runtime_search search = {{0}, 0, 0};
    dl_iterate_phdr(lanes_find_concurrency_library, &search);
    if (!search.found) return 0;
    ElfW(Addr) address = lanes_symtab_lookup(search.path, search.base, "_ZN5swift9AsyncTask11getTaskNameEv");
    if (address == 0) return 0;
    // The address must be executable code of the library as loaded.
    Dl_info info;
    if (!dladdr((void *)address, &info) || !info.dli_fname || !strstr(info.dli_fname, "/libswift_Concurrency.so")) return 0;
    __atomic_store_n(&lanes_get_task_name, (lanes_task_name_function)address, __ATOMIC_RELEASE);
    return 1;
}

const char *lanes_task_name_of_job(void *job) {
    lanes_task_name_function function = __atomic_load_n(&lanes_get_task_name, __ATOMIC_ACQUIRE);
    if (!function || swift_task_getJobTaskId(job) == 0) return 0;
    return function(job);
}
