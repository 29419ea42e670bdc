/* jitdebug post-mortem core files: a standard ELF core (ET_CORE) of the calling process, written by the process
 * itself at a Wasm trap, an uncaught Wasm exception or a fatal signal, for `gdb -c` and `lldb -c`.
 *
 * Why the process writes it rather than the kernel: the kernel's core has the state at the signal, after the
 * runtime left the Wasm frames (a trap longjmps out of them) and only where core dumps are enabled (ulimit -c,
 * core_pattern piping to a crash collector). Written at the trap, the Wasm frames are still on the stack with
 * every local in its frame slot, and the JIT's images and the GDB JIT descriptor are in the dumped memory, so the
 * debuggers (and our plugins, which rebuild the images from the descriptor where a debugger does not read JIT
 * images from cores) see the JIT code as in a live process.
 *
 * Contents, as the kernel writes them (linux/fs/binfmt_elf.c): one PT_NOTE with NT_PRSTATUS (the registers of the
 * calling thread: from the signal's context, or captured with getcontext at the call), NT_PRPSINFO, NT_FPREGSET,
 * NT_AUXV (the debuggers find the executable's load address and the dynamic linker through it) and NT_FILE (the
 * mapped files: LLDB loads the shared libraries from it); then one PT_LOAD per dumped range. What is left out to
 * keep the file small: unreadable mappings (PROT_NONE reservations such as the unused part of a linear-memory
 * reservation or guard pages), and read-only file mappings the process never wrote except their first page (code
 * and constants are read from the files, as the kernel's default coredump_filter does; a written one, such as the
 * RELRO part holding `.dynamic`, whose DT_DEBUG leads the debuggers to the shared libraries, is dumped). All-zero pages of the dumped mappings (a linear
 * memory's untouched capacity, fresh heap) are PT_LOAD segments without file contents (p_filesz 0), which both
 * debuggers read as zeros. Only the calling thread is described.
 *
 * Everything here is async-signal-safe (no malloc, no stdio): the buffers are mmap'd.
 */
#define _GNU_SOURCE
#include "jitdebug_core.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/procfs.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <sys/user.h>
#include <ucontext.h>
#include <unistd.h>

#define MAX_MAPPINGS 4096
#define MAX_SEGMENTS 16384
#define MAPS_BUFFER (4u << 20)
#define PAGE 4096u

struct mapping {
    uint64_t start, end, offset;
    int readable, writable, file_backed;
    uint64_t anonymous_kb; /* pages of a file mapping the process wrote (relocations: RELRO) */
    const char *name; /* into the maps buffer, NUL-terminated; "" when anonymous */
};

struct segment {
    uint64_t start, size, file_size; /* file_size is 0 (zeros) or size */
    int flags;
};

struct core_state {
    char *maps;
    struct mapping *mappings;
    int mapping_count;
    struct segment *segments;
    int segment_count;
    char *notes;
    size_t notes_size, notes_capacity;
};

