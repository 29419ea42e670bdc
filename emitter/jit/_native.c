/* The JIT runtime's native shim: the few things that must be machine code in the process.
 *
 * - The GDB JIT interface (version 1): `__jit_debug_register_code` and `__jit_debug_descriptor`, defined exactly
 *   once in the process (here), plus the list operations under one process-wide lock. GDB and LLDB put a
 *   breakpoint on the function and walk the descriptor's list from inferior memory.
 * - The system unwinder: `__register_frame`/`__deregister_frame` of the unwinder the process actually uses
 *   (libgcc_s's whole-section convention, or LLVM libunwind's per-FDE convention when it is the global one).
 *   They are looked up dynamically: linking a static copy of the unwinder would register with a private copy
 *   that neither C++ exceptions nor glibc's `backtrace()` consult.
 * - Calling JIT code: `invoke` enters a function under `setjmp`, so the runtime hook `jitdebug_trap` (called by
 *   compiled code) can capture the native backtrace with the unwinder and `longjmp` back to the caller.
 * - Guard-region traps (`guard_add_sites`, `guard_add_memory`): the SIGSEGV/SIGBUS handler of jitdebug_guard.c
 *   turns a fault of an access made without a bounds check into the trap.
 * - Post-mortem core files (`set_core_dump`): the trap hook writes the core before it leaves the Wasm frames, and
 *   fatal signals write one too (`jitdebug_core.c`).
 *
 * The shared object also holds the project's other C modules a compile loads (`_rows`, `_listing`, `_bodies`:
 * their own `PyInit_` functions, `emitter/_native_part.py`), so a debugger reads one shared object, not four.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dlfcn.h>
#include <emmintrin.h>
#include <sys/mman.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unwind.h>

#include "jitdebug_core.h"
#include "jitdebug_eh.h"
#include "jitdebug_guard.h"

/* ---- GDB JIT interface ------------------------------------------------------------------------------- */

typedef enum { JIT_NOACTION = 0, JIT_REGISTER_FN = 1, JIT_UNREGISTER_FN = 2 } jit_actions_t;

struct jit_code_entry {
    struct jit_code_entry *next_entry;
    struct jit_code_entry *prev_entry;
    const char *symfile_addr;
    uint64_t symfile_size;
};

struct jit_descriptor {
    uint32_t version;
    uint32_t action_flag;
    struct jit_code_entry *relevant_entry;
    struct jit_code_entry *first_entry;
};

/* Debuggers break here; the empty asm keeps the call and the body from being optimised away. */
__attribute__((visibility("default"), noinline, used)) void __jit_debug_register_code(void) {
    __asm__ volatile("" ::: "memory");
}

__attribute__((visibility("default"), used)) struct jit_descriptor __jit_debug_descriptor = {1, 0, NULL, NULL};

/* One lock for everything the debuggers and unwinders observe: the descriptor list and frame registrations. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

static void notify(struct jit_code_entry *entry, uint32_t action) {
    __jit_debug_descriptor.relevant_entry = entry;
    __jit_debug_descriptor.action_flag = action;
    __jit_debug_register_code();
    __jit_debug_descriptor.action_flag = JIT_NOACTION;
    __jit_debug_descriptor.relevant_entry = NULL;
}

/* gdb_register(image: bytes) -> int: copy the ELF image, link it first in the list, notify. */
static PyObject *gdb_register(PyObject *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    struct jit_code_entry *entry = malloc(sizeof *entry);
    char *copy = malloc(view.len ? (size_t)view.len : 1);
    if (entry == NULL || copy == NULL) {
        free(entry);
        free(copy);
        PyBuffer_Release(&view);
        return PyErr_NoMemory();
    }
    memcpy(copy, view.buf, (size_t)view.len);
    entry->symfile_addr = copy;
    entry->symfile_size = (uint64_t)view.len;
    PyBuffer_Release(&view);

    pthread_mutex_lock(&registry_lock);
    entry->prev_entry = NULL;
    entry->next_entry = __jit_debug_descriptor.first_entry;
    if (entry->next_entry != NULL)
        entry->next_entry->prev_entry = entry;
    __jit_debug_descriptor.first_entry = entry;
    notify(entry, JIT_REGISTER_FN);
    pthread_mutex_unlock(&registry_lock);
    return PyLong_FromVoidPtr(entry);
}

