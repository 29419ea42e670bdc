/* jitdebug Wasm exception runtime: throw, rethrow, release, and the personality routine of Wasm frames.
 *
 * The design is described in emitter/codegen/exceptions.py. In short: a Wasm exception is an
 * `_Unwind_Exception` of class "JDBGWASM" raised with the system unwinder's `_Unwind_RaiseException`, so it
 * shares the two-phase unwind with C++ exceptions; Wasm frames with try regions name `jitdebug_personality_v0`
 * in their CIE and a GCC-format LSDA (`.gcc_except_table`) in their FDE, whose type table entries point at tag
 * descriptors (a null entry is `catch_all`). The personality matches a Wasm exception by tag identity and a
 * foreign exception only against `catch_all`, never catches during a forced unwind, and passes the exception in
 * rax and the matched type filter in rdx to the landing pad, as the C++ personality does.
 *
 * The same source builds into AOT hosts and into the JIT's native shim; it needs nothing but the unwinder, and it
 * compiles as C or as C++.
 */
#include "jitdebug_eh.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The trap reported when a Wasm exception reaches the host uncaught ("thrown Wasm exception"); the value is
 * TrapCode.UNCAUGHT_EXCEPTION of emitter/codegen/runtime.py. */
#define JITDEBUG_TRAP_UNCAUGHT 10

#ifdef __cplusplus
extern "C"
#endif
#ifdef _WIN32
/* A weak reference on Windows: the host's hook when it defines one, else null and the default below. GNU ld for
 * PE does not resolve the objects' weak default definitions across objects (see
 * emitter/codegen/coff_trap_hook.py), but it does resolve weak references. */
void jitdebug_trap(int32_t code) __attribute__((noreturn, weak));
#else
void jitdebug_trap(int32_t code) __attribute__((noreturn));
#endif

/* Report an uncaught exception through the host's hook (on ELF the object's weak default stands in for a missing
 * one; on Windows this does what that default does, in its wording: TrapCode.caused_by). */
__attribute__((noreturn)) static void report_uncaught(void) {
#ifdef _WIN32
    if (!jitdebug_trap) {
        fputs("thrown Wasm exception\n", stderr);
        abort();
    }
#endif
    jitdebug_trap(JITDEBUG_TRAP_UNCAUGHT);
}

#if defined(__linux__)
/* The core-file writer (jitdebug_core.c), when the host links it: the trap report writes a core file first when
 * JITDEBUG_COREDUMP names one. Weak, so hosts without it link as before. */
#ifdef __cplusplus
extern "C"
#endif
long long jitdebug_core_from_env(void) __attribute__((weak));
#endif

/* DW_EH_PE_* pointer encodings (LSB "DWARF Extensions"). */
enum {
    PE_absptr = 0x00, PE_uleb128 = 0x01, PE_udata2 = 0x02, PE_udata4 = 0x03, PE_udata8 = 0x04,
    PE_sleb128 = 0x09, PE_sdata2 = 0x0a, PE_sdata4 = 0x0b, PE_sdata8 = 0x0c,
    PE_pcrel = 0x10, PE_indirect = 0x80, PE_omit = 0xff,
};

static void release(_Unwind_Reason_Code reason, struct _Unwind_Exception *exception) {
    (void)reason;
    free(exception);
}

int jitdebug_is_wasm_exception(const struct _Unwind_Exception *exception) {
    return exception->exception_class == JITDEBUG_EXCEPTION_CLASS;
}

__attribute__((noinline)) static void raise_or_trap(struct _Unwind_Exception *exception) {
    _Unwind_RaiseException(exception);
    /* Phase 1 reached the end of the stack: nobody catches it. The Wasm execution stops as at a trap, with the
     * throwing frames still on the stack for the trap's backtrace. */
    _Unwind_DeleteException(exception);
    report_uncaught();
}

