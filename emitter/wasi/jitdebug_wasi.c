/* WASI preview 1 host functions: see jitdebug_wasi.h for the calling convention.
 *
 * Behaviour follows wasmtime 50's preview-1 implementation where it differs from a plain reading of the witx
 * (rights reported, errno of each refusal, enum values that trap): the tests compare every program with
 * wasmtime-py's WASI.
 *
 * The sandbox: every path is resolved by the kernel with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) below
 * the descriptor's directory, so `..` past it, absolute paths and symlinks pointing outside, in any component, are
 * refused (EXDEV from the kernel, EPERM to the guest as wasmtime returns). Operations on a name (unlink, mkdir,
 * rename, link, symlink, readlink) open the parent that way and act on the last component with the *at call,
 * which never follows a symlink in it; a last component of `..` or `.` is refused or resolved like a directory.
 * Symlinks with absolute targets are refused at creation (EPERM), as wasmtime does.
 */
#define _GNU_SOURCE
#include "jitdebug_wasi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

void jitdebug_trap(int32_t code);

/* ---- errno ---------------------------------------------------------------------------------------------- */

enum {
    E_SUCCESS = 0, E_2BIG = 1, E_ACCES = 2, E_AGAIN = 6, E_BADF = 8, E_EXIST = 20, E_FAULT = 21, E_ILSEQ = 25,
    E_INVAL = 28, E_IO = 29, E_ISDIR = 31, E_LOOP = 32, E_NAMETOOLONG = 37, E_NOENT = 44, E_NOMEM = 48,
    E_NOSYS = 52, E_NOTDIR = 54, E_NOTEMPTY = 55, E_NOTSOCK = 57, E_NOTSUP = 58, E_PERM = 63, E_SPIPE = 70,
    E_XDEV = 75, E_NOTCAPABLE = 76,
};

/* Host errno -> WASI errno, from the witx errno enum (WASI numbers every POSIX name alphabetically). */
static int32_t wasi_errno(int host) {
    switch (host) {
    case 0: return 0;
    case E2BIG: return 1; case EACCES: return 2; case EADDRINUSE: return 3; case EADDRNOTAVAIL: return 4;
    case EAFNOSUPPORT: return 5; case EAGAIN: return 6; case EALREADY: return 7; case EBADF: return 8;
    case EBADMSG: return 9; case EBUSY: return 10; case ECANCELED: return 11; case ECHILD: return 12;
    case ECONNABORTED: return 13; case ECONNREFUSED: return 14; case ECONNRESET: return 15; case EDEADLK: return 16;
    case EDESTADDRREQ: return 17; case EDOM: return 18; case EDQUOT: return 19; case EEXIST: return 20;
    case EFAULT: return 21; case EFBIG: return 22; case EHOSTUNREACH: return 23; case EIDRM: return 24;
    case EILSEQ: return 25; case EINPROGRESS: return 26; case EINTR: return 27; case EINVAL: return 28;
    case EIO: return 29; case EISCONN: return 30; case EISDIR: return 31; case ELOOP: return 32;
    case EMFILE: return 33; case EMLINK: return 34; case EMSGSIZE: return 35; case EMULTIHOP: return 36;
    case ENAMETOOLONG: return 37; case ENETDOWN: return 38; case ENETRESET: return 39; case ENETUNREACH: return 40;
    case ENFILE: return 41; case ENOBUFS: return 42; case ENODEV: return 43; case ENOENT: return 44;
    case ENOEXEC: return 45; case ENOLCK: return 46; case ENOLINK: return 47; case ENOMEM: return 48;
    case ENOMSG: return 49; case ENOPROTOOPT: return 50; case ENOSPC: return 51; case ENOSYS: return 52;
    case ENOTCONN: return 53; case ENOTDIR: return 54; case ENOTEMPTY: return 55; case ENOTRECOVERABLE: return 56;
    case ENOTSOCK: return 57; case ENOTSUP: return 58; case ENOTTY: return 59; case ENXIO: return 60;
    case EOVERFLOW: return 61; case EOWNERDEAD: return 62; case EPERM: return 63; case EPIPE: return 64;
    case EPROTO: return 65; case EPROTONOSUPPORT: return 66; case EPROTOTYPE: return 67; case ERANGE: return 68;
    case EROFS: return 69; case ESPIPE: return 70; case ESRCH: return 71; case ESTALE: return 72;
    case ETIMEDOUT: return 73; case ETXTBSY: return 74;
    case EXDEV: return E_PERM; /* openat2's RESOLVE_BENEATH refusal: an escape from the sandbox */
    default: return E_IO;
    }
}

/* ---- contexts ------------------------------------------------------------------------------------------- */

enum fd_kind { FD_FREE = 0, FD_STDIO, FD_FILE, FD_DIR };

struct wasi_fd {
    enum fd_kind kind;
    int host;
    /* A preopen's guest name (owned), else NULL. */
    char *preopen;
    int readable, writable;
    uint16_t fdflags;
};

struct jitdebug_wasi {
    int exit_by_trap;
    int argc, envc;
    char **argv, **env;
    struct wasi_fd *fds;
    int nfds;
};

struct jitdebug_wasi *jitdebug_wasi_default;

static __thread char trap_message[512];
static __thread int32_t exit_code;

const char *jitdebug_wasi_trap_message(void) { return trap_message; }
int32_t jitdebug_wasi_exit_code(void) { return exit_code; }

static int grow_fds(struct jitdebug_wasi *w, int count) {
    if (count <= w->nfds)
        return 0;
    struct wasi_fd *fds = realloc(w->fds, (size_t)count * sizeof *fds);
    if (fds == NULL)
        return -1;
    memset(fds + w->nfds, 0, (size_t)(count - w->nfds) * sizeof *fds);
    w->fds = fds;
    w->nfds = count;
    return 0;
}

struct jitdebug_wasi *jitdebug_wasi_new(int exit_by_trap) {
    struct jitdebug_wasi *w = calloc(1, sizeof *w);
    if (w == NULL || grow_fds(w, 3) < 0) {
        free(w);
        return NULL;
    }
    w->exit_by_trap = exit_by_trap;
    for (int i = 0; i < 3; i++) {
        w->fds[i].kind = FD_STDIO;
        w->fds[i].host = -1; /* inherited: the process's own fd i, never closed by us */
        w->fds[i].readable = i == 0;
        w->fds[i].writable = i != 0;
    }
    return w;
}

static void release_fd(struct wasi_fd *f, int index) {
    if (f->kind == FD_STDIO) {
        if (f->host >= 0)
            close(f->host);
    } else if (f->kind != FD_FREE) {
        close(f->host);
    }
    (void)index;
    free(f->preopen);
    memset(f, 0, sizeof *f);
}

static void free_strings(char **strings, int count) {
    for (int i = 0; i < count; i++)
        free(strings[i]);
    free(strings);
}

void jitdebug_wasi_free(struct jitdebug_wasi *w) {
    if (w == NULL)
        return;
    for (int i = 0; i < w->nfds; i++)
        release_fd(&w->fds[i], i);
    free(w->fds);
    free_strings(w->argv, w->argc);
    free_strings(w->env, w->envc);
    if (jitdebug_wasi_default == w)
        jitdebug_wasi_default = NULL;
    free(w);
}

static int copy_strings(int count, const char *const *in, char ***out) {
    char **copy = calloc((size_t)count + 1, sizeof *copy);
    if (copy == NULL)
        return -1;
    for (int i = 0; i < count; i++) {
        copy[i] = strdup(in[i]);
        if (copy[i] == NULL) {
            free_strings(copy, i);
            return -1;
        }
    }
    *out = copy;
    return 0;
}

int jitdebug_wasi_set_args(struct jitdebug_wasi *w, int count, const char *const *args) {
    char **copy;
    if (copy_strings(count, args, &copy) < 0)
        return -1;
    free_strings(w->argv, w->argc);
    w->argv = copy;
    w->argc = count;
    return 0;
}

int jitdebug_wasi_set_env(struct jitdebug_wasi *w, int count, const char *const *pairs) {
    char **copy;
    if (copy_strings(count, pairs, &copy) < 0)
        return -1;
    free_strings(w->env, w->envc);
    w->env = copy;
    w->envc = count;
    return 0;
}