/* gdb_unregister(entry: int): notify, unlink, free the entry and its image copy. */
static PyObject *gdb_unregister(PyObject *self, PyObject *arg) {
    struct jit_code_entry *entry = PyLong_AsVoidPtr(arg);
    if (entry == NULL)
        return PyErr_Occurred() ? NULL : (PyErr_SetString(PyExc_ValueError, "null JIT entry"), NULL);
    pthread_mutex_lock(&registry_lock);
    notify(entry, JIT_UNREGISTER_FN);
    if (entry->prev_entry != NULL)
        entry->prev_entry->next_entry = entry->next_entry;
    else
        __jit_debug_descriptor.first_entry = entry->next_entry;
    if (entry->next_entry != NULL)
        entry->next_entry->prev_entry = entry->prev_entry;
    pthread_mutex_unlock(&registry_lock);
    free((void *)entry->symfile_addr);
    free(entry);
    Py_RETURN_NONE;
}

/* gdb_entries() -> list[tuple[int, int]]: (symfile_addr, symfile_size) of every registered image, list order. */
static PyObject *gdb_entries(PyObject *self, PyObject *unused) {
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    pthread_mutex_lock(&registry_lock);
    for (struct jit_code_entry *e = __jit_debug_descriptor.first_entry; e != NULL; e = e->next_entry) {
        PyObject *item = Py_BuildValue("(KK)", (unsigned long long)(uintptr_t)e->symfile_addr,
                                       (unsigned long long)e->symfile_size);
        if (item == NULL || PyList_Append(out, item) < 0) {
            Py_XDECREF(item);
            Py_DECREF(out);
            pthread_mutex_unlock(&registry_lock);
            return NULL;
        }
        Py_DECREF(item);
    }
    pthread_mutex_unlock(&registry_lock);
    return out;
}

/* ---- the system unwinder ------------------------------------------------------------------------------ */

typedef void (*frame_fn)(const void *);
typedef _Unwind_Reason_Code (*backtrace_fn)(_Unwind_Trace_Fn, void *);
typedef _Unwind_Ptr (*getip_fn)(struct _Unwind_Context *);

static frame_fn register_frame_fn;
static frame_fn deregister_frame_fn;
static backtrace_fn unwind_backtrace_fn;
static getip_fn unwind_getip_fn;
/* 1 when the process's unwinder is LLVM libunwind (one FDE per __register_frame call). */
static int per_fde_convention;
static const char *unwinder_path = "";
/* Live registrations (for tests: 1,000 load/free cycles must leave none behind). */
static long registered_frames;

/* LLVM's ORC and Wasmtime detect LLVM libunwind by this symbol, which libgcc does not have. */
static int find_unwinder(void) {
    void *probe = dlsym(RTLD_DEFAULT, "__unw_add_dynamic_fde");
    void *handle = NULL;
    if (probe != NULL) {
        Dl_info info;
        if (dladdr(probe, &info) == 0 || info.dli_fname == NULL)
            return -1;
        handle = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
        per_fde_convention = 1;
    } else {
        /* The shared libgcc is the unwinder of C++ exceptions and of glibc's backtrace(); load it globally. */
        handle = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_GLOBAL);
    }
    if (handle == NULL)
        return -1;
    register_frame_fn = (frame_fn)dlsym(handle, "__register_frame");
    deregister_frame_fn = (frame_fn)dlsym(handle, "__deregister_frame");
    unwind_backtrace_fn = (backtrace_fn)dlsym(handle, "_Unwind_Backtrace");
    unwind_getip_fn = (getip_fn)dlsym(handle, "_Unwind_GetIP");
    Dl_info where;
    if (register_frame_fn != NULL && dladdr((void *)register_frame_fn, &where) && where.dli_fname != NULL)
        unwinder_path = where.dli_fname;
    if (!register_frame_fn || !deregister_frame_fn || !unwind_backtrace_fn || !unwind_getip_fn)
        return -1;
    return 0;
}