__attribute__((noinline)) void jitdebug_throw(const struct jitdebug_tag *tag, const uint64_t *values,
                                              uint64_t count) {
    struct jitdebug_exception *exception =
        (struct jitdebug_exception *)malloc(sizeof *exception + count * sizeof(uint64_t));
    if (exception == NULL)
        abort();
    memset(&exception->unwind, 0, sizeof exception->unwind);
    exception->unwind.exception_class = JITDEBUG_EXCEPTION_CLASS;
    exception->unwind.exception_cleanup = release;
    exception->tag = tag;
    exception->count = count;
    if (count)
        memcpy(exception->values, values, count * sizeof(uint64_t));
    raise_or_trap(&exception->unwind);
}

__attribute__((noinline)) void jitdebug_throw_ref(struct _Unwind_Exception *exception) {
    raise_or_trap(exception);
}

void jitdebug_exception_drop(struct _Unwind_Exception *exception) {
    _Unwind_DeleteException(exception);
}

/* ---- LSDA reading ---------------------------------------------------------------------------------------- */

static uintptr_t read_uleb(const uint8_t **p) {
    uintptr_t result = 0;
    unsigned shift = 0;
    uint8_t byte;
    do {
        byte = *(*p)++;
        result |= (uintptr_t)(byte & 0x7f) << shift;
        shift += 7;
    } while (byte & 0x80);
    return result;
}

static intptr_t read_sleb(const uint8_t **p) {
    uintptr_t result = 0;
    unsigned shift = 0;
    uint8_t byte;
    do {
        byte = *(*p)++;
        result |= (uintptr_t)(byte & 0x7f) << shift;
        shift += 7;
    } while (byte & 0x80);
    if (shift < 8 * sizeof result && (byte & 0x40))
        result |= ~(uintptr_t)0 << shift;
    return (intptr_t)result;
}

/* Reads a pointer of `encoding` at *p; returns 0 with *ok cleared for an encoding this runtime never emits. */
static uintptr_t read_encoded(const uint8_t **p, uint8_t encoding, int *ok) {
    const uint8_t *field = *p;
    uintptr_t value;
    switch (encoding & 0x0f) {
    case PE_absptr: { uintptr_t v; memcpy(&v, field, sizeof v); *p += sizeof v; value = v; break; }
    case PE_uleb128: value = read_uleb(p); break;
    case PE_sleb128: value = (uintptr_t)read_sleb(p); break;
    case PE_udata2: { uint16_t v; memcpy(&v, field, 2); *p += 2; value = v; break; }
    case PE_udata4: { uint32_t v; memcpy(&v, field, 4); *p += 4; value = v; break; }
    case PE_udata8: { uint64_t v; memcpy(&v, field, 8); *p += 8; value = (uintptr_t)v; break; }
    case PE_sdata2: { int16_t v; memcpy(&v, field, 2); *p += 2; value = (uintptr_t)(intptr_t)v; break; }
    case PE_sdata4: { int32_t v; memcpy(&v, field, 4); *p += 4; value = (uintptr_t)(intptr_t)v; break; }
    case PE_sdata8: { int64_t v; memcpy(&v, field, 8); *p += 8; value = (uintptr_t)v; break; }
    default: *ok = 0; return 0;
    }
    switch (encoding & 0x70) {
    case 0: break;
    case PE_pcrel: if (value) value += (uintptr_t)field; break;
    default: *ok = 0; return 0;
    }
    if (value && (encoding & PE_indirect))
        value = *(const uintptr_t *)value;
    return value;
}

static size_t encoded_size(uint8_t encoding) {
    switch (encoding & 0x07) {
    case PE_absptr: return sizeof(uintptr_t);
    case PE_udata2: return 2;
    case PE_udata4: return 4;
    case PE_udata8: return 8;
    default: return 0;
    }
}

