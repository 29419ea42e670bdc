/* jitdebug post-mortem core files (Linux x86-64): the C interface for hosts (see jitdebug_core.c).
 *
 * AOT hosts: cc host.c m.o jitdebug_eh.c jitdebug_core.c. With the runtime linked in, jitdebug_trap_report writes
 * a core to the file named by the environment variable JITDEBUG_COREDUMP (when set) before it reports, so a
 * host's own trap hook gets core files without a change. The JIT (`jitdebug run -D coredump=FILE`, or the same
 * variable, or emitter.jit.set_core_dump) calls these itself.
 */
#ifndef JITDEBUG_CORE_H
#define JITDEBUG_CORE_H

#ifdef __cplusplus
extern "C" {
#endif

#define JITDEBUG_COREDUMP_ENV "JITDEBUG_COREDUMP"

/* Write an ELF core file of the calling process to `path` (created, or replaced, all or nothing), its thread's
 * registers those at this call and its signal SIGTRAP (the trap). Returns the file's size in bytes, or -1 with errno set. Async-signal-safe. */
long long jitdebug_write_core(const char *path);

/* From now on a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE) writes a core to `path`, with the registers at
 * the fault, then ends the process with the signal as before (NULL: the default actions again). Returns 0, or -1
 * with errno set. */
int jitdebug_core_on_fatal_signals(const char *path);

/* jitdebug_write_core to $JITDEBUG_COREDUMP and "core dumped at PATH" on stderr; -1 when the variable is unset or
 * the write failed. */
long long jitdebug_core_from_env(void);

#ifdef __cplusplus
}
#endif

#endif
