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

#include <stdlib.h>
#include <string.h>

/* The trap reported when a Wasm exception reaches the host uncaught ("thrown Wasm exception"); the value is
 * TrapCode.UNCAUGHT_EXCEPTION of emitter/codegen/runtime.py. */
#define JITDEBUG_TRAP_UNCAUGHT 10

#ifdef __cplusplus
extern "C"
#endif
void jitdebug_trap(int32_t code) __attribute__((noreturn));

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
    jitdebug_trap(JITDEBUG_TRAP_UNCAUGHT);
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