int jitdebug_wasi_preopen(struct jitdebug_wasi *w, const char *host, const char *guest) {
    int fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int index = w->nfds;
    char *name = strdup(guest);
    if (name == NULL || grow_fds(w, index + 1) < 0) {
        free(name);
        close(fd);
        return ENOMEM;
    }
    w->fds[index] = (struct wasi_fd){FD_DIR, fd, name, 0, 0, 0};
    return 0;
}

int jitdebug_wasi_set_stdio(struct jitdebug_wasi *w, int which, int host_fd) {
    if (which < 0 || which > 2 || w->fds[which].kind != FD_STDIO)
        return EINVAL;
    if (w->fds[which].host >= 0)
        close(w->fds[which].host);
    w->fds[which].host = host_fd;
    return 0;
}

/* ---- guest memory --------------------------------------------------------------------------------------- */

struct mem {
    uint8_t *base;
    uint64_t size;
    struct jitdebug_wasi *w;
    const char *func;
    int unlimited_strings; /* wasmtime 50's path_unlink_file reads its path without the string-length limit */
};

static _Noreturn void wasi_trap(void) {
    jitdebug_trap(JITDEBUG_WASI_TRAP);
    abort(); /* a trap hook that returned */
}

/* wasmtime's words for a bad guest pointer; `align` 0: out of bounds, else the alignment it misses. A result
 * write names what it writes (`context`, "write size"), with the cause repeated under it. */
static _Noreturn void fault(const struct mem *m, uint64_t start, uint64_t len, unsigned align, const char *context) {
    char cause[160];
    if (align)
        snprintf(cause, sizeof cause, "Pointer not aligned to %u: Region { start: %llu, len: %llu }", align,
                 (unsigned long long)start, (unsigned long long)len);
    else
        snprintf(cause, sizeof cause, "Pointer out of bounds: Region { start: %llu, len: %llu }",
                 (unsigned long long)start, (unsigned long long)len);
    if (context != NULL)
        snprintf(trap_message, sizeof trap_message, "In func wasi_snapshot_preview1::%s at %s: %s\n%s", m->func,
                 context, cause, cause);
    else
        snprintf(trap_message, sizeof trap_message, "%s", cause);
    wasi_trap();
}

static _Noreturn void bad_enum(const struct mem *m, const char *type) {
    snprintf(trap_message, sizeof trap_message,
             "In func wasi_snapshot_preview1::%s at convert %s: Invalid enum value %s\nInvalid enum value %s",
             m->func, type, type, type);
    wasi_trap();
}

static _Noreturn void bad_flags(const struct mem *m, const char *type) {
    snprintf(trap_message, sizeof trap_message,
             "In func wasi_snapshot_preview1::%s at convert %s: Invalid flag value %s\nInvalid flag value %s",
             m->func, type, type, type);
    wasi_trap();
}

static struct mem enter(struct jitdebug_wasi_link *link, const char *func) {
    if (!link->has_memory) {
        snprintf(trap_message, sizeof trap_message, "missing required memory export");
        wasi_trap();
    }
    struct mem m;
    m.base = *link->memory_base;
    m.size = *link->memory_size;
    m.w = link->wasi != NULL ? link->wasi : jitdebug_wasi_default;
    m.func = func;
    m.unlimited_strings = 0;
    if (m.w == NULL) {
        snprintf(trap_message, sizeof trap_message, "no WASI context for this instance");
        wasi_trap();
    }
    return m;
}

#define ENTER(name) struct mem m_ = enter(link, #name); struct mem *m = &m_

/* A guest byte range, checked; `context` names a result write ("write size"), as wasmtime's message does. Like
 * wasmtime, guest values are read and written one field at a time, each checked for bounds and its alignment,
 * so a bad pointer is reported at the field it reaches first. */
static uint8_t *span(const struct mem *m, uint64_t ptr, uint64_t len, const char *context) {
    if (ptr + len > m->size)
        fault(m, ptr, len, 0, context);
    return m->base + ptr;
}

static uint8_t *field(const struct mem *m, uint64_t ptr, unsigned size, const char *context) {
    uint8_t *p = span(m, ptr, size, context); /* bounds first, then alignment, as wasmtime checks */
    if (ptr % size)
        fault(m, ptr, size, size, context);
    return p;
}

static uint32_t load32(const struct mem *m, uint64_t ptr) {
    uint32_t v;
    memcpy(&v, field(m, ptr, 4, NULL), 4);
    return v;
}

static uint64_t load64(const struct mem *m, uint64_t ptr) {
    uint64_t v;
    memcpy(&v, field(m, ptr, 8, NULL), 8);
    return v;
}

static void store8(const struct mem *m, uint64_t ptr, uint8_t v, const char *context) {
    *field(m, ptr, 1, context) = v;
}

static void store16(const struct mem *m, uint64_t ptr, uint16_t v, const char *context) {
    memcpy(field(m, ptr, 2, context), &v, 2);
}

static void store32(const struct mem *m, uint64_t ptr, uint32_t v, const char *context) {
    memcpy(field(m, ptr, 4, context), &v, 4);
}

static void store64(const struct mem *m, uint64_t ptr, uint64_t v, const char *context) {
    memcpy(field(m, ptr, 8, context), &v, 8);
}

static void store_bytes(const struct mem *m, uint64_t ptr, const void *bytes, size_t len) {
    memcpy(span(m, ptr, len, NULL), bytes, len);
}

/* ---- descriptors ---------------------------------------------------------------------------------------- */

static struct wasi_fd *lookup(const struct mem *m, int32_t fd) {
    if (fd < 0 || fd >= m->w->nfds || m->w->fds[fd].kind == FD_FREE)
        return NULL;
    return &m->w->fds[fd];
}

static int host_fd(const struct wasi_fd *f, int index) {
    if (f->kind == FD_STDIO && f->host < 0)
        return index;
    return f->host;
}

static int new_fd(struct jitdebug_wasi *w, struct wasi_fd value) {
    int index = 0;
    while (index < w->nfds && w->fds[index].kind != FD_FREE)
        index++;
    if (index == w->nfds && grow_fds(w, index + 1) < 0)
        return -1;
    w->fds[index] = value;
    return index;
}

#define RIGHTS_ALL 0x3fffffffull
#define RIGHT_FD_READ (1ull << 1)
#define RIGHT_FD_WRITE (1ull << 6)
#define RIGHT_FD_READDIR (1ull << 14)
/* What wasmtime 50 reports: a preopen's rights, and a directory opened by path_open (all but fd_seek, fd_write and
 * the two set-size rights, inherited the same). */
#define PREOPEN_RIGHTS_BASE 0x7b7fe00ull
#define PREOPEN_RIGHTS_INHERITING 0xff7ffffull
#define DIR_RIGHTS (RIGHTS_ALL & ~((1ull << 2) | RIGHT_FD_WRITE | (1ull << 19) | (1ull << 22)))

enum { FT_UNKNOWN = 0, FT_BLOCK = 1, FT_CHAR = 2, FT_DIR = 3, FT_REG = 4, FT_SOCK_STREAM = 6, FT_SYMLINK = 7 };

static uint8_t filetype_of(mode_t mode) {
    switch (mode & S_IFMT) {
    case S_IFBLK: return FT_BLOCK;
    case S_IFCHR: return FT_CHAR;
    case S_IFDIR: return FT_DIR;
    case S_IFREG: return FT_REG;
    case S_IFSOCK: return FT_SOCK_STREAM;
    case S_IFLNK: return FT_SYMLINK;
    default: return FT_UNKNOWN;
    }
}

static uint64_t nanos(struct timespec t) { return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec; }

/* A filestat at `ptr`, field by field (dev, ino, filetype, nlink, size, atim, mtim, ctim). */
static void put_filestat(const struct mem *m, uint32_t ptr, const struct stat *st) {
    const char *what = "write filestat";
    uint64_t at = ptr;
    store64(m, at, st ? (uint64_t)st->st_dev : 0, what);
    store64(m, at + 8, st ? (uint64_t)st->st_ino : 0, what);
    store8(m, at + 16, st ? filetype_of(st->st_mode) : FT_UNKNOWN, what);
    store64(m, at + 24, st ? (uint64_t)st->st_nlink : 0, what);
    store64(m, at + 32, st ? (uint64_t)st->st_size : 0, what);
    store64(m, at + 40, st ? nanos(st->st_atim) : 0, what);
    store64(m, at + 48, st ? nanos(st->st_mtim) : 0, what);
    store64(m, at + 56, st ? nanos(st->st_ctim) : 0, what);
}