static void *scratch(size_t size) {
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static ssize_t read_file(const char *path, char *buffer, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t length = 0;
    while (length + 1 < size) {
        ssize_t n = read(fd, buffer + length, size - 1 - length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        length += (size_t)n;
    }
    close(fd);
    buffer[length] = '\0';
    return (ssize_t)length;
}

static uint64_t hex(const char **p) {
    uint64_t value = 0;
    for (;; (*p)++) {
        char c = **p;
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (digit < 0)
            return value;
        value = value * 16 + (uint64_t)digit;
    }
}

/* /proc/self/smaps: per mapping "start-end perms offset dev inode   name", then "Field:  value kB" lines, of
 * which "Anonymous:" counts the pages the process wrote in a private file mapping. */
static int parse_maps(struct core_state *s) {
    if (read_file("/proc/self/smaps", s->maps, MAPS_BUFFER) < 0)
        return -1;
    char *line = s->maps;
    while (*line && s->mapping_count <= MAX_MAPPINGS) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        if (!((line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f'))) {
            if (s->mapping_count > 0 && strncmp(line, "Anonymous:", 10) == 0) {
                const char *v = line + 10;
                while (*v == ' ')
                    v++;
                uint64_t kb = 0;
                while (*v >= '0' && *v <= '9')
                    kb = kb * 10 + (uint64_t)(*v++ - '0');
                s->mappings[s->mapping_count - 1].anonymous_kb = kb;
            }
            if (!end)
                break;
            line = end + 1;
            continue;
        }
        if (s->mapping_count == MAX_MAPPINGS)
            break;
        const char *p = line;
        struct mapping m = {0};
        m.start = hex(&p);
        p++;
        m.end = hex(&p);
        p++;
        m.readable = p[0] == 'r';
        m.writable = p[1] == 'w';
        p += 5;
        m.offset = hex(&p);
        p++;
        while (*p && *p != ' ') /* dev */
            p++;
        p++;
        uint64_t inode = 0;
        while (*p >= '0' && *p <= '9')
            inode = inode * 10 + (uint64_t)(*p++ - '0');
        while (*p == ' ')
            p++;
        m.name = p;
        m.file_backed = inode != 0 && *p == '/';
        s->mappings[s->mapping_count++] = m;
        if (!end)
            break;
        line = end + 1;
    }
    return 0;
}

static int all_zero(const unsigned char *page) {
    const uint64_t *words = (const uint64_t *)page;
    for (unsigned i = 0; i < PAGE / 8; i++)
        if (words[i])
            return 0;
    return 1;
}

static void add_segment(struct core_state *s, uint64_t start, uint64_t size, int zero, int flags) {
    if (s->segment_count > 0) {
        struct segment *last = &s->segments[s->segment_count - 1];
        if (last->start + last->size == start && last->flags == flags && (last->file_size == 0) == zero) {
            last->size += size;
            if (!zero)
                last->file_size += size;
            return;
        }
    }
    if (s->segment_count < MAX_SEGMENTS)
        s->segments[s->segment_count++] = (struct segment){start, size, zero ? 0 : size, flags};
}

/* Pages are read through /proc/self/mem: a page that cannot be read (a file mapping past the end of its file,
 * a device) fails the read with EIO instead of faulting, and is left out. */
static int read_page(int mem, uint64_t address, unsigned char *page) {
    ssize_t n;
    do
        n = pread(mem, page, PAGE, (off_t)address);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)PAGE ? 0 : -1;
}

static void plan_segments(struct core_state *s, int mem) {
    unsigned char page[PAGE];
    for (int i = 0; i < s->mapping_count; i++) {
        const struct mapping *m = &s->mappings[i];
        if (!m->readable || strcmp(m->name, "[vvar]") == 0 || strcmp(m->name, "[vsyscall]") == 0 ||
            strncmp(m->name, "/dev/", 5) == 0)
            continue;
        int flags = PF_R | (m->writable ? PF_W : 0);
        if (m->file_backed && !m->writable && m->anonymous_kb == 0) {
            /* the ELF header and program headers: build ids, the dynamic section's place */
            if (m->offset == 0 && read_page(mem, m->start, page) == 0)
                add_segment(s, m->start, PAGE, 0, flags);
            continue;
        }
        for (uint64_t address = m->start; address < m->end; address += PAGE)
            if (read_page(mem, address, page) == 0)
                add_segment(s, address, PAGE, all_zero(page), flags);
    }
}

static int note(struct core_state *s, uint32_t type, const void *desc, size_t size) {
    size_t need = 12 + 8 + ((size + 3) & ~(size_t)3);
    if (s->notes_size + need > s->notes_capacity)
        return -1;
    char *p = s->notes + s->notes_size;
    Elf64_Nhdr header = {5, (Elf64_Word)size, type};
    memcpy(p, &header, sizeof header);
    memcpy(p + 12, "CORE\0\0\0", 8);
    memcpy(p + 20, desc, size);
    s->notes_size += need;
    return 0;
}

static void registers_from(const ucontext_t *uc, struct user_regs_struct *r) {
    const greg_t *g = uc->uc_mcontext.gregs;
    r->r15 = (uint64_t)g[REG_R15];
    r->r14 = (uint64_t)g[REG_R14];
    r->r13 = (uint64_t)g[REG_R13];
    r->r12 = (uint64_t)g[REG_R12];
    r->rbp = (uint64_t)g[REG_RBP];
    r->rbx = (uint64_t)g[REG_RBX];
    r->r11 = (uint64_t)g[REG_R11];
    r->r10 = (uint64_t)g[REG_R10];
    r->r9 = (uint64_t)g[REG_R9];
    r->r8 = (uint64_t)g[REG_R8];
    r->rax = (uint64_t)g[REG_RAX];
    r->rcx = (uint64_t)g[REG_RCX];
    r->rdx = (uint64_t)g[REG_RDX];
    r->rsi = (uint64_t)g[REG_RSI];
    r->rdi = (uint64_t)g[REG_RDI];
    r->orig_rax = (uint64_t)-1;
    r->rip = (uint64_t)g[REG_RIP];
    r->cs = 0x33;
    r->eflags = (uint64_t)g[REG_EFL];
    r->rsp = (uint64_t)g[REG_RSP];
    r->ss = 0x2b;
    unsigned long fs_base = 0;
    syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fs_base);
    r->fs_base = fs_base;
}

static void build_notes(struct core_state *s, const ucontext_t *uc, int signal) {
    struct elf_prstatus status;
    memset(&status, 0, sizeof status);
    status.pr_info.si_signo = signal;
    status.pr_cursig = (short)signal;
    status.pr_pid = getpid();
    status.pr_ppid = getppid();
    status.pr_pgrp = getpgrp();
    status.pr_sid = getsid(0);
    registers_from(uc, (struct user_regs_struct *)&status.pr_reg);
    status.pr_fpvalid = uc->uc_mcontext.fpregs != NULL;
    note(s, NT_PRSTATUS, &status, sizeof status);

    struct elf_prpsinfo info;
    memset(&info, 0, sizeof info);
    info.pr_state = 0;
    info.pr_sname = 'R';
    info.pr_pid = getpid();
    info.pr_ppid = getppid();
    info.pr_pgrp = getpgrp();
    info.pr_sid = getsid(0);
    info.pr_uid = getuid();
    info.pr_gid = getgid();
    char command[ELF_PRARGSZ + 1];
    ssize_t n = read_file("/proc/self/cmdline", command, sizeof command);
    for (ssize_t i = 0; i + 1 < n; i++)
        if (command[i] == '\0')
            command[i] = ' ';
    memcpy(info.pr_psargs, command, n > 0 ? (size_t)n : 0);
    const char *base = strrchr(command, '/');
    base = base ? base + 1 : command;
    for (size_t i = 0; i < sizeof info.pr_fname && base[i] && base[i] != ' '; i++)
        info.pr_fname[i] = base[i];
    note(s, NT_PRPSINFO, &info, sizeof info);

    if (uc->uc_mcontext.fpregs != NULL)
        note(s, NT_FPREGSET, uc->uc_mcontext.fpregs, sizeof(struct user_fpregs_struct));

    char auxv[4096];
    int fd = open("/proc/self/auxv", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t size = read(fd, auxv, sizeof auxv);
        close(fd);
        if (size > 0)
            note(s, NT_AUXV, auxv, (size_t)size);
    }

    /* NT_FILE: count, page size, then (start, end, offset in pages) per file mapping, then the names. */
    char *desc = s->notes + s->notes_capacity / 2; /* the upper half of the notes buffer as a work area */
    size_t room = s->notes_capacity / 2 - 64, size = 16;
    uint64_t count = 0;
    for (int i = 0; i < s->mapping_count; i++)
        count += s->mappings[i].file_backed;
    size_t names = 16 + 24 * count;
    if (names < room) {
        uint64_t *words = (uint64_t *)desc;
        words[0] = count;
        words[1] = PAGE;
        size_t k = 0;
        for (int i = 0; i < s->mapping_count && names < room; i++) {
            const struct mapping *m = &s->mappings[i];
            if (!m->file_backed)
                continue;
            size_t length = strlen(m->name) + 1;
            if (names + length >= room)
                break;
            words[2 + 3 * k] = m->start;
            words[3 + 3 * k] = m->end;
            words[4 + 3 * k] = m->offset / PAGE;
            memcpy(desc + names, m->name, length);
            names += length;
            k++;
        }
        words[0] = k;
        /* Names follow the k entries: move them down when fewer entries fitted than counted. */
        if (k < count)
            memmove(desc + 16 + 24 * k, desc + 16 + 24 * count, names - (16 + 24 * count));
        size = names - 24 * (count - k);
        if (s->notes_size + size + 64 < s->notes_capacity / 2)
            note(s, NT_FILE, desc, size);
    }
}

static int write_all(int fd, const void *data, size_t size) {
    const char *p = data;
    while (size) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

static long long write_core(const char *path, const ucontext_t *uc, int signal) {
    struct core_state s = {0};
    s.maps = scratch(MAPS_BUFFER);
    s.mappings = scratch(sizeof(struct mapping) * MAX_MAPPINGS);
    s.segments = scratch(sizeof(struct segment) * MAX_SEGMENTS);
    s.notes_capacity = 1u << 20;
    s.notes = scratch(s.notes_capacity);
    long long result = -1;
    char temporary[4096];
    int fd = -1;
    int mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
    if (mem < 0 || !s.maps || !s.mappings || !s.segments || !s.notes || parse_maps(&s) < 0)
        goto done;
    plan_segments(&s, mem);
    build_notes(&s, uc, signal);

    /* Layout: ELF header, program headers, notes, then the segments' bytes page-aligned. */
    size_t phnum = 1 + (size_t)s.segment_count;
    uint64_t offset = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
    uint64_t notes_offset = offset;
    offset = (offset + s.notes_size + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    if (strlen(path) + 16 > sizeof temporary)
        goto done;
    /* All or nothing: a reader never sees a half-written core under the final name. */
    strcpy(temporary, path);
    strcat(temporary, ".partial");
    fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        goto done;
    Elf64_Ehdr header = {0};
    memcpy(header.e_ident, ELFMAG, SELFMAG);
    header.e_ident[EI_CLASS] = ELFCLASS64;
    header.e_ident[EI_DATA] = ELFDATA2LSB;
    header.e_ident[EI_VERSION] = EV_CURRENT;
    header.e_ident[EI_OSABI] = ELFOSABI_NONE;
    header.e_type = ET_CORE;
    header.e_machine = EM_X86_64;
    header.e_version = EV_CURRENT;
    header.e_phoff = sizeof(Elf64_Ehdr);
    header.e_ehsize = sizeof(Elf64_Ehdr);
    header.e_phentsize = sizeof(Elf64_Phdr);
    header.e_phnum = (Elf64_Half)(phnum < PN_XNUM ? phnum : PN_XNUM);
    if (phnum >= PN_XNUM || write_all(fd, &header, sizeof header) < 0)
        goto done;
    Elf64_Phdr notes = {PT_NOTE, 0, notes_offset, 0, 0, s.notes_size, 0, 4};
    if (write_all(fd, &notes, sizeof notes) < 0)
        goto done;
    uint64_t data = offset;
    for (int i = 0; i < s.segment_count; i++) {
        const struct segment *g = &s.segments[i];
        Elf64_Phdr load = {PT_LOAD, (Elf64_Word)g->flags, g->file_size ? data : 0, g->start, 0, g->file_size,
                           g->size, PAGE};
        data += g->file_size;
        if (write_all(fd, &load, sizeof load) < 0)
            goto done;
    }
    if (write_all(fd, s.notes, s.notes_size) < 0)
        goto done;
    static const char zeros[PAGE];
    uint64_t at = notes_offset + s.notes_size;
    if (write_all(fd, zeros, offset - at) < 0)
        goto done;
    for (int i = 0; i < s.segment_count; i++) {
        const struct segment *g = &s.segments[i];
        for (uint64_t address = g->start; address < g->start + g->file_size; address += PAGE) {
            unsigned char page[PAGE];
            if (read_page(mem, address, page) < 0)
                memset(page, 0, PAGE); /* it became unreadable since it was planned: zeros keep the layout */
            if (write_all(fd, page, PAGE) < 0)
                goto done;
        }
    }
    if (close(fd) < 0) {
        fd = -1;
        goto done;
    }
    fd = -1;
    if (rename(temporary, path) < 0)
        goto done;
    result = (long long)data;
done:
    if (mem >= 0)
        close(mem);
    if (fd >= 0) {
        close(fd);
        unlink(temporary);
    }
    if (s.maps)
        munmap(s.maps, MAPS_BUFFER);
    if (s.mappings)
        munmap(s.mappings, sizeof(struct mapping) * MAX_MAPPINGS);
    if (s.segments)
        munmap(s.segments, sizeof(struct segment) * MAX_SEGMENTS);
    if (s.notes)
        munmap(s.notes, s.notes_capacity);
    return result;
}

/* noinline and its own frame: the registers captured here describe this frame, which stays intact (and so do
 * all its callers') while the core is written from inside it. */
__attribute__((noinline)) long long jitdebug_write_core(const char *path) {
    ucontext_t context;
    if (getcontext(&context) < 0)
        return -1;
    /* The core names a signal: SIGTRAP, as for a breakpoint trap ("Program terminated with signal SIGTRAP"). */
    return write_core(path, &context, SIGTRAP);
}

static char fatal_path[4096];
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};

static void on_fatal_signal(int signal, siginfo_t *info, void *context) {
    (void)info;
    long long size = write_core(fatal_path, (const ucontext_t *)context, signal);
    if (size >= 0) {
        static const char message[] = "core dumped at ";
        (void)!write(2, message, sizeof message - 1);
        (void)!write(2, fatal_path, strlen(fatal_path));
        (void)!write(2, "\n", 1);
    }
    /* The default action: the process ends with the signal, as it would have without us. */
    struct sigaction action = {0};
    action.sa_handler = SIG_DFL;
    sigaction(signal, &action, NULL);
    raise(signal);
}

int jitdebug_core_on_fatal_signals(const char *path) {
    if (path == NULL) {
        struct sigaction action = {0};
        action.sa_handler = SIG_DFL;
        for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
            sigaction(fatal_signals[i], &action, NULL);
        return 0;
    }
    if (strlen(path) >= sizeof fatal_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(fatal_path, path);
    struct sigaction action = {0};
    action.sa_sigaction = on_fatal_signal;
    action.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
        if (sigaction(fatal_signals[i], &action, NULL) < 0)
            return -1;
    return 0;
}

long long jitdebug_core_from_env(void) {
    const char *path = getenv(JITDEBUG_COREDUMP_ENV);
    if (path == NULL || *path == '\0')
        return -1;
    long long size = jitdebug_write_core(path);
    if (size >= 0)
        fprintf(stderr, "core dumped at %s\n", path);
    return size;
}
