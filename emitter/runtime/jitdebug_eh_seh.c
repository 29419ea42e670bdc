/* jitdebug Wasm exception runtime, Windows x64 part: the SEH entry of the personality routine, and the bounds of
 * the frame table.
 *
 * On Windows the unwinder finds a Wasm function's handler in its UNWIND_INFO (UNW_FLAG_EHANDLER|UHANDLER): the
 * RVA of jitdebug_personality_seh0, followed by the function's GCC LSDA as handler data. libgcc's
 * _GCC_specific_handler maps the dispatcher's callbacks onto the two phases of jitdebug_personality_v0 (the
 * LSDA is DISPATCHER_CONTEXT.HandlerData, the region start the RUNTIME_FUNCTION's), exactly as libgcc builds
 * __gxx_personality_seh0 on __gxx_personality_v0. Exceptions are still raised with _Unwind_RaiseException, which
 * mingw's libgcc turns into RaiseException(STATUS_GCC_THROW).
 *
 * Windows hosts build it next to jitdebug_eh.c:  x86_64-w64-mingw32-gcc -c jitdebug_eh.c jitdebug_eh_seh.c
 */
#include "jitdebug_eh.h"

#if defined(_WIN32) && defined(__SEH__)

#ifdef __cplusplus
extern "C"
#endif
EXCEPTION_DISPOSITION jitdebug_personality_seh0(PEXCEPTION_RECORD record, void *frame, PCONTEXT context,
                                                PDISPATCHER_CONTEXT dispatcher);

EXCEPTION_DISPOSITION jitdebug_personality_seh0(PEXCEPTION_RECORD record, void *frame, PCONTEXT context,
                                                PDISPATCHER_CONTEXT dispatcher) {
    return _GCC_specific_handler(record, frame, context, dispatcher, jitdebug_personality_v0);
}

/* PE linkers define no __start_/__stop_ symbols; they merge the grouped sections jitdebug_frames$<suffix> into
 * jitdebug_frames sorted by suffix. Every module's record is in jitdebug_frames$m (emitter/lower_coff.py), so
 * these markers bracket them: an 8-byte zero word (skipped like padding) and the first byte after them. */
__attribute__((section("jitdebug_frames$a"), used, aligned(8))) const char __start_jitdebug_frames[8] = {0};
__attribute__((section("jitdebug_frames$z"), used, aligned(8))) const char __stop_jitdebug_frames[8] = {0};

#else
#error "jitdebug_eh_seh.c is the Windows x64 (SEH) part of the runtime"
#endif