/* Finds the handler for `exception` in the frame of `context`: its landing pad and type filter (selector). */
static int find_handler(struct _Unwind_Exception *exception, struct _Unwind_Context *context,
                        uintptr_t *landing_pad, intptr_t *selector) {
    const uint8_t *p = (const uint8_t *)_Unwind_GetLanguageSpecificData(context);
    if (p == NULL)
        return 0;
    int before = 0, ok = 1;
    uintptr_t ip = _Unwind_GetIPInfo(context, &before);
    if (!before)
        ip -= 1; /* a return address: the call itself is the byte before it */
    uintptr_t function = _Unwind_GetRegionStart(context);
    uint8_t lpstart_encoding = *p++;
    uintptr_t lpstart = lpstart_encoding == PE_omit ? function : read_encoded(&p, lpstart_encoding, &ok);
    uint8_t ttype_encoding = *p++;
    const uint8_t *ttype_end = NULL;
    if (ttype_encoding != PE_omit) {
        uintptr_t offset = read_uleb(&p);
        ttype_end = p + offset;
    }
    uint8_t call_site_encoding = *p++;
    uintptr_t table_length = read_uleb(&p);
    const uint8_t *table_end = p + table_length;
    const uint8_t *action_table = table_end;
    while (ok && p < table_end) {
        uintptr_t start = read_encoded(&p, call_site_encoding, &ok);
        uintptr_t length = read_encoded(&p, call_site_encoding, &ok);
        uintptr_t pad = read_encoded(&p, call_site_encoding, &ok);
        uintptr_t action = read_uleb(&p);
        if (ip < function + start)
            return 0; /* sorted: no later record covers ip */
        if (ip >= function + start + length)
            continue;
        if (pad == 0 || action == 0 || ttype_end == NULL)
            return 0; /* no handler (Wasm code has no cleanups) */
        size_t entry_size = encoded_size(ttype_encoding);
        const uint8_t *a = action_table + action - 1;
        for (;;) {
            intptr_t filter = read_sleb(&a);
            const uint8_t *next_field = a;
            intptr_t next = read_sleb(&a);
            if (filter > 0 && entry_size) {
                const uint8_t *entry = ttype_end - (uintptr_t)filter * entry_size;
                const struct jitdebug_tag *tag = (const struct jitdebug_tag *)read_encoded(&entry, ttype_encoding, &ok);
                if (!ok)
                    return 0;
                if (tag == NULL || (jitdebug_is_wasm_exception(exception) &&
                                    ((struct jitdebug_exception *)exception)->tag == tag)) {
                    *landing_pad = lpstart + pad;
                    *selector = filter;
                    return 1;
                }
            }
            if (next == 0)
                return 0;
            a = next_field + next;
        }
    }
    return 0;
}

_Unwind_Reason_Code jitdebug_personality_v0(int version, _Unwind_Action actions, _Unwind_Exception_Class cls,
                                            struct _Unwind_Exception *exception, struct _Unwind_Context *context) {
    (void)cls;
    if (version != 1 || exception == NULL || context == NULL)
        return _URC_FATAL_PHASE1_ERROR;
    /* Wasm frames have no cleanups, and a forced unwind (thread cancellation, longjmp_unwind) must never stop. */
    if (actions & _UA_FORCE_UNWIND)
        return _URC_CONTINUE_UNWIND;
    uintptr_t landing_pad;
    intptr_t selector;
    if (!find_handler(exception, context, &landing_pad, &selector))
        return _URC_CONTINUE_UNWIND;
    if (actions & _UA_SEARCH_PHASE)
        return _URC_HANDLER_FOUND;
    if (!(actions & _UA_HANDLER_FRAME))
        return _URC_CONTINUE_UNWIND;
    _Unwind_SetGR(context, __builtin_eh_return_data_regno(0), (_Unwind_Ptr)exception);
    _Unwind_SetGR(context, __builtin_eh_return_data_regno(1), (_Unwind_Ptr)selector);
    _Unwind_SetIP(context, landing_pad);
    return _URC_INSTALL_CONTEXT;
}

