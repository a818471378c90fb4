// Walks a copied stack into return addresses, on the watchdog thread. The copy was taken while
// the thread was stopped (in the signal handler, or blocked in the kernel), so the walk reads
// only the copy, never the live stack; code bytes are read with process_vm_readv, which cannot
// fault.
//
// Swift code, and C code built by SwiftPM, keeps frame pointers: each frame begins with a
// record (saved frame pointer, return address) linked to its caller's. libc's system-call
// wrappers and other system code do not, so the frames between the stack pointer and the first
// record (usleep → nanosleep → clock_nanosleep, say) are found by scanning: every word there
// that points into code just after a call instruction is taken as a return address. The first
// of those in the app's code is the line that called into the library.
//
// The walk:
//  1. Every word of the copy that points into code is checked, once, for a call instruction
//     just before it (one batched read): those are the possible return addresses.
//  2. When the frame pointer register is known (a signalled thread) and points at a record, the
//     words between SP and it are scanned and the chain is followed from it. Otherwise (a
//     blocked thread: /proc gives only SP and PC) the copy is scanned from SP: possible return
//     addresses are taken until a word starts a plausible record (its return address possible,
//     its link 0 or a higher record, checked two links deep), where the chain takes over. A
//     system function that saved the frame pointer as an ordinary register looks like such a
//     record, so the words between the first record found this way and its link are scanned too.
//  3. Between two linked records, a function without a record of its own (a Swift overlay
//     calling into a C library, say) leaves its caller's return address in the gap: such an
//     address is taken when the call before it is a direct call (through a PLT stub, followed)
//     into the image holding the return address below it.
//  4. Where the chain breaks (a link that is no record), scanning resumes above the last record.
// Stale return addresses left in uninitialised slots of scanned regions can still appear; the
// frames are in stack order, so the innermost real call comes first.
#define _GNU_SOURCE
#include "LanesWatchdog.h"

#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/// The most words of a stack that are checked as possible return addresses.
#define CHECKED_WORDS 512

/// The index of the code range holding `address`, or -1.
static int code_range(const lanes_unwind_input *input, uintptr_t address) {
    uint32_t low = 0, high = input->code_range_count;
    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        if (input->code_ranges[2 * middle + 1] <= address) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    return low < input->code_range_count && input->code_ranges[2 * low] <= address ? (int)low : -1;
}

static int in_code(const lanes_unwind_input *input, uintptr_t address) {
    return code_range(input, address) >= 0;
}

static int load_word(const lanes_unwind_input *input, uintptr_t address, uintptr_t *value) {
    if (address < input->sp || address - input->sp > (uintptr_t)input->stack_bytes - sizeof(uintptr_t)
        || input->stack_bytes < sizeof(uintptr_t)) {
        return 0;
    }
    memcpy(value, input->stack + (address - input->sp), sizeof(uintptr_t));
    return 1;
}

/// The caller's frame address saved in a record. On x86-64, Swift may set bit 60 in a saved
/// frame pointer to mark an async frame (an "extended frame"); the address is the rest.
static uintptr_t frame_link(uintptr_t saved) {
#if defined(__x86_64__)
    return saved & ~((uintptr_t)1 << 60);
#else
    return saved;
#endif
}

#if defined(__x86_64__)
/// The length of an indirect near call (`FF /2`) starting at `code`, or 0.
static int indirect_call_length(const uint8_t *code, int available) {
    if (available < 2 || code[0] != 0xFF) return 0;
    uint8_t modrm = code[1];
    if (((modrm >> 3) & 7) != 2) return 0;
    int mod = modrm >> 6, rm = modrm & 7, length = 2;
    if (mod == 3) return length;
    if (rm == 4) {
        if (available < 3) return 0;
        length += 1;
        if (mod == 0 && (code[2] & 7) == 5) length += 4;
    } else if (mod == 0 && rm == 5) {
        length += 4;  // RIP-relative
    }
    if (mod == 1) length += 1;
    if (mod == 2) length += 4;
    return length;
}
#endif

/// Whether the eight code bytes before a return address end with a call instruction.
static int follows_call(const uint8_t before[8]) {
#if defined(__x86_64__)
    if (before[3] == 0xE8) return 1;  // call rel32
    for (int start = 0; start < 7; start++) {
        int length = 8 - start;
        if (before[start] == 0xFF && indirect_call_length(before + start, length) == length) return 1;
        if (before[start] >= 0x40 && before[start] <= 0x4F && before[start + 1] == 0xFF
            && indirect_call_length(before + start + 1, length - 1) == length - 1) {
            return 1;  // with a REX prefix
        }
    }
    return 0;
#elif defined(__aarch64__)
    uint32_t instruction;
    memcpy(&instruction, before + 4, 4);
    return (instruction & 0xFC000000) == 0x94000000      // bl
        || (instruction & 0xFFFFFC1F) == 0xD63F0000      // blr
        || (instruction & 0xFEFFF800) == 0xD63F0800;     // blraa, blrab and their zero forms
#else
    (void)before;
    return 1;
#endif
}