/* ---- args, environ -------------------------------------------------------------------------------------- */

/* Each string's pointer, then its bytes and its NUL, as wasmtime writes them (an environment variable as name,
 * "=", value: `split_at_equals`). */
static int32_t strings_get(const struct mem *m, char **strings, int count, uint32_t array, uint32_t buf,
                           int split_at_equals) {
    uint64_t at = buf;
    for (int i = 0; i < count; i++) {
        store32(m, (uint64_t)array + 4u * (uint32_t)i, (uint32_t)at, NULL);
        const char *s = strings[i];
        size_t n = strlen(s);
        const char *equals = split_at_equals ? strchr(s, '=') : NULL;
        if (equals != NULL) {
            size_t key = (size_t)(equals - s);
            store_bytes(m, at, s, key);
            store_bytes(m, at + key, "=", 1);
            store_bytes(m, at + key + 1, equals + 1, n - key - 1);
        } else {
            store_bytes(m, at, s, n);
        }
        store_bytes(m, at + n, "", 1);
        at += n + 1;
    }
    return 0;
}

static int32_t sizes_get(const struct mem *m, char **strings, int count, uint32_t count_ptr, uint32_t size_ptr) {
    uint64_t bytes = 0;
    for (int i = 0; i < count; i++)
        bytes += strlen(strings[i]) + 1;
    store32(m, count_ptr, (uint32_t)count, "write size");
    store32(m, size_ptr, (uint32_t)bytes, "write size");
    return 0;
}

int32_t jitdebug_wasi_args_get(struct jitdebug_wasi_link *link, int32_t argv, int32_t argv_buf) {
    ENTER(args_get);
    return strings_get(m, m->w->argv, m->w->argc, (uint32_t)argv, (uint32_t)argv_buf, 0);
}

int32_t jitdebug_wasi_args_sizes_get(struct jitdebug_wasi_link *link, int32_t argc, int32_t argv_buf_size) {
    ENTER(args_sizes_get);
    return sizes_get(m, m->w->argv, m->w->argc, (uint32_t)argc, (uint32_t)argv_buf_size);
}

int32_t jitdebug_wasi_environ_get(struct jitdebug_wasi_link *link, int32_t environ, int32_t environ_buf) {
    ENTER(environ_get);
    return strings_get(m, m->w->env, m->w->envc, (uint32_t)environ, (uint32_t)environ_buf, 1);
}

int32_t jitdebug_wasi_environ_sizes_get(struct jitdebug_wasi_link *link, int32_t count, int32_t buf_size) {
    ENTER(environ_sizes_get);
    return sizes_get(m, m->w->env, m->w->envc, (uint32_t)count, (uint32_t)buf_size);
}

/* ---- clocks, random, scheduling ------------------------------------------------------------------------- */

/* Realtime and monotonic only: wasmtime 50 answers EBADF for the CPU-time clocks; other ids trap. */
static int clock_of(const struct mem *m, int32_t id, clockid_t *out) {
    switch (id) {
    case 0: *out = CLOCK_REALTIME; return 0;
    case 1: *out = CLOCK_MONOTONIC; return 0;
    case 2: case 3: return E_BADF;
    default: bad_enum(m, "Clockid");
    }
}

int32_t jitdebug_wasi_clock_res_get(struct jitdebug_wasi_link *link, int32_t id, int32_t resolution) {
    ENTER(clock_res_get);
    clockid_t clock;
    int error = clock_of(m, id, &clock);
    if (error)
        return error;
    struct timespec t;
    clock_getres(clock, &t);
    store64(m, (uint32_t)resolution, nanos(t), "write timestamp");
    return 0;
}

int32_t jitdebug_wasi_clock_time_get(struct jitdebug_wasi_link *link, int32_t id, int64_t precision, int32_t time) {
    ENTER(clock_time_get);
    (void)precision;
    clockid_t clock;
    int error = clock_of(m, id, &clock);
    if (error)
        return error;
    struct timespec t;
    clock_gettime(clock, &t);
    store64(m, (uint32_t)time, nanos(t), "write timestamp");
    return 0;
}

#define RANDOM_LIMIT (64u << 20) /* wasmtime 50's largest random_get */

int32_t jitdebug_wasi_random_get(struct jitdebug_wasi_link *link, int32_t buf, int32_t buf_len) {
    ENTER(random_get);
    if ((uint32_t)buf_len > RANDOM_LIMIT) {
        /* wasmtime refuses the request in its random source, a trap with two causes, before any bounds check. */
        snprintf(trap_message, sizeof trap_message,
                 "failed to call `get-random-bytes`\nrequested len %u exceeds limit %u", (uint32_t)buf_len,
                 RANDOM_LIMIT);
        wasi_trap();
    }
    uint8_t *p = span(m, (uint32_t)buf, (uint32_t)buf_len, NULL);
    size_t done = 0, want = (uint32_t)buf_len;
    while (done < want) {
        ssize_t n = getrandom(p + done, want - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return wasi_errno(errno);
        }
        done += (size_t)n;
    }
    return 0;
}

int32_t jitdebug_wasi_sched_yield(struct jitdebug_wasi_link *link) {
    ENTER(sched_yield);
    (void)m;
    sched_yield();
    return 0;
}

void jitdebug_wasi_proc_exit(struct jitdebug_wasi_link *link, int32_t code) {
    ENTER(proc_exit);
    if (m->w->exit_by_trap) {
        exit_code = code;
        jitdebug_trap(JITDEBUG_WASI_EXIT);
    }
    exit(code);
}

int32_t jitdebug_wasi_proc_raise(struct jitdebug_wasi_link *link, int32_t sig) {
    ENTER(proc_raise);
    (void)m;
    (void)sig;
    return E_NOTSUP;
}

/* ---- fd: reading and writing ---------------------------------------------------------------------------- */

#define MAX_IOVS (1u << 24) /* iovec elements wasmtime 50 accepts, exclusive */

/* The host iovec for a guest iovec array: like wasmtime 50, only the first non-empty buffer is read or written
 * (a short transfer the guest's libc completes), and the array is read lazily, each field checked in turn up to
 * that buffer, so an array running past the memory faults only if the guest's buffers do. */
static int gather(const struct mem *m, uint32_t iovs, uint32_t count, struct iovec *out, int *used) {
    *used = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t buf = load32(m, iovs + 8 * i);
        uint32_t len = load32(m, iovs + 8 * i + 4);
        uint8_t *p = span(m, buf, len, NULL);
        if (len == 0)
            continue;
        out[0].iov_base = p;
        out[0].iov_len = len;
        *used = 1;
        break;
    }
    return 0;
}

static int32_t do_io(const struct mem *m, int32_t fd, int32_t iovs, int32_t iovs_len, int write, int positioned,
                     int64_t offset, int32_t result, const char *context) {
    /* As wasmtime decodes the arguments: the first element's bounds and alignment (a trap), then the array's
     * length (ENOMEM from 2^24 elements on), and only then the descriptor. */
    if (iovs_len != 0)
        (void)field(m, (uint32_t)iovs, 4, NULL);
    if ((uint32_t)iovs_len >= MAX_IOVS)
        return E_NOMEM;
    struct wasi_fd *f = lookup(m, fd);
    if (f == NULL || f->kind == FD_DIR || (write ? !f->writable : !f->readable))
        return E_BADF;
    if (positioned && f->kind == FD_STDIO)
        return E_BADF;
    struct iovec vec[1];
    int n;
    gather(m, (uint32_t)iovs, (uint32_t)iovs_len, vec, &n);
    int host = host_fd(f, fd);
    ssize_t done = 0;
    if (n > 0) {
        if (positioned && offset < 0)
            return E_INVAL;
        do {
            if (write)
                done = positioned ? pwritev(host, vec, n, offset) : writev(host, vec, n);
            else
                done = positioned ? preadv(host, vec, n, offset) : readv(host, vec, n);
        } while (done < 0 && errno == EINTR);
        if (done < 0)
            return wasi_errno(errno);
    }
    store32(m, (uint32_t)result, (uint32_t)done, context);
    return 0;
}