/* ---- trap reports (AOT hosts) -------------------------------------------------------------------------------- */

/* The trap codes of emitter/codegen/runtime.py (TrapCode) and the lines wasmtime prints under "Caused by:". */
enum { TRAP_STACK_OVERFLOW = 1, TRAP_MEMORY_FAULT = 12, TRAP_CODES = 13 };
static const char *const trap_causes[TRAP_CODES] = {
    "wasm trap: unknown trap code",
    "wasm trap: call stack exhausted",
    "wasm trap: out of bounds memory access",
    "wasm trap: undefined element: out of bounds table access",
    "wasm trap: uninitialized element",
    "wasm trap: indirect call type mismatch",
    "wasm trap: integer overflow",
    "wasm trap: integer divide by zero",
    "wasm trap: invalid conversion to integer",
    "wasm trap: wasm `unreachable` instruction executed",
    "thrown Wasm exception",
    "wasm trap: null reference",
    "wasm trap: out of bounds memory access",
};

const char *jitdebug_trap_cause(int32_t code) {
    return code > 0 && code < TRAP_CODES ? trap_causes[code] : trap_causes[0];
}

/* The frame table records of emitter/codegen/frametable.py, bracketed by the linker. */
struct frame_record {
    uint32_t magic, version, size, count;
    int32_t module_name, fault_address, vmctx;
    uint32_t flags; /* FRAME_DEBUG_INFO: the module has a .debug_info section */
};
#define FRAME_DEBUG_INFO 1u
struct frame_function {
    int32_t code;
    uint32_t code_size, wasm_index;
    int32_t name;
    uint32_t map_count;
    int32_t map;
};
#define FRAME_MAGIC 0x5446444au
#define MAX_WASM_FRAMES 20 /* wasmtime's default wasm_backtrace_max_frames */
#define MAX_NATIVE_FRAMES 512

#if defined(__ELF__)
/* ELF linkers bracket a section whose name is a C identifier with these (absent: no module linked in). */
extern const char __start_jitdebug_frames[] __attribute__((weak, visibility("hidden")));
extern const char __stop_jitdebug_frames[] __attribute__((weak, visibility("hidden")));
#define FRAMES_START __start_jitdebug_frames
#define FRAMES_STOP __stop_jitdebug_frames
#elif defined(_WIN32) && defined(__SEH__)
/* PE linkers define no such symbols: the records are in the grouped section jitdebug_frames$m and
 * jitdebug_eh_seh.c (part of the runtime on Windows) defines these markers in jitdebug_frames$a and $z. */
extern const char __start_jitdebug_frames[];
extern const char __stop_jitdebug_frames[];
#define FRAMES_START __start_jitdebug_frames
#define FRAMES_STOP __stop_jitdebug_frames
#else
#define FRAMES_START ((const char *)NULL)
#define FRAMES_STOP ((const char *)NULL)
#endif

static const void *rel32(const int32_t *field) { return (const char *)field + *field; }

struct located {
    const struct frame_record *record;
    const struct frame_function *function;
    int has_offset;
    uint32_t offset;
};

static int locate(uintptr_t pc, struct located *out) {
    const char *p = FRAMES_START, *end = FRAMES_STOP;
    while (p != NULL && p + sizeof(struct frame_record) <= end) {
        const struct frame_record *record = (const struct frame_record *)p;
        if (record->magic != FRAME_MAGIC || record->size < sizeof *record) {
            p += 8; /* alignment padding between records */
            continue;
        }
        const struct frame_function *functions = (const struct frame_function *)(record + 1);
        for (uint32_t i = 0; i < record->count; i++) {
            uintptr_t start = (uintptr_t)rel32(&functions[i].code);
            if (pc < start || pc >= start + functions[i].code_size)
                continue;
            const uint32_t *map = (const uint32_t *)rel32(&functions[i].map);
            out->record = record;
            out->function = &functions[i];
            out->has_offset = 0;
            for (uint32_t k = 0; k < functions[i].map_count && map[2 * k] <= pc - start; k++) {
                out->has_offset = 1;
                out->offset = map[2 * k + 1];
            }
            return 1;
        }
        p += record->size;
    }
    return 0;
}

