// The C++ exception runtime a wasm32 program built with `clang++ -fwasm-exceptions` links against: Debian's wasm32
// libc++abi is built without exception support (it has no __cxa_throw), so this file supplies the entry points
// clang's code calls. The Wasm exception (tag 0, clang's __cpp_exception) carries the address of the thrown
// object; each catch block asks _Unwind_CallPersonality which of its clauses matches by reading its LSDA (the
// landing pad's index and the table's address are in __wasm_lpad_context, written by the catch block).
//
// Supported: throw of any type, catch by the exact type (by value or reference), catch (...), nested try blocks,
// destructors run on the way (cleanup pads), `throw;` in a handler. Not supported: a handler for a base class of
// the thrown type or a pointer conversion (no type_info traversal), exception specifications, std::terminate
// semantics (an exception nobody catches traps as an uncaught Wasm exception).
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <typeinfo>

extern "C" {
// The layout clang's landing pads write to: libunwind's _Unwind_LandingPadContext.
struct LandingPadContext {
    uintptr_t lpad_index;
    const uint8_t *lsda;
    uintptr_t selector;
};
LandingPadContext __wasm_lpad_context;
}

namespace {
// Placed before the thrown object; 16 bytes, so the object keeps malloc's 16-byte alignment.
struct Header {
    const std::type_info *type;
    void (*destroy)(void *);
    int handlers;     // catch blocks that have begun and not ended
    Header *caught;   // the next exception down the stack of caught ones
};

Header *caught_stack = nullptr;
bool rethrowing = false;

Header *header_of(void *thrown) { return static_cast<Header *>(thrown) - 1; }

uintptr_t read_uleb(const uint8_t *&p) {
    uintptr_t value = 0;
    unsigned shift = 0;
    uint8_t byte;
    do {
        byte = *p++;
        value |= uintptr_t(byte & 0x7f) << shift;
        shift += 7;
    } while (byte & 0x80);
    return value;
}

intptr_t read_sleb(const uint8_t *&p) {
    intptr_t value = 0;
    unsigned shift = 0;
    uint8_t byte;
    do {
        byte = *p++;
        value |= intptr_t(byte & 0x7f) << shift;
        shift += 7;
    } while (byte & 0x80);
    if (shift < 8 * sizeof(value) && (byte & 0x40))
        value |= -(intptr_t(1) << shift);
    return value;
}
}  // namespace

extern "C" void *__cxa_allocate_exception(size_t size) noexcept {
    Header *header = static_cast<Header *>(calloc(1, sizeof(Header) + size));
    if (header == nullptr)
        abort();
    return header + 1;
}

extern "C" void __cxa_free_exception(void *thrown) noexcept { free(header_of(thrown)); }

extern "C" [[noreturn]] void __cxa_throw(void *thrown, std::type_info *type, void (*destroy)(void *)) {
    Header *header = header_of(thrown);
    header->type = type;
    header->destroy = destroy;
    __builtin_wasm_throw(0, thrown);
}

// Sets __wasm_lpad_context.selector to the type index of the first catch clause of the landing pad that matches
// (the catch block compares it with each clause's index), or 0.
extern "C" int _Unwind_CallPersonality(void *thrown) {
    LandingPadContext &context = __wasm_lpad_context;
    context.selector = 0;
    const uint8_t *p = context.lsda;
    if (p == nullptr || *p++ != 0xff)  // @LPStart: clang writes none (DW_EH_PE_omit)
        return 0;
    uint8_t ttype_encoding = *p++;
    const uint8_t *ttype_base = nullptr;
    if (ttype_encoding != 0xff) {
        uintptr_t offset = read_uleb(p);
        ttype_base = p + offset;
    }
    p++;  // the call-site encoding: ULEB128
    uintptr_t table_length = read_uleb(p);
    const uint8_t *action_table = p + table_length;
    while (p < action_table) {  // Wasm's call-site table: (landing pad index, action) pairs
        uintptr_t index = read_uleb(p);
        uintptr_t action = read_uleb(p);
        if (index != context.lpad_index)
            continue;
        if (action == 0)  // a cleanup only
            return 0;
        const uint8_t *record = action_table + action - 1;
        for (;;) {
            intptr_t filter = read_sleb(record);
            const uint8_t *next_field = record;
            intptr_t next = read_sleb(record);
            if (filter > 0 && ttype_base != nullptr) {
                const std::type_info *clause;  // type table entries: 4-byte absolute addresses, counted backwards
                memcpy(&clause, ttype_base - filter * sizeof(uint32_t), sizeof(clause));
                if (clause == nullptr || *clause == *header_of(thrown)->type) {
                    context.selector = uintptr_t(filter);
                    return 1;
                }
            }
            if (next == 0)
                return 0;
            record = next_field + next;
        }
    }
    return 0;
}

extern "C" void *__cxa_begin_catch(void *thrown) noexcept {
    Header *header = header_of(thrown);
    if (header->handlers++ == 0) {
        header->caught = caught_stack;
        caught_stack = header;
    }
    return thrown;
}

extern "C" void __cxa_end_catch() noexcept {
    Header *header = caught_stack;
    if (header == nullptr || --header->handlers > 0)
        return;
    caught_stack = header->caught;
    if (rethrowing) {  // the handler ended by `throw;`: the exception lives on
        rethrowing = false;
        return;
    }
    if (header->destroy != nullptr)
        header->destroy(header + 1);
    free(header);
}

extern "C" [[noreturn]] void __cxa_rethrow() {
    Header *header = caught_stack;
    if (header == nullptr)
        abort();
    rethrowing = true;
    __builtin_wasm_throw(0, header + 1);
}