int32_t jitdebug_wasi_fd_write(struct jitdebug_wasi_link *link, int32_t fd, int32_t iovs, int32_t iovs_len,
                               int32_t nwritten) {
    ENTER(fd_write);
    return do_io(m, fd, iovs, iovs_len, 1, 0, 0, nwritten, "write size");
}

int32_t jitdebug_wasi_fd_read(struct jitdebug_wasi_link *link, int32_t fd, int32_t iovs, int32_t iovs_len,
                              int32_t nread) {
    ENTER(fd_read);
    return do_io(m, fd, iovs, iovs_len, 0, 0, 0, nread, "write size");
}

int32_t jitdebug_wasi_fd_pwrite(struct jitdebug_wasi_link *link, int32_t fd, int32_t iovs, int32_t iovs_len,
                                int64_t offset, int32_t nwritten) {
    ENTER(fd_pwrite);
    return do_io(m, fd, iovs, iovs_len, 1, 1, offset, nwritten, "write size");
}

int32_t jitdebug_wasi_fd_pread(struct jitdebug_wasi_link *link, int32_t fd, int32_t iovs, int32_t iovs_len,
                               int64_t offset, int32_t nread) {
    ENTER(fd_pread);
    return do_io(m, fd, iovs, iovs_len, 0, 1, offset, nread, "write size");
}

int32_t jitdebug_wasi_fd_seek(struct jitdebug_wasi_link *link, int32_t fd, int64_t offset, int32_t whence,
                              int32_t newoffset) {
    ENTER(fd_seek);
    struct wasi_fd *f = lookup(m, fd);
    if (whence < 0 || whence > 2)
        bad_enum(m, "Whence");
    if (f == NULL || f->kind == FD_DIR)
        return E_BADF;
    if (f->kind == FD_STDIO)
        return E_SPIPE;
    static const int host_whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
    off_t at = lseek(f->host, offset, host_whence[whence]);
    if (at < 0)
        return wasi_errno(errno);
    store64(m, (uint32_t)newoffset, (uint64_t)at, "write filesize");
    return 0;
}

int32_t jitdebug_wasi_fd_tell(struct jitdebug_wasi_link *link, int32_t fd, int32_t offset) {
    ENTER(fd_tell);
    struct wasi_fd *f = lookup(m, fd);
    if (f == NULL || f->kind == FD_DIR)
        return E_BADF;
    if (f->kind == FD_STDIO)
        return E_SPIPE;
    off_t at = lseek(f->host, 0, SEEK_CUR);
    if (at < 0)
        return wasi_errno(errno);
    store64(m, (uint32_t)offset, (uint64_t)at, "write filesize");
    return 0;
}

/* ---- fd: state ------------------------------------------------------------------------------------------ */

int32_t jitdebug_wasi_fd_close(struct jitdebug_wasi_link *link, int32_t fd) {
    ENTER(fd_close);
    struct wasi_fd *f = lookup(m, fd);
    if (f == NULL)
        return E_BADF;
    release_fd(f, fd);
    return 0;
}

static int32_t sync_fd(const struct mem *m, int32_t fd, int data) {
    struct wasi_fd *f = lookup(m, fd);
    if (f == NULL || f->kind != FD_FILE)
        return E_BADF;
    if ((data ? fdatasync(f->host) : fsync(f->host)) < 0)
        return wasi_errno(errno);
    return 0;
}

int32_t jitdebug_wasi_fd_sync(struct jitdebug_wasi_link *link, int32_t fd) {
    ENTER(fd_sync);
    return sync_fd(m, fd, 0);
}

int32_t jitdebug_wasi_fd_datasync(struct jitdebug_wasi_link *link, int32_t fd) {
    ENTER(fd_datasync);
    return sync_fd(m, fd, 1);
}