struct native_trace {
    uintptr_t pcs[MAX_NATIVE_FRAMES];
    int count;
};

static _Unwind_Reason_Code collect(struct _Unwind_Context *context, void *data) {
    struct native_trace *trace = (struct native_trace *)data;
    if (trace->count >= MAX_NATIVE_FRAMES)
        return _URC_END_OF_STACK;
    int before = 0;
    uintptr_t ip = _Unwind_GetIPInfo(context, &before);
    trace->pcs[trace->count++] = before ? ip : ip - 1; /* a return address: look up the call itself */
    return _URC_NO_REASON;
}

struct text {
    char *buffer;
    size_t size, length;
};

static void append(struct text *t, const char *format, ...) {
    va_list args;
    va_start(args, format);
    size_t room = t->length < t->size ? t->size - t->length : 0;
    int n = vsnprintf(room ? t->buffer + t->length : NULL, room, format, args);
    va_end(args);
    if (n > 0)
        t->length += (size_t)n;
}

size_t jitdebug_trap_report(int32_t code, char *buffer, size_t size) {
#if defined(__linux__)
    if (jitdebug_core_from_env)
        jitdebug_core_from_env();
#endif
    struct native_trace trace = {{0}, 0};
    _Unwind_Backtrace(collect, &trace);
    struct text t = {buffer, size, 0};
    if (size)
        buffer[0] = '\0';
    append(&t, "error while executing at wasm backtrace:\n");
    const struct frame_record *innermost = NULL;
    int shown = 0, debug_info = 0;
    for (int i = 0; i < trace.count && shown < MAX_WASM_FRAMES; i++) {
        struct located where;
        if (!locate(trace.pcs[i], &where))
            continue;
        const char *module = (const char *)rel32(&where.record->module_name);
        const char *name = (const char *)rel32(&where.function->name);
        if (innermost == NULL)
            innermost = where.record;
        debug_info |= (where.record->flags & FRAME_DEBUG_INFO) != 0;
        /* The stack check runs on entry, before the first instruction: wasmtime names no offset there. */
        if (where.has_offset && !(shown == 0 && code == TRAP_STACK_OVERFLOW))
            append(&t, "%5d: %#8x - %s!%s\n", shown, (unsigned)where.offset, *module ? module : "<unknown>", name);
        else
            append(&t, "%5d: %s!%s\n", shown, *module ? module : "<unknown>", name);
        shown++;
    }
    /* wasmtime's hint when a frame's module has DWARF it did not read (it reads it with the variable 1). */
    const char *details = getenv("WASMTIME_BACKTRACE_DETAILS");
    if (debug_info && (details == NULL || strcmp(details, "1") != 0))
        append(&t, "note: using the `WASMTIME_BACKTRACE_DETAILS=1` environment variable may show more debugging "
                   "information\n");
    append(&t, "\nCaused by:\n");
    if (code == TRAP_MEMORY_FAULT && innermost != NULL) {
        /* The fault words: the effective address, then the record of the memory it missed, whose second word
           is the current size. */
        const uint64_t *fault = (const uint64_t *)rel32(&innermost->fault_address);
        uint64_t address = fault[0];
        const uint64_t *memory = (const uint64_t *)fault[1];
        uint64_t memory_size = memory != NULL ? memory[1] : 0;
        append(&t, "    0: memory fault at wasm address %#llx in linear memory of size %#llx\n",
               (unsigned long long)(address > memory_size ? address : memory_size),
               (unsigned long long)memory_size);
        append(&t, "    1: %s\n", jitdebug_trap_cause(code));
    } else {
        append(&t, "    %s\n", jitdebug_trap_cause(code));
    }
    return t.length;
}
