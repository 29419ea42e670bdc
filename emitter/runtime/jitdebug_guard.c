/* Guard-region traps: the signal handler that turns a fault in a memory's guard pages into the Wasm trap.
 *
 * Compiled code makes a load or store whose offset fits the guard without a bounds check (emitter/codegen/
 * guards.py); every 32-bit memory reserves 4 GiB plus the guard, so such an access out of bounds faults inside the
 * memory's reservation. The handler recognises exactly that: a pc inside a registered site (the access's code
 * range) and a faulting address inside a registered reservation. It then resumes the thread at the site's trap
 * stub with rax = the faulting address (the stub reports the trap through the trap hook as an explicit check's
 * stub does, in the same frame, so the backtrace, the core file and a debugger's view are those of the check).
 * Any other fault goes to the handler installed before this one (chained as it expects), or to the default
 * action: the instruction faults again with the default disposition, so the process dies of the signal as it
 * would have without us, at the faulting instruction.
 *
 * The handler reads the tables without a lock (a signal may interrupt a registration): each slot's pointer is
 * published with release stores after the slot's contents, and cleared before they are freed. */
#define _GNU_SOURCE /* REG_RIP, REG_RAX */
#include "jitdebug_guard.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#define MAX_TABLES 16384
#define MAX_MEMORIES 16384

struct site_table {
    uint64_t low, high; /* the pcs of all its sites */
    size_t count;
    struct jitdebug_guard_site sites[];
};

/* Exported under these names for debuggers, which resolve a guard fault themselves where passing the signal on
 * is unreliable (the LLDB plugin: lldbplugin/guards.py reads this layout). */
#define tables jitdebug_guard_tables
#define tables_used jitdebug_guard_tables_used
#define memory_base jitdebug_guard_memory_base
#define memory_end jitdebug_guard_memory_end
#define memories_used jitdebug_guard_memories_used
__attribute__((visibility("default"))) struct site_table *tables[MAX_TABLES];
__attribute__((visibility("default"))) int tables_used; /* slots below this may be in use */
__attribute__((visibility("default"))) uint64_t memory_base[MAX_MEMORIES], memory_end[MAX_MEMORIES];
__attribute__((visibility("default"))) int memories_used;
static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;

static const int guard_signals[] = {SIGSEGV, SIGBUS};
static struct sigaction previous[2];