int32_t jitdebug_wasi_fd_advise(struct jitdebug_wasi_link *link, int32_t fd, int64_t offset, int64_t len,
                                int32_t advice) {
    ENTER(fd_advise);
    if (advice < 0 || advice > 5)
        bad_enum(m, "Advice");
    struct wasi_fd *f = lookup(m, fd);
    if (f == NULL || f->kind != FD_FILE)
        return E_BADF;
    static const int host_advice[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                      POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
    int error = posix_fadvise(f->host, offset, len, host_advice[advice]);
    return error ? wasi_errno(error) : 0;
}

int32_t jitdebug_wasi_fd_allocate(struct jitdebug_wasi_link *link, int32_t fd, int64_t offset, int64_t len) {
    ENTER(fd_allocate);
    struct wasi_fd *f = lookup(m, fd);
    (void)offset;
    (void)len;
    if (f == NULL)
        return E_BADF;
    return E_NOTSUP; /* wasmtime 50 does not allocate */
}

int32_t jitdebug_wasi_fd_fdstat_get(struct jitdebug_wasi_link *link, int32_t fd, int32_t stat) {
    ENTER(fd_fdstat_get);
    struct wasi_fd *f = lookup(m, fd);
    if (f == NULL)
        return E_BADF;
    uint8_t filetype = FT_UNKNOWN;
    uint64_t base, inheriting;
    switch (f->kind) {
    case FD_STDIO:
        base = inheriting = f->readable ? RIGHT_FD_READ : RIGHT_FD_WRITE;
        break;
    case FD_DIR:
        filetype = FT_DIR;
        base = f->preopen != NULL ? PREOPEN_RIGHTS_BASE : DIR_RIGHTS;
        inheriting = f->preopen != NULL ? PREOPEN_RIGHTS_INHERITING : DIR_RIGHTS;
        break;
    default: {
        struct stat st;
        if (fstat(f->host, &st) < 0)
            return wasi_errno(errno);
        filetype = filetype_of(st.st_mode);
        base = RIGHTS_ALL;
        if (!f->readable)
            base &= ~(RIGHT_FD_READ | RIGHT_FD_READDIR);
        if (!f->writable)
            base &= ~RIGHT_FD_WRITE;
        inheriting = base;
    }
    }
    const char *what = "write fdstat";
    uint64_t at = (uint32_t)stat;
    store8(m, at, filetype, what);
    store16(m, at + 2, f->fdflags, what);
    store64(m, at + 8, base, what);
    store64(m, at + 16, inheriting, what);
    return 0;
}

#define FDFLAG_APPEND 1
#define FDFLAG_DSYNC 2
#define FDFLAG_NONBLOCK 4
#define FDFLAG_RSYNC 8
#define FDFLAG_SYNC 16

int32_t jitdebug_wasi_fd_fdstat_set_flags(struct jitdebug_wasi_link *link, int32_t fd, int32_t flags) {
    ENTER(fd_fdstat_set_flags);
    struct wasi_fd *f = lookup(m, fd);
    if ((uint32_t)flags > 0x1f)
        bad_flags(m, "Fdflags");
    if (f == NULL || f->kind != FD_FILE)
        return E_BADF;
    if (flags & (FDFLAG_DSYNC | FDFLAG_RSYNC | FDFLAG_SYNC))
        return E_INVAL;
    int host = fcntl(f->host, F_GETFL);
    if (host < 0 || fcntl(f->host, F_SETFL, (flags & FDFLAG_APPEND) ? host | O_APPEND : host & ~O_APPEND) < 0)
        return wasi_errno(errno);
    f->fdflags = (uint16_t)flags;
    return 0;
}

int32_t jitdebug_wasi_fd_fdstat_set_rights(struct jitdebug_wasi_link *link, int32_t fd, int64_t base,
                                           int64_t inheriting) {
    ENTER(fd_fdstat_set_rights);
    (void)base;
    (void)inheriting;
    if (lookup(m, fd) == NULL)
        return E_BADF;
    return E_NOTSUP;
}

int32_t jitdebug_wasi_fd_filestat_get(struct jitdebug_wasi_link *link, int32_t fd, int32_t buf) {
    ENTER(fd_filestat_get);
    struct wasi_fd *f = lookup(m, fd);
    if (f == NULL)
        return E_BADF;
    struct stat st;
    if (f->kind == FD_STDIO) {
        put_filestat(m, (uint32_t)buf, NULL); /* wasmtime reports nothing about stdio */
        return 0;
    }
    if (fstat(f->host, &st) < 0)
        return wasi_errno(errno);
    put_filestat(m, (uint32_t)buf, &st);
    return 0;
}

int32_t jitdebug_wasi_fd_filestat_set_size(struct jitdebug_wasi_link *link, int32_t fd, int64_t size) {
    ENTER(fd_filestat_set_size);
    struct wasi_fd *f = lookup(m, fd);
    if (f == NULL || f->kind != FD_FILE || !f->writable)
        return E_BADF;
    if (ftruncate(f->host, size) < 0)
        return wasi_errno(errno);
    return 0;
}

#define FST_ATIM 1
#define FST_ATIM_NOW 2
#define FST_MTIM 4
#define FST_MTIM_NOW 8

static int times_of(int32_t flags, int64_t atim, int64_t mtim, struct timespec out[2]) {
    if (((flags & FST_ATIM) && (flags & FST_ATIM_NOW)) || ((flags & FST_MTIM) && (flags & FST_MTIM_NOW)))
        return E_INVAL;
    int64_t values[2] = {atim, mtim};
    for (int i = 0; i < 2; i++) {
        int set = flags & (i ? FST_MTIM : FST_ATIM), now = flags & (i ? FST_MTIM_NOW : FST_ATIM_NOW);
        if (set) {
            out[i].tv_sec = (time_t)((uint64_t)values[i] / 1000000000ull);
            out[i].tv_nsec = (long)((uint64_t)values[i] % 1000000000ull);
        } else {
            out[i].tv_sec = 0;
            out[i].tv_nsec = now ? UTIME_NOW : UTIME_OMIT;
        }
    }
    return 0;
}


int32_t jitdebug_wasi_fd_filestat_set_times(struct jitdebug_wasi_link *link, int32_t fd, int64_t atim, int64_t mtim,
                                            int32_t flags) {
    ENTER(fd_filestat_set_times);
    if ((uint32_t)flags > 0xf)
        bad_flags(m, "Fstflags");
    struct wasi_fd *f = lookup(m, fd);
    if (f == NULL || f->kind == FD_STDIO)
        return E_BADF;
    struct timespec times[2];
    int error = times_of(flags, atim, mtim, times);
    if (error)
        return error;
    if (futimens(f->host, times) < 0)
        return wasi_errno(errno);
    return 0;
}

int32_t jitdebug_wasi_fd_prestat_get(struct jitdebug_wasi_link *link, int32_t fd, int32_t buf) {
    ENTER(fd_prestat_get);
    struct wasi_fd *f = lookup(m, fd);
    if (f == NULL || f->preopen == NULL)
        return E_BADF;
    store8(m, (uint32_t)buf, 0, "write prestat"); /* tag: a directory */
    store32(m, (uint64_t)(uint32_t)buf + 4, (uint32_t)strlen(f->preopen), "write prestat");
    return 0;
}

int32_t jitdebug_wasi_fd_prestat_dir_name(struct jitdebug_wasi_link *link, int32_t fd, int32_t path,
                                          int32_t path_len) {
    ENTER(fd_prestat_dir_name);
    struct wasi_fd *f = lookup(m, fd);
    if (f == NULL || f->preopen == NULL)
        return E_BADF;
    size_t len = strlen(f->preopen);
    if ((uint32_t)path_len < len)
        return E_NAMETOOLONG;
    store_bytes(m, (uint32_t)path, f->preopen, len);
    return 0;
}

int32_t jitdebug_wasi_fd_renumber(struct jitdebug_wasi_link *link, int32_t fd, int32_t to) {
    ENTER(fd_renumber);
    struct wasi_fd *from = lookup(m, fd), *target = lookup(m, to);
    if (from == NULL || target == NULL)
        return E_BADF;
    if (from == target)
        return 0;
    release_fd(target, to);
    *target = *from;
    memset(from, 0, sizeof *from);
    return 0;
}

/* ---- fd_readdir ----------------------------------------------------------------------------------------- */

int32_t jitdebug_wasi_fd_readdir(struct jitdebug_wasi_link *link, int32_t fd, int32_t buf, int32_t buf_len,
                                 int64_t cookie, int32_t bufused) {
    ENTER(fd_readdir);
    struct wasi_fd *f = lookup(m, fd);
    if (f == NULL || f->kind != FD_DIR)
        return E_BADF;
    uint64_t out = (uint32_t)buf;
    uint32_t capacity = (uint32_t)buf_len, used = 0;
    /* A fresh stream over the same directory each call: cookies are entry indices, "." and ".." first. */
    int dup_fd = openat(f->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dup_fd < 0)
        return wasi_errno(errno);
    DIR *dir = fdopendir(dup_fd);
    if (dir == NULL) {
        close(dup_fd);
        return wasi_errno(errno);
    }
    struct stat self;
    int have_self = fstat(f->host, &self) == 0;
    uint64_t index = 0;
    for (;;) {
        const char *name;
        uint64_t ino;
        uint8_t type;
        if (index == 0) {
            name = ".";
            ino = have_self ? (uint64_t)self.st_ino : 0;
            type = FT_DIR;
        } else if (index == 1) {
            name = "..";
            ino = have_self ? (uint64_t)self.st_ino : 0; /* wasmtime gives ".." the directory's own inode */
            type = FT_DIR;
        } else {
            errno = 0;
            struct dirent *entry = readdir(dir);
            if (entry == NULL)
                break;
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            name = entry->d_name;
            ino = entry->d_ino;
            switch (entry->d_type) {
            case DT_DIR: type = FT_DIR; break;
            case DT_REG: type = FT_REG; break;
            case DT_LNK: type = FT_SYMLINK; break;
            case DT_CHR: type = FT_CHAR; break;
            case DT_BLK: type = FT_BLOCK; break;
            case DT_SOCK: type = FT_SOCK_STREAM; break;
            default: {
                struct stat st;
                type = fstatat(f->host, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? filetype_of(st.st_mode) : FT_UNKNOWN;
            }
            }
        }
        index++;
        if (index <= (uint64_t)cookie)
            continue;
        uint8_t header[24] = {0};
        uint32_t namlen = (uint32_t)strlen(name);
        memcpy(header, &index, 8);
        memcpy(header + 8, &ino, 8);
        memcpy(header + 16, &namlen, 4);
        header[20] = type;
        /* The header, then the name, each cut at the buffer's end (wasmtime writes them as two ranges). */
        uint32_t room = capacity - used;
        uint32_t n = room < 24 ? room : 24;
        if (out + used + n > m->size)
            closedir(dir);
        store_bytes(m, out + used, header, n);
        used += n;
        room = capacity - used;
        n = room < namlen ? room : namlen;
        if (out + used + n > m->size)
            closedir(dir);
        store_bytes(m, out + used, name, n);
        used += n;
        if (used == capacity)
            break;
    }
    closedir(dir);
    store32(m, (uint32_t)bufused, used, "write size");
    return 0;
}

/* ---- paths ---------------------------------------------------------------------------------------------- */

#define MAX_GUEST_STRING (128u << 20) /* the longest guest string wasmtime 50 reads, inclusive */

/* The guest path as a C string (a copy), or an errno. */
static int guest_path(const struct mem *m, uint32_t ptr, uint32_t len, char **out) {
    if (len > MAX_GUEST_STRING && !m->unlimited_strings)
        return E_NOMEM; /* wasmtime's limit, checked before the bounds */
    const uint8_t *p = span(m, ptr, len, NULL);
    if (memchr(p, 0, len) != NULL)
        return E_ILSEQ;
    if (len >= PATH_MAX)
        return E_NAMETOOLONG;
    char *s = malloc((size_t)len + 1);
    if (s == NULL)
        return E_NOMEM;
    memcpy(s, p, len);
    s[len] = 0;
    *out = s;
    return 0;
}

static int dir_of(const struct mem *m, int32_t fd, struct wasi_fd **out) {
    struct wasi_fd *f = lookup(m, fd);
    if (f == NULL)
        return E_BADF;
    if (f->kind != FD_DIR)
        return E_NOTDIR;
    *out = f;
    return 0;
}

/* openat2 below `dirfd`: the kernel refuses every way out (EXDEV). */
static int open_beneath(int dirfd, const char *path, int flags, mode_t mode) {
    struct open_how how = {0};
    how.flags = (uint64_t)(flags | O_CLOEXEC);
    how.mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0; /* O_TMPFILE holds O_DIRECTORY */
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd;
    do {
        fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    } while (fd < 0 && (errno == EINTR || errno == EAGAIN));
    return (int)fd;
}

/* The parent directory of `path` (opened beneath `dirfd`, caller closes it unless it is `dirfd`) and the last
 * component, in place in `path`. Trailing slashes are kept on the leaf (so "file/" still fails ENOTDIR). */
static int split(int dirfd, char *path, int *parent, char **leaf) {
    if (path[0] == 0)
        return E_NOENT;
    if (path[0] == '/')
        return E_PERM;
    size_t len = strlen(path);
    size_t end = len;
    while (end > 0 && path[end - 1] == '/')
        end--;
    size_t slash = end;
    while (slash > 0 && path[slash - 1] != '/')
        slash--;
    *leaf = path + slash;
    if (slash == 0) {
        *parent = dirfd;
        return 0;
    }
    char saved = path[slash];
    path[slash] = 0;
    int fd = open_beneath(dirfd, path, O_PATH | O_DIRECTORY, 0);
    path[slash] = saved;
    if (fd < 0)
        return wasi_errno(errno);
    *parent = fd;
    return 0;
}

static int leaf_is_dots(const char *leaf) {
    size_t n = strcspn(leaf, "/");
    return (n == 1 && leaf[0] == '.') || (n == 2 && leaf[0] == '.' && leaf[1] == '.');
}

#define OFLAG_CREAT 1
#define OFLAG_DIRECTORY 2
#define OFLAG_EXCL 4
#define OFLAG_TRUNC 8
#define LOOKUP_SYMLINK_FOLLOW 1

int32_t jitdebug_wasi_path_open(struct jitdebug_wasi_link *link, int32_t fd, int32_t dirflags, int32_t path,
                                int32_t path_len, int32_t oflags, int64_t rights_base, int64_t rights_inheriting,
                                int32_t fdflags, int32_t opened) {
    ENTER(path_open);
    if ((uint32_t)dirflags > 1)
        bad_flags(m, "Lookupflags");
    if ((uint32_t)oflags > 0xf)
        bad_flags(m, "Oflags");
    if ((uint32_t)fdflags > 0x1f)
        bad_flags(m, "Fdflags");
    (void)rights_inheriting;
    struct wasi_fd *dir;
    int error = dir_of(m, fd, &dir);
    if (error)
        return error;
    char *p;
    error = guest_path(m, (uint32_t)path, (uint32_t)path_len, &p);
    if (error)
        return error;
    uint64_t rights = (uint64_t)rights_base;
    int read = (rights & (RIGHT_FD_READ | RIGHT_FD_READDIR)) != 0;
    int write = (rights & (RIGHT_FD_WRITE | (1ull << 8) | (1ull << 22))) != 0 || (fdflags & FDFLAG_APPEND) ||
                (oflags & OFLAG_TRUNC);
    if (!read && !write)
        read = 1;
    int flags = O_NOCTTY;
    if (oflags & OFLAG_CREAT)
        flags |= O_CREAT;
    if (oflags & OFLAG_EXCL)
        flags |= O_EXCL;
    if (oflags & OFLAG_TRUNC)
        flags |= O_TRUNC;
    if (oflags & OFLAG_DIRECTORY)
        flags |= O_DIRECTORY;
    if (!(dirflags & LOOKUP_SYMLINK_FOLLOW))
        flags |= O_NOFOLLOW;
    if (fdflags & FDFLAG_APPEND)
        flags |= O_APPEND;
    if (fdflags & (FDFLAG_DSYNC | FDFLAG_SYNC | FDFLAG_RSYNC)) {
        free(p);
        return E_NOTSUP; /* wasmtime 50 opens no synchronised descriptors */
    }
    if ((oflags & OFLAG_DIRECTORY) && write) {
        free(p);
        return E_ISDIR;
    }
    if (p[0] == '/') {
        free(p);
        return E_PERM;
    }
    int host = -1;
    if (write) {
        host = open_beneath(dir->host, p, flags | (read ? O_RDWR : O_WRONLY), 0666);
    } else {
        host = open_beneath(dir->host, p, flags | O_RDONLY, 0666);
    }
    int saved = errno;
    free(p);
    if (host < 0) {
        if (saved == ELOOP && !(dirflags & LOOKUP_SYMLINK_FOLLOW))
            return E_LOOP;
        return wasi_errno(saved);
    }
    struct stat st;
    if (fstat(host, &st) < 0) {
        close(host);
        return wasi_errno(errno);
    }
    struct wasi_fd entry = {S_ISDIR(st.st_mode) ? FD_DIR : FD_FILE, host, NULL, read, write,
                            (uint16_t)(fdflags & (FDFLAG_APPEND | FDFLAG_NONBLOCK))};
    if (entry.kind == FD_DIR)
        entry.readable = entry.writable = 0;
    int index = new_fd(m->w, entry);
    if (index < 0) {
        close(host);
        return E_NOMEM;
    }
    store32(m, (uint32_t)opened, (uint32_t)index, "write fd");
    return 0;
}

/* Run `op` on (parent, leaf) of the guest path; returns a WASI errno. */
typedef int (*leaf_op)(int parent, const char *leaf, void *data);

static int32_t on_leaf(const struct mem *m, int32_t fd, int32_t path, int32_t path_len, leaf_op op, void *data) {
    struct wasi_fd *dir;
    int error = dir_of(m, fd, &dir);
    if (error)
        return error;
    char *p;
    error = guest_path(m, (uint32_t)path, (uint32_t)path_len, &p);
    if (error)
        return error;
    int parent;
    char *leaf;
    error = split(dir->host, p, &parent, &leaf);
    if (error == 0) {
        error = op(parent, leaf, data);
        if (parent != dir->host)
            close(parent);
    }
    free(p);
    return error;
}

static int op_mkdir(int parent, const char *leaf, void *data) {
    (void)data;
    if (leaf_is_dots(leaf))
        return E_EXIST;
    return mkdirat(parent, leaf, 0777) < 0 ? wasi_errno(errno) : 0;
}

int32_t jitdebug_wasi_path_create_directory(struct jitdebug_wasi_link *link, int32_t fd, int32_t path,
                                            int32_t path_len) {
    ENTER(path_create_directory);
    return on_leaf(m, fd, path, path_len, op_mkdir, NULL);
}

/* A trailing slash on a leaf names a directory: strip it for the *at call, remembering it. */
static int bare_leaf(const char *leaf, char *out, size_t size, int *had_slash) {
    size_t n = strcspn(leaf, "/");
    if (n >= size)
        return E_NAMETOOLONG;
    memcpy(out, leaf, n);
    out[n] = 0;
    *had_slash = leaf[n] == '/';
    return 0;
}

static int op_rmdir(int parent, const char *leaf, void *data) {
    (void)data;
    char name[NAME_MAX + 1];
    int slash;
    int error = bare_leaf(leaf, name, sizeof name, &slash);
    if (error)
        return error;
    if (strcmp(name, ".") == 0)
        return E_INVAL;
    if (strcmp(name, "..") == 0)
        return E_NOTEMPTY;
    return unlinkat(parent, name, AT_REMOVEDIR) < 0 ? wasi_errno(errno) : 0;
}

int32_t jitdebug_wasi_path_remove_directory(struct jitdebug_wasi_link *link, int32_t fd, int32_t path,
                                            int32_t path_len) {
    ENTER(path_remove_directory);
    return on_leaf(m, fd, path, path_len, op_rmdir, NULL);
}

static int op_unlink(int parent, const char *leaf, void *data) {
    (void)data;
    char name[NAME_MAX + 1];
    int slash;
    int error = bare_leaf(leaf, name, sizeof name, &slash);
    if (error)
        return error;
    if (leaf_is_dots(name))
        return E_ISDIR;
    struct stat st;
    if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(st.st_mode))
            return E_ISDIR;
        if (slash)
            return E_NOTDIR;
    }
    return unlinkat(parent, name, 0) < 0 ? wasi_errno(errno) : 0;
}