/* Calls `fn` on the section start (libgcc) or on every FDE (libunwind) of the zero-terminated `.eh_frame`. */
static int for_each_registration(const uint8_t *section, uint64_t size, frame_fn fn) {
    if (!per_fde_convention) {
        fn(section);
        return 1;
    }
    int count = 0;
    const uint8_t *p = section, *end = section + size;
    while (p + 4 <= end) {
        uint32_t length;
        memcpy(&length, p, 4);
        if (length == 0)
            break;
        if (length == 0xffffffffu) /* 64-bit DWARF lengths are never emitted by our CFI writer */
            return -1;
        uint32_t cie_pointer;
        memcpy(&cie_pointer, p + 4, 4);
        if (cie_pointer != 0) {
            fn(p);
            count++;
        }
        p += 4 + (uint64_t)length;
    }
    return count;
}

/* register_frames(address: int, size: int) -> int: register a zero-terminated in-memory `.eh_frame`. */
static PyObject *register_frames(PyObject *self, PyObject *args) {
    unsigned long long address, size;
    if (!PyArg_ParseTuple(args, "KK", &address, &size))
        return NULL;
    pthread_mutex_lock(&registry_lock);
    int count = for_each_registration((const uint8_t *)(uintptr_t)address, size, register_frame_fn);
    if (count > 0)
        registered_frames += count;
    pthread_mutex_unlock(&registry_lock);
    if (count < 0) {
        PyErr_SetString(PyExc_ValueError, ".eh_frame uses 64-bit DWARF lengths");
        return NULL;
    }
    return PyLong_FromLong(count);
}

/* deregister_frames(address: int, size: int) -> int: undo register_frames (same arguments). */
static PyObject *deregister_frames(PyObject *self, PyObject *args) {
    unsigned long long address, size;
    if (!PyArg_ParseTuple(args, "KK", &address, &size))
        return NULL;
    pthread_mutex_lock(&registry_lock);
    int count = for_each_registration((const uint8_t *)(uintptr_t)address, size, deregister_frame_fn);
    if (count > 0)
        registered_frames -= count;
    pthread_mutex_unlock(&registry_lock);
    if (count < 0) {
        PyErr_SetString(PyExc_ValueError, ".eh_frame uses 64-bit DWARF lengths");
        return NULL;
    }
    return PyLong_FromLong(count);
}

/* unwinder() -> (path of the unwinder library, per-FDE convention?, live registrations) */
static PyObject *unwinder(PyObject *self, PyObject *unused) {
    pthread_mutex_lock(&registry_lock);
    long live = registered_frames;
    pthread_mutex_unlock(&registry_lock);
    return Py_BuildValue("(sOl)", unwinder_path, per_fde_convention ? Py_True : Py_False, live);
}

/* ---- calling JIT code, traps ---------------------------------------------------------------------------- */

#define MAX_FRAMES 512

struct call_frame {
    jmp_buf env;
    int32_t trap_code;
    int frame_count;
    uintptr_t frames[MAX_FRAMES];
    struct call_frame *outer;
};

static __thread struct call_frame *current_call;
/* Set by the host when a Python import failed; the import adapter checks it after the import returns. */
static __thread int host_error_pending;

struct trace_state {
    uintptr_t *frames;
    int count;
};

static _Unwind_Reason_Code collect_frame(struct _Unwind_Context *context, void *data) {
    struct trace_state *state = data;
    if (state->count >= MAX_FRAMES)
        return _URC_END_OF_STACK;
    state->frames[state->count++] = (uintptr_t)unwind_getip_fn(context);
    return _URC_NO_REASON;
}

/* Native return addresses from the caller of this function outwards (the unwinder reports return addresses). */
static int capture(uintptr_t *frames) {
    struct trace_state state = {frames, 0};
    unwind_backtrace_fn(collect_frame, &state);
    return state.count;
}

/* Where a trap writes a core file ("" for none), and the size of the last one written (-1: none, or failed). */
static char core_path[4096];
static long long core_size = -1;

/* Runtime hook called by compiled code: record the trap and its backtrace (and write the core file, with the
 * Wasm frames still below), return to `invoke`'s caller. */
__attribute__((visibility("default"), noinline)) void jitdebug_trap(int32_t code) {
    struct call_frame *call = current_call;
    if (call == NULL) {
        fprintf(stderr, "jitdebug: Wasm trap %d outside of a runtime call\n", (int)code);
        abort();
    }
    if (core_path[0])
        core_size = jitdebug_write_core(core_path);
    call->trap_code = code;
    call->frame_count = capture(call->frames);
    longjmp(call->env, 1);
}