/// The code bytes before return addresses seen recently, so that the stacks of a thread blocked
/// in one place (sampled again and again) cost no reads. Direct-mapped; touched only by the
/// watchdog thread (the only caller of lanes_unwind); emptied when the loader adds an image.
#define CODE_CACHE_SIZE 4096
typedef struct {
    uintptr_t address;
    uint8_t code[8];
    uint8_t readable;
} cached_code;
static cached_code code_cache[CODE_CACHE_SIZE];
#define STUB_CACHE_SIZE 512
static struct { uintptr_t target, resolved; } stub_cache[STUB_CACHE_SIZE];

void lanes_unwind_forget_code(void) {
    memset(code_cache, 0, sizeof(code_cache));
    memset(stub_cache, 0, sizeof(stub_cache));
}

static cached_code *code_cache_slot(uintptr_t address) {
    return &code_cache[(address ^ (address >> 12)) % CODE_CACHE_SIZE];
}

/// Checks each address in `addresses` (return addresses) with one batched read of the code
/// before those not in the cache; `valid[k]` is set to 1 for those that follow a call, and
/// `code` (8 bytes per address) keeps the bytes.
static void check_calls(const uintptr_t *addresses, int count, uint8_t *valid, uint8_t *code) {
    struct iovec local[CHECKED_WORDS];
    struct iovec remote[CHECKED_WORDS];
    int positions[CHECKED_WORDS];
    int missing = 0;
    for (int index = 0; index < count; index++) {
        valid[index] = 0;
        cached_code *cached = code_cache_slot(addresses[index]);
        if (cached->address == addresses[index]) {
            memcpy(code + 8 * index, cached->code, 8);
            valid[index] = cached->readable && (uint8_t)follows_call(code + 8 * index);
            continue;
        }
        positions[missing] = index;
        local[missing].iov_base = code + 8 * index;
        local[missing].iov_len = 8;
        remote[missing].iov_base = (void *)(addresses[index] - 8);
        remote[missing].iov_len = 8;
        missing++;
    }
    pid_t self = lanes_own_process_id();
    int start = 0;
    while (start < missing) {
        ssize_t copied = process_vm_readv(self, local + start, missing - start, remote + start, missing - start, 0);
        int whole = copied > 0 ? (int)(copied / 8) : 0;
        for (int entry = start; entry <= start + whole && entry < missing; entry++) {
            int index = positions[entry];
            int readable = entry < start + whole;
            cached_code *cached = code_cache_slot(addresses[index]);
            cached->address = addresses[index];
            cached->readable = (uint8_t)readable;
            if (readable) memcpy(cached->code, code + 8 * index, 8);
            valid[index] = readable && (uint8_t)follows_call(code + 8 * index);
        }
        start += whole + 1;  // skip the one that could not be read
    }
}

/// The possible return addresses of a copied stack: where they are, and whether each follows a
/// call instruction.
typedef struct {
    const lanes_unwind_input *input;
    uintptr_t positions[CHECKED_WORDS];
    uintptr_t values[CHECKED_WORDS];
    uint8_t valid[CHECKED_WORDS];
    /// The eight code bytes before each value.
    uint8_t code[CHECKED_WORDS * 8];
    int count;
    /// Whether the copy held more code pointers than were checked.
    int overflowed;
} return_addresses;

static void find_return_addresses(const lanes_unwind_input *input, return_addresses *found) {
    found->input = input;
    found->count = 0;
    found->overflowed = 0;
    uintptr_t end = input->sp + input->stack_bytes;
    for (uintptr_t address = input->sp; address + sizeof(uintptr_t) <= end; address += sizeof(uintptr_t)) {
        uintptr_t word;
        if (!load_word(input, address, &word) || !in_code(input, word)) continue;
        if (found->count == CHECKED_WORDS) {
            found->overflowed = 1;
            break;
        }
        found->positions[found->count] = address;
        found->values[found->count] = word;
        found->count++;
    }
    check_calls(found->values, found->count, found->valid, found->code);
}