int32_t jitdebug_wasi_path_unlink_file(struct jitdebug_wasi_link *link, int32_t fd, int32_t path,
                                       int32_t path_len) {
    ENTER(path_unlink_file);
    m_.unlimited_strings = 1;
    return on_leaf(m, fd, path, path_len, op_unlink, NULL);
}

struct readlink_data {
    const struct mem *m;
    uint32_t buf, buf_len, bufused;
};

static int op_readlink(int parent, const char *leaf, void *data) {
    struct readlink_data *d = data;
    char target[PATH_MAX];
    ssize_t n = readlinkat(parent, leaf, target, sizeof target);
    if (n < 0)
        return wasi_errno(errno);
    uint32_t copy = (uint32_t)n < d->buf_len ? (uint32_t)n : d->buf_len;
    store_bytes(d->m, d->buf, target, copy);
    store32(d->m, d->bufused, copy, "write size");
    return 0;
}

int32_t jitdebug_wasi_path_readlink(struct jitdebug_wasi_link *link, int32_t fd, int32_t path, int32_t path_len,
                                    int32_t buf, int32_t buf_len, int32_t bufused) {
    ENTER(path_readlink);
    struct readlink_data d = {m, (uint32_t)buf, (uint32_t)buf_len, (uint32_t)bufused};
    return on_leaf(m, fd, path, path_len, op_readlink, &d);
}

