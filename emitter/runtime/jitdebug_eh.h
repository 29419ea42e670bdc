/* jitdebug Wasm exception runtime: the C interface AOT hosts link against (see jitdebug_eh.c for the design).
 *
 * Build the runtime into a host with the host's compiler:  cc -c jitdebug_eh.c  (no other dependency than the
 * system unwinder, libgcc_s / libgcc_eh, which every C and C++ program on Linux already links).
 */
#ifndef JITDEBUG_EH_H
#define JITDEBUG_EH_H

#include <stddef.h>
#include <stdint.h>
#include <unwind.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "JDBGWASM": the exception class of every Wasm exception (vendor "JDBG", language "WASM"). */
#define JITDEBUG_EXCEPTION_CLASS 0x4a4442475741534dULL

/* A Wasm tag. Identity is the address: the compiler emits one descriptor per tag defined by a module; a tag
 * imported by a module is a descriptor the host defines (under the import's field name). */
struct jitdebug_tag {
    uint32_t param_count;
    uint32_t index;
};

/* A Wasm exception in flight: the unwinder's header first, then the tag and its payload. The payload is stored
 * last value first (the order of the Wasm operand stack in memory): Wasm value i of n is values[n - 1 - i],
 * each in a 64-bit word (i32 and f32 in the low half). */
struct jitdebug_exception {
    struct _Unwind_Exception unwind;
    const struct jitdebug_tag *tag;
    uint64_t count;
    uint64_t values[];
};

/* Throw a Wasm exception of `tag` (`count` payload words, in the order described above). Generated code calls it
 * for `throw`; a host import may call it too. Returns only if nothing catches it: then it reports the trap
 * JITDEBUG_TRAP_UNCAUGHT_EXCEPTION through jitdebug_trap, which does not return. Debuggers break here for
 * `wasm catch throw`. */
void jitdebug_throw(const struct jitdebug_tag *tag, const uint64_t *values, uint64_t count);

/* Throw an exception again (`throw_ref`, legacy `rethrow`): a Wasm exception or a foreign one caught by
 * `catch_all_ref`. Same end as jitdebug_throw when nothing catches it. */
void jitdebug_throw_ref(struct _Unwind_Exception *exception);

/* Release an exception a handler has finished with (its payload was copied out); foreign exceptions are
 * released through their own cleanup (a C++ exception's destructor runs). */
void jitdebug_exception_drop(struct _Unwind_Exception *exception);

/* The personality routine named by the CIE of every Wasm function that has a try region. */
_Unwind_Reason_Code jitdebug_personality_v0(int version, _Unwind_Action actions, _Unwind_Exception_Class cls,
                                            struct _Unwind_Exception *exception, struct _Unwind_Context *context);

/* Is this exception a Wasm exception (as opposed to a foreign one, e.g. C++)? */
int jitdebug_is_wasm_exception(const struct _Unwind_Exception *exception);

/* Trap backtraces for AOT hosts. Call it from your jitdebug_trap hook (before leaving it): writes wasmtime's
 * report of trap `code` into `buffer` (NUL-terminated, truncated to `size`) and returns its full length, like
 * snprintf. The report is the Wasm backtrace of the calling thread, captured with the system unwinder and
 * mapped through the frame tables every compiled module links into the section `jitdebug_frames`:
 *
 *     error while executing at wasm backtrace:
 *         0:     0x24 - demo!leaf
 *         1:     0x2f - demo!<wasm function 1>
 *
 *     Caused by:
 *         wasm trap: integer divide by zero
 *
 * Post-mortem: with jitdebug_core.c linked into the host and JITDEBUG_COREDUMP=FILE in the environment, it first
 * writes an ELF core file of the process to FILE, the Wasm frames still on the stack (jitdebug_core.h).
 */
size_t jitdebug_trap_report(int32_t code, char *buffer, size_t size);

/* The line under "Caused by:" for a trap code ("wasm trap: <message>", or "thrown Wasm exception"). */
const char *jitdebug_trap_cause(int32_t code);

#ifdef __cplusplus
}
#endif

#endif /* JITDEBUG_EH_H */