/* Runtime hook after a host import returned: leave as a trap when the import failed (code -1). */
__attribute__((visibility("default"), noinline)) void jitdebug_check_host_error(void) {
    if (host_error_pending) {
        host_error_pending = 0;
        jitdebug_trap(-1);
    }
}

/* set_host_error(): called from a Python import that raised, before it returns into JIT code. */
static PyObject *set_host_error(PyObject *self, PyObject *unused) {
    host_error_pending = 1;
    Py_RETURN_NONE;
}

/* backtrace() -> tuple[int, ...]: the native return addresses of the calling thread, innermost first. */
static PyObject *native_backtrace(PyObject *self, PyObject *unused) {
    uintptr_t frames[MAX_FRAMES];
    int count = capture(frames);
    PyObject *out = PyTuple_New(count);
    if (out == NULL)
        return NULL;
    for (int i = 0; i < count; i++)
        PyTuple_SET_ITEM(out, i, PyLong_FromUnsignedLongLong(frames[i]));
    return out;
}

/* Every System V call shape up to 6 integer, 8 vector and 16 stack words: integer arguments go to rdi..r9 in
 * order, vector ones (whole __m128i, so a v128 fits; an f32/f64 is the low bits) to xmm0..7 in order, whatever the
 * interleaving; extra words spill to the stack in order. A 16-byte {int64, double} result comes back in rax and
 * xmm0, so one shape reads either kind of scalar result; a v128 result is all of xmm0 (`vector_entry_fn`). */
struct result_pair {
    uint64_t rax;
    double xmm0;
};
#define ENTRY_PARAMS                                                                                                 \
    uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, __m128i, __m128i, __m128i, __m128i, __m128i, __m128i, \
        __m128i, __m128i, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,   \
        uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t
typedef struct result_pair (*entry_fn)(ENTRY_PARAMS);
typedef __m128i (*vector_entry_fn)(ENTRY_PARAMS);

static int parse_words(PyObject *seq, uint64_t *out, Py_ssize_t capacity, const char *what) {
    PyObject *fast = PySequence_Fast(seq, what);
    if (fast == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n > capacity) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "too many %s (at most %zd)", what, capacity);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyLong_AsUnsignedLongLongMask(PySequence_Fast_GET_ITEM(fast, i));
        if (PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
    }
    Py_DECREF(fast);
    return 0;
}

/* Up to `capacity` Python ints of at most 128 bits (little-endian lanes) as __m128i values. */
static int parse_vectors(PyObject *seq, __m128i *out, Py_ssize_t capacity) {
    PyObject *fast = PySequence_Fast(seq, "vector arguments");
    if (fast == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n > capacity) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "too many vector arguments (at most %zd)", capacity);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
        uint64_t low = PyLong_AsUnsignedLongLongMask(item);
        PyObject *shift = PyLong_FromLong(64);
        PyObject *high_obj = shift == NULL ? NULL : PyNumber_Rshift(item, shift);
        Py_XDECREF(shift);
        uint64_t high = high_obj == NULL ? 0 : PyLong_AsUnsignedLongLongMask(high_obj);
        Py_XDECREF(high_obj);
        if (PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
        out[i] = _mm_set_epi64x((long long)high, (long long)low);
    }
    Py_DECREF(fast);
    return 0;
}

/* invoke(fn, ints, vectors, stack, vector_result=0) -> (trapped, rax, xmm0 bits, trap code, frames).
 * `vectors` are raw bit patterns (an f32 in the low 32 bits, a v128 all 128); xmm0 bits are the low 64 bits, or
 * all 128 with `vector_result`. The GIL is released while JIT code runs:
 * Python imports re-acquire it through their ctypes callbacks. */