/* An O_PATH descriptor of the guest path (following a final symlink when asked), beneath `fd`. */
static int open_path(const struct mem *m, int32_t fd, int32_t flags, int32_t path, int32_t path_len, int *out) {
    struct wasi_fd *dir;
    int error = dir_of(m, fd, &dir);
    if (error)
        return error;
    char *p;
    error = guest_path(m, (uint32_t)path, (uint32_t)path_len, &p);
    if (error)
        return error;
    if (p[0] == '/') {
        free(p);
        return E_PERM;
    }
    int host = open_beneath(dir->host, p, O_PATH | ((flags & LOOKUP_SYMLINK_FOLLOW) ? 0 : O_NOFOLLOW), 0);
    int saved = errno;
    free(p);
    if (host < 0)
        return wasi_errno(saved);
    *out = host;
    return 0;
}

int32_t jitdebug_wasi_path_filestat_get(struct jitdebug_wasi_link *link, int32_t fd, int32_t flags, int32_t path,
                                        int32_t path_len, int32_t buf) {
    ENTER(path_filestat_get);
    if ((uint32_t)flags > 1)
        bad_flags(m, "Lookupflags");
    int host;
    int error = open_path(m, fd, flags, path, path_len, &host);
    if (error)
        return error;
    struct stat st;
    int r = fstat(host, &st);
    int saved = errno;
    close(host);
    if (r < 0)
        return wasi_errno(saved);
    put_filestat(m, (uint32_t)buf, &st);
    return 0;
}

int32_t jitdebug_wasi_path_filestat_set_times(struct jitdebug_wasi_link *link, int32_t fd, int32_t flags,
                                              int32_t path, int32_t path_len, int64_t atim, int64_t mtim,
                                              int32_t fst_flags) {
    ENTER(path_filestat_set_times);
    if ((uint32_t)flags > 1)
        bad_flags(m, "Lookupflags");
    if ((uint32_t)fst_flags > 0xf)
        bad_flags(m, "Fstflags");
    struct timespec times[2];
    int error = times_of(fst_flags, atim, mtim, times);
    if (error)
        return error;
    int host;
    error = open_path(m, fd, flags, path, path_len, &host);
    if (error)
        return error;
    /* utimensat on an O_PATH descriptor: through its /proc name (the kernel's own, not a guest path). */
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", host);
    int r = utimensat(AT_FDCWD, proc, times, 0);
    int saved = errno;
    close(host);
    return r < 0 ? wasi_errno(saved) : 0;
}

/* Two-path operations: both sides resolved to (parent, leaf) beneath their own directories. */
static int32_t on_two_leaves(const struct mem *m, int32_t fd1, int32_t path1, int32_t len1, int32_t fd2,
                             int32_t path2, int32_t len2, int (*op)(int, char *, int, char *, void *), void *data) {
    struct wasi_fd *dir1, *dir2;
    int error = dir_of(m, fd1, &dir1);
    if (error)
        return error;
    if ((error = dir_of(m, fd2, &dir2)))
        return error;
    char *p1, *p2;
    if ((error = guest_path(m, (uint32_t)path1, (uint32_t)len1, &p1)))
        return error;
    if ((error = guest_path(m, (uint32_t)path2, (uint32_t)len2, &p2))) {
        free(p1);
        return error;
    }
    int parent1 = -1, parent2 = -1;
    char *leaf1, *leaf2;
    error = split(dir1->host, p1, &parent1, &leaf1);
    if (error == 0)
        error = split(dir2->host, p2, &parent2, &leaf2);
    if (error == 0)
        error = op(parent1, leaf1, parent2, leaf2, data);
    if (parent1 >= 0 && parent1 != dir1->host)
        close(parent1);
    if (parent2 >= 0 && parent2 != dir2->host)
        close(parent2);
    free(p1);
    free(p2);
    return error;
}

static int op_rename(int parent1, char *leaf1, int parent2, char *leaf2, void *data) {
    (void)data;
    if (leaf_is_dots(leaf1) || leaf_is_dots(leaf2))
        return E_PERM;
    return renameat(parent1, leaf1, parent2, leaf2) < 0 ? wasi_errno(errno) : 0;
}

int32_t jitdebug_wasi_path_rename(struct jitdebug_wasi_link *link, int32_t fd, int32_t old_path,
                                  int32_t old_path_len, int32_t new_fd, int32_t new_path, int32_t new_path_len) {
    ENTER(path_rename);
    return on_two_leaves(m, fd, old_path, old_path_len, new_fd, new_path, new_path_len, op_rename, NULL);
}

static int op_link(int parent1, char *leaf1, int parent2, char *leaf2, void *data) {
    int follow = *(int *)data;
    if (leaf_is_dots(leaf1) || leaf_is_dots(leaf2))
        return E_PERM;
    if (follow) {
        /* The target of a followed symlink must stay inside too: resolve it beneath the old parent first. */
        int target = open_beneath(parent1, leaf1, O_PATH, 0);
        if (target < 0)
            return wasi_errno(errno);
        int r = linkat(target, "", parent2, leaf2, AT_EMPTY_PATH);
        int saved = errno;
        close(target);
        return r < 0 ? wasi_errno(saved) : 0;
    }
    return linkat(parent1, leaf1, parent2, leaf2, 0) < 0 ? wasi_errno(errno) : 0;
}

int32_t jitdebug_wasi_path_link(struct jitdebug_wasi_link *link, int32_t old_fd, int32_t old_flags,
                                int32_t old_path, int32_t old_path_len, int32_t new_fd, int32_t new_path,
                                int32_t new_path_len) {
    ENTER(path_link);
    if ((uint32_t)old_flags > 1)
        bad_flags(m, "Lookupflags");
    int follow = old_flags & LOOKUP_SYMLINK_FOLLOW;
    return on_two_leaves(m, old_fd, old_path, old_path_len, new_fd, new_path, new_path_len, op_link, &follow);
}

static int op_symlink(int parent, const char *leaf, void *data) {
    const char *target = data;
    if (target[0] == '/')
        return E_PERM;
    return symlinkat(target, parent, leaf) < 0 ? wasi_errno(errno) : 0;
}

int32_t jitdebug_wasi_path_symlink(struct jitdebug_wasi_link *link, int32_t old_path, int32_t old_path_len,
                                   int32_t fd, int32_t new_path, int32_t new_path_len) {
    ENTER(path_symlink);
    struct wasi_fd *dir;
    int error = dir_of(m, fd, &dir); /* wasmtime looks the directory up before it reads the target */
    if (error)
        return error;
    char *target;
    error = guest_path(m, (uint32_t)old_path, (uint32_t)old_path_len, &target);
    if (error)
        return error;
    error = on_leaf(m, fd, new_path, new_path_len, op_symlink, target);
    free(target);
    return error;
}

/* ---- poll_oneoff ---------------------------------------------------------------------------------------- */

#define EVENT_CLOCK 0
#define EVENT_FD_READ 1
#define EVENT_FD_WRITE 2
#define MAX_SUBSCRIPTIONS (2u << 20) /* wasmtime 50 answers ENOMEM above, before reading any */

/* An event, field by field: userdata, error, type, then fd_readwrite's nbytes and flags. */
static void put_event(const struct mem *m, uint64_t at, uint64_t userdata, uint16_t error, uint8_t type,
                      uint64_t nbytes, uint16_t flags) {
    store64(m, at, userdata, NULL);
    store16(m, at + 8, error, NULL);
    store8(m, at + 10, type, NULL);
    store64(m, at + 16, nbytes, NULL);
    store16(m, at + 24, flags, NULL);
}

