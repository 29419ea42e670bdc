/* Guard-region traps (emitter/codegen/guards.py): a load or store of a 32-bit memory made without a bounds check
 * faults in the memory's guard pages when it is out of bounds; the SIGSEGV/SIGBUS handler here resumes the
 * faulting code at its trap stub, which reports the trap as an explicit check would. */
#ifndef JITDEBUG_GUARD_H
#define JITDEBUG_GUARD_H

#include <stddef.h>
#include <stdint.h>

/* One access without a check: a fault at a pc in [start, end) resumes at `stub` with rax = the faulting address. */
struct jitdebug_guard_site {
    uint64_t start, end, stub;
};

/* Register a module's sites (sorted by start, copied); returns a handle for jitdebug_guard_remove_sites, or -1. */
int jitdebug_guard_add_sites(const struct jitdebug_guard_site *sites, size_t count);
void jitdebug_guard_remove_sites(int handle);
/* Register a memory's reservation [base, base + size): only faults there are traps. Returns a handle or -1. */
int jitdebug_guard_add_memory(uint64_t base, uint64_t size);
void jitdebug_guard_remove_memory(int handle);
/* Make the handler the first for SIGSEGV and SIGBUS (again, if another was installed since: it is chained). */
int jitdebug_guard_install(void);
/* Called by the handler for a fault that is not a guard trap, before it passes the signal on: the debugger
 * plugins break here to stop on a real crash while guard faults pass silently. */
void jitdebug_guard_unhandled(int signal);
/* Called when the handler was (re)installed first: from then on the plugins let guard faults pass silently. */
void jitdebug_guard_armed(void);

#endif
