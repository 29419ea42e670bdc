/* WASI preview 1 (`wasi_snapshot_preview1`) host functions for compiled Wasm code, JIT and AOT alike.
 *
 * Compiled code calls each import `F` of `wasi_snapshot_preview1` through a small thunk of its own module,
 * `F.wasi`, which passes a pointer to the module's `struct jitdebug_wasi_link` as a hidden first argument and the
 * import's arguments after it (i32 -> int32_t, i64 -> int64_t), then calls `jitdebug_wasi_F`. The link points at
 * the words of the module's vmctx holding the linear memory's base and current size in bytes (read at every
 * call: memory may grow or move), and names the WASI context of the instance (NULL: the process's default context, the
 * one an AOT executable's `main` fills in). Every guest pointer and length is checked against the current memory
 * size before it is touched; a violation traps as wasmtime does ("Pointer out of bounds: Region { ... }").
 *
 * A trap raised by a host function calls `jitdebug_trap(JITDEBUG_WASI_TRAP)` after storing its message (one cause
 * per line, outermost first), read back with `jitdebug_wasi_trap_message`. `proc_exit` either calls `exit` (AOT)
 * or, for a context made with `exit_by_trap` (the JIT, whose embedder must get control back), records the code
 * and calls `jitdebug_trap(JITDEBUG_WASI_EXIT)`.
 */
#ifndef JITDEBUG_WASI_H
#define JITDEBUG_WASI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Trap codes beyond the generated code's own (`enum jitdebug_trap_code`). */
#define JITDEBUG_WASI_TRAP 64
#define JITDEBUG_WASI_EXIT 65

struct jitdebug_wasi;

/* One per module, in the module's writable state (`<m>.wasi_link`). */
struct jitdebug_wasi_link {
    /* The vmctx words holding the linear memory's base and its current size in bytes. */
    uint8_t *const *memory_base;
    const uint64_t *memory_size;
    struct jitdebug_wasi *wasi;
    /* 0 when the module exports no memory named "memory": every call traps, as in wasmtime. */
    uint64_t has_memory;
};

/* The context used by links whose `wasi` is NULL (AOT executables: one instance per process). */
extern struct jitdebug_wasi *jitdebug_wasi_default;

struct jitdebug_wasi *jitdebug_wasi_new(int exit_by_trap);
void jitdebug_wasi_free(struct jitdebug_wasi *wasi);
/* Copies the strings. Return 0, or -1 when out of memory. */
int jitdebug_wasi_set_args(struct jitdebug_wasi *wasi, int count, const char *const *args);
int jitdebug_wasi_set_env(struct jitdebug_wasi *wasi, int count, const char *const *pairs);
/* Opens `host` as a directory and makes it the next preopened fd, named `guest`. Returns 0 or an errno. */
int jitdebug_wasi_preopen(struct jitdebug_wasi *wasi, const char *host, const char *guest);
/* Makes guest fd `which` (0, 1, 2) the host fd `host_fd` (which the context then owns and closes). */
int jitdebug_wasi_set_stdio(struct jitdebug_wasi *wasi, int which, int host_fd);

const char *jitdebug_wasi_trap_message(void);
int32_t jitdebug_wasi_exit_code(void);

/* The host functions, in witx order of the `wasi_snapshot_preview1` module. */
#define JITDEBUG_WASI_L struct jitdebug_wasi_link *link
int32_t jitdebug_wasi_args_get(JITDEBUG_WASI_L, int32_t argv, int32_t argv_buf);
int32_t jitdebug_wasi_args_sizes_get(JITDEBUG_WASI_L, int32_t argc, int32_t argv_buf_size);
int32_t jitdebug_wasi_environ_get(JITDEBUG_WASI_L, int32_t environ, int32_t environ_buf);
int32_t jitdebug_wasi_environ_sizes_get(JITDEBUG_WASI_L, int32_t count, int32_t buf_size);
int32_t jitdebug_wasi_clock_res_get(JITDEBUG_WASI_L, int32_t id, int32_t resolution);
int32_t jitdebug_wasi_clock_time_get(JITDEBUG_WASI_L, int32_t id, int64_t precision, int32_t time);
int32_t jitdebug_wasi_fd_advise(JITDEBUG_WASI_L, int32_t fd, int64_t offset, int64_t len, int32_t advice);
int32_t jitdebug_wasi_fd_allocate(JITDEBUG_WASI_L, int32_t fd, int64_t offset, int64_t len);
int32_t jitdebug_wasi_fd_close(JITDEBUG_WASI_L, int32_t fd);
int32_t jitdebug_wasi_fd_datasync(JITDEBUG_WASI_L, int32_t fd);
int32_t jitdebug_wasi_fd_fdstat_get(JITDEBUG_WASI_L, int32_t fd, int32_t stat);
int32_t jitdebug_wasi_fd_fdstat_set_flags(JITDEBUG_WASI_L, int32_t fd, int32_t flags);
int32_t jitdebug_wasi_fd_fdstat_set_rights(JITDEBUG_WASI_L, int32_t fd, int64_t base, int64_t inheriting);
int32_t jitdebug_wasi_fd_filestat_get(JITDEBUG_WASI_L, int32_t fd, int32_t buf);
int32_t jitdebug_wasi_fd_filestat_set_size(JITDEBUG_WASI_L, int32_t fd, int64_t size);
int32_t jitdebug_wasi_fd_filestat_set_times(JITDEBUG_WASI_L, int32_t fd, int64_t atim, int64_t mtim, int32_t flags);
int32_t jitdebug_wasi_fd_pread(JITDEBUG_WASI_L, int32_t fd, int32_t iovs, int32_t iovs_len, int64_t offset,
                               int32_t nread);