/// Whether the word at `address` is a checked return address.
static int return_address_at(const return_addresses *found, uintptr_t address) {
    int low = 0, high = found->count;
    while (low < high) {
        int middle = (low + high) / 2;
        if (found->positions[middle] < address) low = middle + 1; else high = middle;
    }
    return low < found->count && found->positions[low] == address && found->valid[low];
}

/// Whether `address` holds a plausible frame record: an aligned pair (link, return address)
/// whose return address is a checked one and whose link is a higher address on the stack, or 0
/// (the outermost frame) when `may_end`; checked `depth` more links up as far as the copy
/// reaches. A record found by scanning must link somewhere: a zero word followed by a return
/// address is common in frames without records and is no evidence of a chain.
static int is_frame_record(const return_addresses *found, uintptr_t address, int depth, int may_end) {
    const lanes_unwind_input *input = found->input;
    uintptr_t saved;
    if ((address & (sizeof(uintptr_t) - 1)) != 0 || !load_word(input, address, &saved)) return 0;
    if (!return_address_at(found, address + sizeof(uintptr_t))) return 0;
    uintptr_t link = frame_link(saved);
    if (link == 0) return may_end;
    if (link <= address || link >= input->stack_high) return 0;
    if (depth == 0 || link + 2 * sizeof(uintptr_t) > input->sp + input->stack_bytes) return 1;
    return is_frame_record(found, link, depth - 1, 1);
}

/// The target of the direct call that ends just before return address `returned`, whose
/// preceding code bytes are `before`; 0 when the call is indirect.
static uintptr_t direct_call_target(const uint8_t before[8], uintptr_t returned) {
#if defined(__x86_64__)
    if (before[3] != 0xE8) return 0;
    int32_t displacement;
    memcpy(&displacement, before + 4, 4);
    return returned + (intptr_t)displacement;
#elif defined(__aarch64__)
    uint32_t instruction;
    memcpy(&instruction, before + 4, 4);
    if ((instruction & 0xFC000000) != 0x94000000) return 0;
    int32_t offset = (int32_t)(instruction << 6) >> 6;  // imm26, sign-extended
    return returned - 4 + (intptr_t)offset * 4;
#else
    (void)before;
    (void)returned;
    return 0;
#endif
}

/// Where a call to `target` really goes: through a PLT stub (`jmp *GOT(%rip)`, with or without
/// `endbr64` and `bnd`) to the function its GOT slot names, once the loader resolved it.
/// Answers are cached like code bytes (same owner, same invalidation).

static uintptr_t resolve_stub_uncached(const lanes_unwind_input *input, uintptr_t target, int *is_stub);

static uintptr_t resolve_stub(const lanes_unwind_input *input, uintptr_t target) {
    size_t slot = (target ^ (target >> 12)) % STUB_CACHE_SIZE;
    if (stub_cache[slot].target == target) return stub_cache[slot].resolved;
    int is_stub = 0;
    uintptr_t resolved = resolve_stub_uncached(input, target, &is_stub);
    // An unresolved lazy stub (its slot still points back into the PLT) may resolve later;
    // everything else (a resolved stub, a function that is no stub) is final.
    if (resolved != target || !is_stub) {
        stub_cache[slot].target = target;
        stub_cache[slot].resolved = resolved;
    }
    return resolved;
}

static uintptr_t resolve_stub_uncached(const lanes_unwind_input *input, uintptr_t target, int *is_stub) {
    *is_stub = 0;
#if defined(__x86_64__)
    uint8_t code[16];
    if (lanes_copy_memory(target, target + sizeof(code), code, sizeof(code)) != sizeof(code)) {
        *is_stub = 1;  // unreadable now: do not remember
        return target;
    }
    int at = 0;
    if (code[0] == 0xF3 && code[1] == 0x0F && code[2] == 0x1E && code[3] == 0xFA) at = 4;  // endbr64
    if (code[at] == 0xF2) at += 1;                                                        // bnd
    if (code[at] != 0xFF || code[at + 1] != 0x25) return target;
    *is_stub = 1;
    int32_t displacement;
    memcpy(&displacement, code + at + 2, 4);
    uintptr_t slot = target + (uintptr_t)at + 6 + (intptr_t)displacement;
    uintptr_t resolved = 0;
    if (lanes_copy_memory(slot, slot + sizeof(resolved), (uint8_t *)&resolved, sizeof(resolved)) != sizeof(resolved)) {
        return target;
    }
    return in_code(input, resolved) ? resolved : target;
#else
    (void)input;
    return target;
#endif
}

typedef struct {
    uintptr_t *frames;
    int capacity;
    int count;
    uint32_t *flags;
} frame_list;