static PyObject *invoke(PyObject *self, PyObject *args) {
    unsigned long long fn_address;
    PyObject *ints_obj, *vectors_obj, *stack_obj;
    int vector_result = 0;
    if (!PyArg_ParseTuple(args, "KOOO|p", &fn_address, &ints_obj, &vectors_obj, &stack_obj, &vector_result))
        return NULL;
    uint64_t ints[6] = {0}, stack[16] = {0};
    __m128i vectors[8];
    for (int i = 0; i < 8; i++)
        vectors[i] = _mm_setzero_si128();
    if (parse_words(ints_obj, ints, 6, "integer arguments") < 0 || parse_vectors(vectors_obj, vectors, 8) < 0 ||
        parse_words(stack_obj, stack, 16, "stack arguments") < 0)
        return NULL;
    entry_fn fn = (entry_fn)(uintptr_t)fn_address;
    vector_entry_fn vector_fn = (vector_entry_fn)(uintptr_t)fn_address;
    __m128i vector = _mm_setzero_si128();
    struct call_frame *call = malloc(sizeof *call);
    if (call == NULL)
        return PyErr_NoMemory();
    call->outer = current_call;
    call->frame_count = 0;
    call->trap_code = 0;
    struct result_pair result = {0, 0.0};
    volatile int trapped = 0;
    Py_BEGIN_ALLOW_THREADS
    current_call = call;
    if (setjmp(call->env) == 0) {
        if (vector_result)
            vector = vector_fn(ints[0], ints[1], ints[2], ints[3], ints[4], ints[5], vectors[0], vectors[1],
                               vectors[2], vectors[3], vectors[4], vectors[5], vectors[6], vectors[7], stack[0],
                               stack[1], stack[2], stack[3], stack[4], stack[5], stack[6], stack[7], stack[8],
                               stack[9], stack[10], stack[11], stack[12], stack[13], stack[14], stack[15]);
        else
            result = fn(ints[0], ints[1], ints[2], ints[3], ints[4], ints[5], vectors[0], vectors[1], vectors[2],
                        vectors[3], vectors[4], vectors[5], vectors[6], vectors[7], stack[0], stack[1], stack[2],
                        stack[3], stack[4], stack[5], stack[6], stack[7], stack[8], stack[9], stack[10], stack[11],
                        stack[12], stack[13], stack[14], stack[15]);
    } else {
        trapped = 1;
    }
    current_call = call->outer;
    Py_END_ALLOW_THREADS
    uint64_t xmm0_bits;
    memcpy(&xmm0_bits, &result.xmm0, sizeof xmm0_bits);
    PyObject *frames = PyTuple_New(call->frame_count);
    if (frames == NULL) {
        free(call);
        return NULL;
    }
    for (int i = 0; i < call->frame_count; i++)
        PyTuple_SET_ITEM(frames, i, PyLong_FromUnsignedLongLong(call->frames[i]));
    PyObject *xmm0 = NULL;
    if (vector_result) {
        unsigned char bytes[16];
        _mm_storeu_si128((__m128i *)bytes, vector);
        xmm0 = _PyLong_FromByteArray(bytes, 16, 1, 0);
    } else {
        xmm0 = PyLong_FromUnsignedLongLong(xmm0_bits);
    }
    if (xmm0 == NULL) {
        Py_DECREF(frames);
        free(call);
        return NULL;
    }
    PyObject *out = Py_BuildValue("(OKNiN)", trapped ? Py_True : Py_False, (unsigned long long)result.rax, xmm0,
                                  (int)call->trap_code, frames);
    free(call);
    return out;
}

/* memory.grow of a JIT memory (``struct jitdebug_memory``: base, size, maximum, reserved; see
 * emitter/codegen/runtime.py). The memory reserved its maximum PROT_NONE; growing makes the new pages read-write
 * (committed by the kernel on first touch, zero) and stores the new size. Returns the old size in pages, or -1
 * past the maximum (or if the kernel refuses: the size is then unchanged). 64-bit page counts serve memory64; a
 * 32-bit memory's code passes a zero-extended u32 and reads the low half of the result. */
__attribute__((visibility("default"))) int64_t jitdebug_memory_grow(uint64_t *record, uint64_t delta) {
    uint64_t size = record[1], maximum = record[2];
    if (delta > (maximum - size) >> 16)
        return -1;
    uint64_t add = delta << 16;
    if (add && mprotect((void *)(uintptr_t)(record[0] + size), add, PROT_READ | PROT_WRITE) != 0)
        return -1;
    record[1] = size + add;
    return (int64_t)(size >> 16);
}