int32_t jitdebug_wasi_fd_prestat_get(JITDEBUG_WASI_L, int32_t fd, int32_t buf);
int32_t jitdebug_wasi_fd_prestat_dir_name(JITDEBUG_WASI_L, int32_t fd, int32_t path, int32_t path_len);
int32_t jitdebug_wasi_fd_pwrite(JITDEBUG_WASI_L, int32_t fd, int32_t iovs, int32_t iovs_len, int64_t offset,
                                int32_t nwritten);
int32_t jitdebug_wasi_fd_read(JITDEBUG_WASI_L, int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nread);
int32_t jitdebug_wasi_fd_readdir(JITDEBUG_WASI_L, int32_t fd, int32_t buf, int32_t buf_len, int64_t cookie,
                                 int32_t bufused);
int32_t jitdebug_wasi_fd_renumber(JITDEBUG_WASI_L, int32_t fd, int32_t to);
int32_t jitdebug_wasi_fd_seek(JITDEBUG_WASI_L, int32_t fd, int64_t offset, int32_t whence, int32_t newoffset);
int32_t jitdebug_wasi_fd_sync(JITDEBUG_WASI_L, int32_t fd);
int32_t jitdebug_wasi_fd_tell(JITDEBUG_WASI_L, int32_t fd, int32_t offset);
int32_t jitdebug_wasi_fd_write(JITDEBUG_WASI_L, int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nwritten);
int32_t jitdebug_wasi_path_create_directory(JITDEBUG_WASI_L, int32_t fd, int32_t path, int32_t path_len);
int32_t jitdebug_wasi_path_filestat_get(JITDEBUG_WASI_L, int32_t fd, int32_t flags, int32_t path, int32_t path_len,
                                        int32_t buf);
int32_t jitdebug_wasi_path_filestat_set_times(JITDEBUG_WASI_L, int32_t fd, int32_t flags, int32_t path,
                                              int32_t path_len, int64_t atim, int64_t mtim, int32_t fst_flags);
int32_t jitdebug_wasi_path_link(JITDEBUG_WASI_L, int32_t old_fd, int32_t old_flags, int32_t old_path,
                                int32_t old_path_len, int32_t new_fd, int32_t new_path, int32_t new_path_len);
int32_t jitdebug_wasi_path_open(JITDEBUG_WASI_L, int32_t fd, int32_t dirflags, int32_t path, int32_t path_len,
                                int32_t oflags, int64_t rights_base, int64_t rights_inheriting, int32_t fdflags,
                                int32_t opened);
int32_t jitdebug_wasi_path_readlink(JITDEBUG_WASI_L, int32_t fd, int32_t path, int32_t path_len, int32_t buf,
                                    int32_t buf_len, int32_t bufused);
int32_t jitdebug_wasi_path_remove_directory(JITDEBUG_WASI_L, int32_t fd, int32_t path, int32_t path_len);
int32_t jitdebug_wasi_path_rename(JITDEBUG_WASI_L, int32_t fd, int32_t old_path, int32_t old_path_len,
                                  int32_t new_fd, int32_t new_path, int32_t new_path_len);
int32_t jitdebug_wasi_path_symlink(JITDEBUG_WASI_L, int32_t old_path, int32_t old_path_len, int32_t fd,
                                   int32_t new_path, int32_t new_path_len);
int32_t jitdebug_wasi_path_unlink_file(JITDEBUG_WASI_L, int32_t fd, int32_t path, int32_t path_len);
int32_t jitdebug_wasi_poll_oneoff(JITDEBUG_WASI_L, int32_t in, int32_t out, int32_t nsubscriptions,
                                  int32_t nevents);
void jitdebug_wasi_proc_exit(JITDEBUG_WASI_L, int32_t code);
int32_t jitdebug_wasi_proc_raise(JITDEBUG_WASI_L, int32_t sig);
int32_t jitdebug_wasi_sched_yield(JITDEBUG_WASI_L);
int32_t jitdebug_wasi_random_get(JITDEBUG_WASI_L, int32_t buf, int32_t buf_len);
int32_t jitdebug_wasi_sock_accept(JITDEBUG_WASI_L, int32_t fd, int32_t flags, int32_t opened);
int32_t jitdebug_wasi_sock_recv(JITDEBUG_WASI_L, int32_t fd, int32_t ri_data, int32_t ri_data_len,
                                int32_t ri_flags, int32_t ro_datalen, int32_t ro_flags);
int32_t jitdebug_wasi_sock_send(JITDEBUG_WASI_L, int32_t fd, int32_t si_data, int32_t si_data_len,
                                int32_t si_flags, int32_t so_datalen);
int32_t jitdebug_wasi_sock_shutdown(JITDEBUG_WASI_L, int32_t fd, int32_t how);
#undef JITDEBUG_WASI_L

#ifdef __cplusplus
}
#endif

#endif