static int add_frame(frame_list *list, uintptr_t address) {
    if (list->count == list->capacity) {
        *list->flags |= LANES_UNWIND_TRUNCATED;
        return 0;
    }
    if (list->frames[list->count - 1] != address) list->frames[list->count++] = address;
    return 1;
}

/// Adds the checked return addresses found in [from, to).
static int scan(const return_addresses *found, frame_list *list, uintptr_t from, uintptr_t to) {
    for (int index = 0; index < found->count; index++) {
        if (found->positions[index] < from || found->positions[index] >= to || !found->valid[index]) continue;
        if (!add_frame(list, found->values[index])) return 0;
    }
    return 1;
}

/// Adds the return addresses in [from, to), between two linked frame records, that belong to
/// functions without a record of their own: each must follow a direct call into the image
/// holding the return address added before it (`inner`, at first the lower record's), which a
/// stale value left in a caller's locals rarely does. (The same image rather than the same
/// function: the called function may tail-call the one `inner` is in.)
static int scan_gap(const return_addresses *found, frame_list *list, uintptr_t from, uintptr_t to, uintptr_t inner) {
    for (int index = 0; index < found->count; index++) {
        if (found->positions[index] < from || found->positions[index] >= to || !found->valid[index]) continue;
        uintptr_t target = direct_call_target(found->code + 8 * index, found->values[index]);
        if (target == 0) continue;
        target = resolve_stub(found->input, target);
        if (code_range(found->input, target) != code_range(found->input, inner)) continue;
        if (!add_frame(list, found->values[index])) return 0;
        inner = found->values[index];
    }
    return 1;
}

int lanes_unwind(const lanes_unwind_input *input, uintptr_t *frames, int capacity, uint32_t *flags) {
    *flags = 0;
    if (capacity <= 0) return 0;
    frames[0] = input->pc;
    frame_list list = {.frames = frames, .capacity = capacity, .count = 1, .flags = flags};
    if (input->stack_bytes < 2 * sizeof(uintptr_t)) {
        *flags |= LANES_UNWIND_NO_FRAME_CHAIN;
        return list.count;
    }
    return_addresses found;  // about 9 KiB, and check_calls' buffers 20 KiB: the watchdog's stack has room
    find_return_addresses(input, &found);
    uintptr_t end = input->sp + input->stack_bytes;
    if (input->lr != 0 && in_code(input, input->lr)) {
        uint8_t valid = 0, code[8];
        check_calls(&input->lr, 1, &valid, code);
        if (valid) add_frame(&list, input->lr);
    }

    uintptr_t position = input->sp;  // where scanning resumes
    uintptr_t record = 0;
    int scanned_record = 0;
    if (input->fp >= input->sp && is_frame_record(&found, input->fp, 1, 1)) {
        if (!scan(&found, &list, input->sp, input->fp)) return list.count;
        record = input->fp;
    }
    int found_chain = 0;
    while (1) {
        if (record == 0) {
            // Scanning: return addresses until a word starts a plausible record.
            for (; position + 2 * sizeof(uintptr_t) <= end; position += sizeof(uintptr_t)) {
                if (is_frame_record(&found, position, 2, 0)) {
                    record = position;
                    scanned_record = 1;
                    break;
                }
                if (return_address_at(&found, position)) {
                    uintptr_t word;
                    load_word(input, position, &word);
                    if (!add_frame(&list, word)) return list.count;
                }
            }
            if (record == 0) break;
        }
        // Following the chain.
        found_chain = 1;
        uintptr_t saved, returned;
        load_word(input, record, &saved);
        load_word(input, record + sizeof(uintptr_t), &returned);
        if (!add_frame(&list, returned)) return list.count;
        uintptr_t link = frame_link(saved);
        if (link == 0) break;  // the outermost frame
        if (link + 2 * sizeof(uintptr_t) > end) {
            if (link < input->stack_high) *flags |= LANES_UNWIND_TRUNCATED;
            break;
        }
        if (scanned_record) {
            // A scanned record may be a frame pointer saved as an ordinary register: the real
            // frames between it and its link are return addresses too.
            if (!scan(&found, &list, record + 2 * sizeof(uintptr_t), link)) return list.count;
            scanned_record = 0;
        } else if (!scan_gap(&found, &list, record + 2 * sizeof(uintptr_t), link, returned)) {
            return list.count;
        }
        position = record + 2 * sizeof(uintptr_t);
        record = is_frame_record(&found, link, 0, 1) ? link : 0;
    }
    if (!found_chain) *flags |= LANES_UNWIND_NO_FRAME_CHAIN;
    if (found.overflowed) *flags |= LANES_UNWIND_TRUNCATED;
    return list.count;
}