/* hooks() -> dict[str, int]: addresses of the runtime hooks compiled code may call (the exception runtime of
 * emitter/runtime/jitdebug_eh.c is linked into this module). */
/* The stack limit for Wasm code entered from this thread: `budget` bytes below the caller's stack pointer, but
 * never within `reserve` bytes of the thread's stack end, which the trap's path (the hook, the unwinder and the
 * Python that reports) and the host need after a `call stack exhausted`. A thread whose bounds are unknown gets
 * the budget as it is. */
static PyObject *stack_limit(PyObject *self, PyObject *args) {
    unsigned long long budget, reserve;
    if (!PyArg_ParseTuple(args, "KK", &budget, &reserve))
        return NULL;
    /* A thread's stack never moves: its bounds are read once (for the main thread glibc reads /proc/self/maps,
     * which grows with every module's reservations). */
    static __thread uintptr_t stack_low, stack_high;
    static __thread int stack_known;
    if (!stack_known) {
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            void *low;
            size_t size;
            if (pthread_attr_getstack(&attr, &low, &size) == 0) {
                stack_low = (uintptr_t)low;
                stack_high = (uintptr_t)low + size;
            }
            pthread_attr_destroy(&attr);
        }
        stack_known = 1;
    }
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    uintptr_t limit = sp > budget ? sp - budget : 0;
    if (stack_low < sp && sp < stack_high) {
        uintptr_t floor = stack_low + reserve;
        if (floor > sp - (sp - stack_low) / 2)
            floor = sp - (sp - stack_low) / 2; /* a small stack: half of what is left */
        if (limit < floor)
            limit = floor;
    }
    return PyLong_FromUnsignedLongLong(limit);
}

static PyObject *hooks(PyObject *self, PyObject *unused) {
    return Py_BuildValue("{sKsKsKsKsKsKsKsKsK}", "jitdebug_trap", (unsigned long long)(uintptr_t)&jitdebug_trap,
                         "jitdebug_memory_grow", (unsigned long long)(uintptr_t)&jitdebug_memory_grow,
                         "jitdebug_check_host_error", (unsigned long long)(uintptr_t)&jitdebug_check_host_error,
                         "__jit_debug_register_code", (unsigned long long)(uintptr_t)&__jit_debug_register_code,
                         "__jit_debug_descriptor", (unsigned long long)(uintptr_t)&__jit_debug_descriptor,
                         "jitdebug_throw", (unsigned long long)(uintptr_t)&jitdebug_throw,
                         "jitdebug_throw_ref", (unsigned long long)(uintptr_t)&jitdebug_throw_ref,
                         "jitdebug_exception_drop", (unsigned long long)(uintptr_t)&jitdebug_exception_drop,
                         "jitdebug_personality_v0", (unsigned long long)(uintptr_t)&jitdebug_personality_v0);
}

/* Whether the guard handler was installed: it stays first when the core writer installs its fatal-signal ones. */
static int guard_installed;

/* guard_add_sites(sites: bytes) -> int: register (start, end, stub) u64 triples sorted by start; a handle or -1.
 * Installs the handler (again first, if another was installed since). */
static PyObject *guard_add_sites(PyObject *self, PyObject *arg) {
    (void)self;
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    size_t count = (size_t)view.len / sizeof(struct jitdebug_guard_site);
    int handle = jitdebug_guard_add_sites(view.buf, count);
    PyBuffer_Release(&view);
    if (handle >= 0) {
        if (jitdebug_guard_install() < 0) {
            jitdebug_guard_remove_sites(handle);
            return PyErr_SetFromErrno(PyExc_OSError);
        }
        guard_installed = 1;
    }
    return PyLong_FromLong(handle);
}

static PyObject *guard_remove_sites(PyObject *self, PyObject *arg) {
    (void)self;
    long handle = PyLong_AsLong(arg);
    if (handle == -1 && PyErr_Occurred())
        return NULL;
    jitdebug_guard_remove_sites((int)handle);
    Py_RETURN_NONE;
}

/* guard_add_memory(base, size) -> int: a memory's reservation, where faults of the sites are traps. */
static PyObject *guard_add_memory(PyObject *self, PyObject *args) {
    (void)self;
    unsigned long long base, size;
    if (!PyArg_ParseTuple(args, "KK", &base, &size))
        return NULL;
    return PyLong_FromLong(jitdebug_guard_add_memory(base, size));
}