int jitdebug_guard_add_sites(const struct jitdebug_guard_site *sites, size_t count) {
    if (count == 0)
        return -1;
    struct site_table *table = malloc(sizeof *table + count * sizeof *sites);
    if (table == NULL)
        return -1;
    memcpy(table->sites, sites, count * sizeof *sites);
    table->count = count;
    table->low = sites[0].start;
    table->high = 0;
    for (size_t i = 0; i < count; i++)
        if (sites[i].end > table->high)
            table->high = sites[i].end;
    pthread_mutex_lock(&guard_lock);
    int slot = -1;
    for (int i = 0; i < MAX_TABLES; i++)
        if (__atomic_load_n(&tables[i], __ATOMIC_RELAXED) == NULL) {
            slot = i;
            break;
        }
    if (slot >= 0) {
        __atomic_store_n(&tables[slot], table, __ATOMIC_RELEASE);
        if (slot >= tables_used)
            __atomic_store_n(&tables_used, slot + 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&guard_lock);
    if (slot < 0)
        free(table);
    return slot;
}

void jitdebug_guard_remove_sites(int handle) {
    if (handle < 0 || handle >= MAX_TABLES)
        return;
    pthread_mutex_lock(&guard_lock);
    struct site_table *table = __atomic_exchange_n(&tables[handle], NULL, __ATOMIC_ACQ_REL);
    pthread_mutex_unlock(&guard_lock);
    free(table);
}

int jitdebug_guard_add_memory(uint64_t base, uint64_t size) {
    pthread_mutex_lock(&guard_lock);
    int slot = -1;
    for (int i = 0; i < MAX_MEMORIES; i++)
        if (__atomic_load_n(&memory_end[i], __ATOMIC_RELAXED) == 0) {
            slot = i;
            break;
        }
    if (slot >= 0) {
        __atomic_store_n(&memory_base[slot], base, __ATOMIC_RELAXED);
        __atomic_store_n(&memory_end[slot], base + size, __ATOMIC_RELEASE);
        if (slot >= memories_used)
            __atomic_store_n(&memories_used, slot + 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&guard_lock);
    return slot;
}

void jitdebug_guard_remove_memory(int handle) {
    if (handle < 0 || handle >= MAX_MEMORIES)
        return;
    pthread_mutex_lock(&guard_lock);
    __atomic_store_n(&memory_end[handle], 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&guard_lock);
}

/* The stub of the site covering `pc`, 0 if none. */
static uint64_t site_stub(uint64_t pc) {
    int used = __atomic_load_n(&tables_used, __ATOMIC_ACQUIRE);
    for (int i = 0; i < used; i++) {
        const struct site_table *table = __atomic_load_n(&tables[i], __ATOMIC_ACQUIRE);
        if (table == NULL || pc < table->low || pc >= table->high)
            continue;
        size_t low = 0, high = table->count; /* the last site starting at or before pc */
        while (low < high) {
            size_t middle = low + (high - low) / 2;
            if (table->sites[middle].start <= pc)
                low = middle + 1;
            else
                high = middle;
        }
        if (low > 0 && pc < table->sites[low - 1].end)
            return table->sites[low - 1].stub;
    }
    return 0;
}

static int in_reservation(uint64_t address) {
    int used = __atomic_load_n(&memories_used, __ATOMIC_ACQUIRE);
    for (int i = 0; i < used; i++) {
        uint64_t end = __atomic_load_n(&memory_end[i], __ATOMIC_ACQUIRE);
        if (end != 0 && address < end && address >= __atomic_load_n(&memory_base[i], __ATOMIC_RELAXED))
            return 1;
    }
    return 0;
}

__attribute__((noinline, used, visibility("default"))) void jitdebug_guard_unhandled(int signal) {
    (void)signal;
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline, used, visibility("default"))) void jitdebug_guard_armed(void) {
    __asm__ volatile("" ::: "memory");
}

static void on_fault(int signal, siginfo_t *info, void *context) {
    ucontext_t *uc = context;
    int index = signal == SIGSEGV ? 0 : 1;
    if (info != NULL && info->si_code > 0) { /* raised by the kernel for an access, not sent */
        uint64_t pc = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
        uint64_t address = (uint64_t)(uintptr_t)info->si_addr;
        uint64_t stub = site_stub(pc);
        if (stub != 0 && in_reservation(address)) {
            uc->uc_mcontext.gregs[REG_RAX] = (greg_t)address;
            uc->uc_mcontext.gregs[REG_RIP] = (greg_t)stub;
            return;
        }
    }
    jitdebug_guard_unhandled(signal);
    struct sigaction *before = &previous[index];
    if (before->sa_flags & SA_SIGINFO) {
        before->sa_sigaction(signal, info, context);
        return;
    }
    if (before->sa_handler != SIG_DFL && before->sa_handler != SIG_IGN) {
        before->sa_handler(signal);
        return;
    }
    /* The default action: put it back; a fault happens again when the instruction runs again, a signal that was
     * sent is sent again. */
    sigaction(signal, before, NULL);
    if (info == NULL || info->si_code <= 0)
        raise(signal);
}

int jitdebug_guard_install(void) {
    int result = 0, armed = 0;
    pthread_mutex_lock(&guard_lock);
    for (int i = 0; i < 2; i++) {
        struct sigaction current;
        if (sigaction(guard_signals[i], NULL, &current) < 0) {
            result = -1;
            continue;
        }
        if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == on_fault)
            continue;
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = on_fault;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        if (sigaction(guard_signals[i], &action, &previous[i]) < 0)
            result = -1;
        else
            armed = 1;
    }
    pthread_mutex_unlock(&guard_lock);
    if (armed)
        jitdebug_guard_armed();
    return result;
}