/* One subscription, as read from the guest. */
struct subscription {
    uint64_t userdata;
    uint8_t tag;
    enum { SUB_CLOCK, SUB_CPU_CLOCK, SUB_FILE, SUB_STREAM } kind;
    int64_t relative; /* clocks: nanoseconds from now (0: due) */
    int host;         /* streams: the host fd to poll */
};

/* wasmtime 50's order of readiness, which programs observe: first what is ready at once (writes to files and to
 * stdout/stderr, clocks already due, the CPU-time clocks' EBADF), and only those; else reads from files; else stdio is polled until the
 * earliest clock. A descriptor event reports nbytes 1, as wasmtime does; a bad or directory fd fails the call.
 * (wasmtime reads files on a thread of its own: a file read met with a write in one call is sometimes reported
 * with it there, when that thread is quick; here never.) */
int32_t jitdebug_wasi_poll_oneoff(struct jitdebug_wasi_link *link, int32_t in, int32_t out, int32_t nsubscriptions,
                                  int32_t nevents) {
    ENTER(poll_oneoff);
    uint32_t count = (uint32_t)nsubscriptions;
    if (count == 0)
        return E_INVAL;
    if (count > MAX_SUBSCRIPTIONS)
        return E_NOMEM;
    uint64_t subs = (uint32_t)in, events = (uint32_t)out;
    /* Per thread, grown to the largest call and kept: a trap leaves by a jump, which must not leak. */
    static __thread struct subscription *list;
    static __thread struct pollfd *polls;
    static __thread uint32_t *poll_index;
    static __thread uint32_t capacity;
    if (count > capacity) {
        struct subscription *new_list = realloc(list, count * sizeof *list);
        if (new_list != NULL)
            list = new_list;
        struct pollfd *new_polls = realloc(polls, count * sizeof *polls);
        if (new_polls != NULL)
            polls = new_polls;
        uint32_t *new_index = realloc(poll_index, count * sizeof *poll_index);
        if (new_index != NULL)
            poll_index = new_index;
        if (new_list == NULL || new_polls == NULL || new_index == NULL)
            return E_NOMEM;
        capacity = count;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint64_t s = subs + 48 * i;
        struct subscription *sub = &list[i];
        sub->userdata = load64(m, s);
        sub->tag = *field(m, s + 8, 1, NULL);
        if (sub->tag > 2)
            bad_enum(m, "Eventtype");
        if (sub->tag == EVENT_CLOCK) {
            uint32_t id = load32(m, s + 16);
            uint64_t timeout = load64(m, s + 24);
            (void)load64(m, s + 32); /* precision */
            uint16_t flags;
            memcpy(&flags, field(m, s + 40, 2, NULL), 2);
            if (id > 3)
                bad_enum(m, "Clockid");
            sub->kind = id >= 2 ? SUB_CPU_CLOCK : SUB_CLOCK;
            if (flags & 1) {
                struct timespec now;
                clock_gettime(id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC, &now);
                sub->relative = timeout > nanos(now) ? (int64_t)(timeout - nanos(now)) : 0;
            } else {
                sub->relative = timeout > INT64_MAX ? INT64_MAX : (int64_t)timeout;
            }
        } else {
            uint32_t fd = load32(m, s + 16);
            struct wasi_fd *f = lookup(m, (int32_t)fd);
            if (f == NULL || f->kind == FD_DIR)
                return E_BADF; /* wasmtime fails the whole call, with no event */
            sub->kind = f->kind == FD_FILE ? SUB_FILE : SUB_STREAM;
            sub->host = host_fd(f, (int)fd);
        }
    }
    uint32_t nready = 0;
    /* At once: writes to files, due clocks, CPU-time clocks (EBADF). */
    for (uint32_t i = 0; i < count; i++) {
        struct subscription *sub = &list[i];
        if (sub->kind == SUB_CPU_CLOCK)
            put_event(m, events + 32 * nready++, sub->userdata, E_BADF, EVENT_CLOCK, 0, 0);
        else if (sub->kind == SUB_CLOCK && sub->relative == 0)
            put_event(m, events + 32 * nready++, sub->userdata, 0, EVENT_CLOCK, 0, 0);
        else if (sub->tag == EVENT_FD_WRITE) /* files, and stdout/stderr (wasmtime's are always ready) */
            put_event(m, events + 32 * nready++, sub->userdata, 0, EVENT_FD_WRITE, 1, 0);
    }
    /* Then reads from files. */
    for (uint32_t i = 0; nready == 0 && i < count; i++) {
        if (list[i].kind == SUB_FILE && list[i].tag == EVENT_FD_READ)
            put_event(m, events + 32 * nready++, list[i].userdata, 0, EVENT_FD_READ, 1, 0);
    }
    if (nready == 0) {
        int npolls = 0;
        int64_t timeout_ns = -1; /* the earliest clock, relative; -1: none */
        uint32_t earliest = 0;
        for (uint32_t i = 0; i < count; i++) {
            struct subscription *sub = &list[i];
            if (sub->kind == SUB_CLOCK && (timeout_ns < 0 || sub->relative < timeout_ns)) {
                timeout_ns = sub->relative;
                earliest = i;
            } else if (sub->kind == SUB_STREAM) {
                polls[npolls] = (struct pollfd){sub->host, sub->tag == EVENT_FD_READ ? POLLIN : POLLOUT, 0};
                poll_index[npolls++] = i;
            }
        }
        struct timespec wait, *waitp = NULL;
        if (timeout_ns >= 0) {
            wait.tv_sec = timeout_ns / 1000000000;
            wait.tv_nsec = timeout_ns % 1000000000;
            waitp = &wait;
        }
        int r;
        if (npolls == 0 && waitp != NULL) {
            while (clock_nanosleep(CLOCK_MONOTONIC, 0, waitp, waitp) == EINTR) {
            }
            r = 0;
        } else {
            do {
                r = ppoll(polls, (nfds_t)npolls, waitp, NULL);
            } while (r < 0 && errno == EINTR);
        }
        if (r < 0)
            return wasi_errno(errno);
        for (int k = 0; k < npolls; k++) {
            if (!polls[k].revents)
                continue;
            struct subscription *sub = &list[poll_index[k]];
            /* No FD_READWRITE_HANGUP: wasmtime 50 reports a stream at its end (a closed pipe) as readable
             * with flags 0, like one with data waiting. */
            put_event(m, events + 32 * nready++, sub->userdata, 0, sub->tag, 1, 0);
        }
        if (nready == 0 && timeout_ns >= 0)
            put_event(m, events + 32 * nready++, list[earliest].userdata, 0, EVENT_CLOCK, 0, 0);
    }
    store32(m, (uint32_t)nevents, nready, "write size");
    return 0;
}

/* ---- sockets: wasmtime 50 answers ENOTSOCK for every descriptor it has (no socket is ever preopened) -------- */

static int32_t not_a_socket(const struct mem *m, int32_t fd) { return lookup(m, fd) == NULL ? E_BADF : E_NOTSOCK; }

int32_t jitdebug_wasi_sock_accept(struct jitdebug_wasi_link *link, int32_t fd, int32_t flags, int32_t opened) {
    ENTER(sock_accept);
    (void)flags;
    (void)opened;
    return not_a_socket(m, fd);
}

int32_t jitdebug_wasi_sock_recv(struct jitdebug_wasi_link *link, int32_t fd, int32_t ri_data, int32_t ri_data_len,
                                int32_t ri_flags, int32_t ro_datalen, int32_t ro_flags) {
    ENTER(sock_recv);
    (void)ri_data, (void)ri_data_len, (void)ri_flags, (void)ro_datalen, (void)ro_flags;
    return not_a_socket(m, fd);
}

int32_t jitdebug_wasi_sock_send(struct jitdebug_wasi_link *link, int32_t fd, int32_t si_data, int32_t si_data_len,
                                int32_t si_flags, int32_t so_datalen) {
    ENTER(sock_send);
    (void)si_data, (void)si_data_len, (void)si_flags, (void)so_datalen;
    return not_a_socket(m, fd);
}

int32_t jitdebug_wasi_sock_shutdown(struct jitdebug_wasi_link *link, int32_t fd, int32_t how) {
    ENTER(sock_shutdown);
    (void)how;
    return not_a_socket(m, fd);
}