static PyObject *guard_remove_memory(PyObject *self, PyObject *arg) {
    (void)self;
    long handle = PyLong_AsLong(arg);
    if (handle == -1 && PyErr_Occurred())
        return NULL;
    jitdebug_guard_remove_memory((int)handle);
    Py_RETURN_NONE;
}

/* set_core_dump(path or None): cores at traps and fatal signals to `path`; returns None. */
static PyObject *set_core_dump(PyObject *self, PyObject *arg) {
    (void)self;
    if (arg == Py_None) {
        core_path[0] = '\0';
        jitdebug_core_on_fatal_signals(NULL);
        if (guard_installed && jitdebug_guard_install() < 0)
            return PyErr_SetFromErrno(PyExc_OSError);
        Py_RETURN_NONE;
    }
    const char *path = PyUnicode_AsUTF8(arg);
    if (path == NULL)
        return NULL;
    if (strlen(path) >= sizeof core_path) {
        PyErr_SetString(PyExc_ValueError, "core file path too long");
        return NULL;
    }
    if (jitdebug_core_on_fatal_signals(path) < 0)
        return PyErr_SetFromErrno(PyExc_OSError);
    if (guard_installed && jitdebug_guard_install() < 0) /* first again, the core writer chained after it */
        return PyErr_SetFromErrno(PyExc_OSError);
    strcpy(core_path, path);
    core_size = -1;
    Py_RETURN_NONE;
}

/* last_core_size(): the size of the core file the last trap wrote, -1 when none was written. */
static PyObject *last_core_size(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    long long size = core_size;
    core_size = -1;
    return PyLong_FromLongLong(size);
}

static PyMethodDef methods[] = {
    {"set_core_dump", set_core_dump, METH_O, "Write a core file at traps and fatal signals (None: stop)."},
    {"last_core_size", last_core_size, METH_NOARGS, "Size of the core the last trap wrote, -1 for none."},
    {"gdb_register", gdb_register, METH_O, "Register an in-memory ELF image with the GDB JIT interface."},
    {"gdb_unregister", gdb_unregister, METH_O, "Unregister and free an entry returned by gdb_register."},
    {"gdb_entries", gdb_entries, METH_NOARGS, "(symfile_addr, symfile_size) of every registered image."},
    {"register_frames", register_frames, METH_VARARGS, "Register a zero-terminated .eh_frame with the unwinder."},
    {"deregister_frames", deregister_frames, METH_VARARGS, "Deregister a .eh_frame registered before."},
    {"unwinder", unwinder, METH_NOARGS, "(library path, per-FDE convention, live registrations)."},
    {"invoke", invoke, METH_VARARGS, "Call JIT code; a trap returns to here with its backtrace."},
    {"set_host_error", set_host_error, METH_NOARGS, "Make the next host-error check in JIT code trap."},
    {"backtrace", native_backtrace, METH_NOARGS, "Native return addresses of the calling thread."},
    {"guard_add_sites", guard_add_sites, METH_O, "Register guard sites (u64 start, end, stub triples)."},
    {"guard_remove_sites", guard_remove_sites, METH_O, "Remove guard sites registered before."},
    {"guard_add_memory", guard_add_memory, METH_VARARGS, "Register a memory reservation (base, size)."},
    {"guard_remove_memory", guard_remove_memory, METH_O, "Remove a memory reservation registered before."},
    {"stack_limit", stack_limit, METH_VARARGS, "Stack limit for Wasm entered from this thread (budget, reserve)."},
    {"hooks", hooks, METH_NOARGS, "Addresses of the runtime hooks and GDB JIT symbols."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__native(void) {
    if (find_unwinder() < 0) {
        PyErr_SetString(PyExc_ImportError, "no system unwinder with __register_frame found in the process");
        return NULL;
    }
    /* From the start, so that a debugger told to let faults pass (the plugins, once armed) never misses a crash
     * that no handler of ours sees. */
    if (jitdebug_guard_install() < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        return NULL;
    }
    guard_installed = 1;
    return PyModule_Create(&module);
}
