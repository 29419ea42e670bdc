/* emitter.dwarf._translate: the per-row loops of the producer-DWARF translation, in C.
 *
 * Translating a module's producer DWARF visits every producer line row and every native piece of every function
 * (one per Wasm instruction: hundreds of thousands in a large module); in Python those loops were a third of the
 * translation's time. Here they run over packed int64 arrays, all bounds-checked: the producer's bytes are
 * untrusted input, and what cannot be read raises ValueError (the translation's boundary turns it into a dropped
 * unit and one warning naming it), never a read outside a buffer.
 *
 * - line_rows: the line program's state machine (DWARF 5 section 6.2.2) over the producer's opcodes, giving its
 *   matrix as packed rows (producer_reader.py).
 * - function_pieces: each compiled function's native pieces and the Wasm address each implements, from its
 *   LineTable (translate_map.py).
 * - line_sequences: the native line program's sequences for one unit, from its producer rows and the unit's
 *   functions' pieces (translate_line.py, whose Python functions say what each step means).
 * - decode_dies (_translate_dies.c): a unit's DIEs as the reader's Die and Attribute objects.
 * - scan_barriers (_translate_scan.c): the addresses and expressions a unit's DIEs name, read without making DIEs
 *   (fusion_barriers.py); scan_discarded, discarded_ranges: the subtrees of the functions the linker discarded,
 *   found without making DIEs, which decode_dies then skips (translate_discard.py).
 * - range_map: Wasm address ranges (DW_AT_low_pc/high_pc, range and location lists) -> native ranges
 *   (translate_map.AddressMap.ranges).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

#include "_leb128.h"
#include "_translate_dies.h"
#include "_translate_scan.h"

/* Producer line rows: address, file, line, column, flags. */
enum { LROW_FIELDS = 5, LROW_SIZE = LROW_FIELDS * 8 };
#define ROW_IS_STMT 1
#define ROW_PROLOGUE_END 2
#define ROW_END_SEQUENCE 4

/* compiled.py's LineTable rows: code_offset, line, column, wasm_offset, flags. */
enum { TABLE_FIELDS = 5, TABLE_SIZE = TABLE_FIELDS * 8 };
#define NO_WASM_OFFSET (-1)
#define TABLE_AFTER_CALL 8 /* compiled.AFTER_CALL: the row starts at a call's return address */

/* Native pieces: begin, end, Wasm address (code-section relative) or NO_WASM. */
enum { PIECE_FIELDS = 3, PIECE_SIZE = PIECE_FIELDS * 8 };
#define NO_WASM INT64_MIN

/* Functions of the address map: start, end, native start, code size, first piece, piece count. */
enum { FUNCTION_FIELDS = 6, FUNCTION_SIZE = FUNCTION_FIELDS * 8 };

#define DW_LNS_copy 1
#define DW_LNS_advance_pc 2
#define DW_LNS_advance_line 3
#define DW_LNS_set_file 4
#define DW_LNS_set_column 5
#define DW_LNS_negate_stmt 6
#define DW_LNS_set_basic_block 7
#define DW_LNS_const_add_pc 8
#define DW_LNS_fixed_advance_pc 9
#define DW_LNS_set_prologue_end 10
#define DW_LNE_end_sequence 1
#define DW_LNE_set_address 2

static int64_t get(const char *base, Py_ssize_t index) {
    int64_t value; /* memcpy: a buffer need not be 8-byte aligned */
    memcpy(&value, base + index * 8, sizeof value);
    return value;
}

/* -- growable output ---------------------------------------------------------------------------------------- */

typedef struct {
    char *data;
    Py_ssize_t length;
    Py_ssize_t capacity;
} Buffer;

static int reserve(Buffer *out, Py_ssize_t extra) {
    if (out->length + extra <= out->capacity) {
        return 0;
    }
    Py_ssize_t capacity = out->capacity ? out->capacity : 256;
    while (capacity < out->length + extra) {
        if (capacity > PY_SSIZE_T_MAX / 2) {
            PyErr_NoMemory();
            return -1;
        }
        capacity *= 2;
    }
    char *data = PyMem_Realloc(out->data, (size_t)capacity);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    out->data = data;
    out->capacity = capacity;
    return 0;
}

enum { LEB_MAX = 10 };

/* Callers reserve first. */
static void put_byte(Buffer *out, unsigned value) { out->data[out->length++] = (char)value; }

static void put_uleb(Buffer *out, uint64_t value) {
    do {
        unsigned byte = value & 0x7F;
        value >>= 7;
        put_byte(out, value ? byte | 0x80 : byte);
    } while (value);
}

static void put_sleb(Buffer *out, int64_t value) {
    for (;;) {
        unsigned byte = (unsigned)(value & 0x7F);
        value >>= 7; /* arithmetic shift: gcc and clang on every target this builds for */
        int done = (value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40));
        put_byte(out, done ? byte : byte | 0x80);
        if (done) {
            return;
        }
    }
}

static int put_int64(Buffer *out, int64_t value) {
    if (reserve(out, 8) < 0) {
        return -1;
    }
    memcpy(out->data + out->length, &value, 8);
    out->length += 8;
    return 0;
}

static PyObject *buffer_bytes(Buffer *out) {
    PyObject *result = PyBytes_FromStringAndSize(out->data ? out->data : "", out->length);
    PyMem_Free(out->data);
    out->data = NULL;
    return result;
}

static int check_arguments(const char *name, Py_ssize_t nargs, Py_ssize_t expected) {
    if (nargs != expected) {
        PyErr_Format(PyExc_TypeError, "%s takes %zd arguments (%zd given)", name, expected, nargs);
        return 0;
    }
    return 1;
}

static int as_int64(PyObject *value, int64_t *out) {
    long long result = PyLong_AsLongLong(value);
    if (result == -1 && PyErr_Occurred()) {
        return -1;
    }
    *out = result;
    return 0;
}

/* -- reading producer bytes ---------------------------------------------------------------------------------- */

typedef struct {
    const unsigned char *data;
    Py_ssize_t length;
} Input;

static int truncated(Py_ssize_t at) {
    PyErr_Format(PyExc_ValueError, "line program read past the end of .debug_line at %#zx", at);
    return -1;
}

/* A LEB128 failure as this reader reports it. */
static int leb_failed(LebStatus status, Py_ssize_t at) {
    if (status == LEB_TRUNCATED) {
        return truncated(at);
    }
    PyErr_Format(PyExc_ValueError, "a LEB128 wider than 64 bits in .debug_line at %#zx", at - 1);
    return -1;
}

static int read_uleb(const Input *in, Py_ssize_t *at, uint64_t *value) {
    LebStatus status = leb_unsigned(in->data, in->length, at, value);
    return status == LEB_OK ? 0 : leb_failed(status, *at);
}

static int read_sleb(const Input *in, Py_ssize_t *at, int64_t *value) {
    LebStatus status = leb_signed(in->data, in->length, at, value);
    return status == LEB_OK ? 0 : leb_failed(status, *at);
}

static int overflow(const char *what) {
    PyErr_Format(PyExc_ValueError, "line program %s out of range", what);
    return -1;
}

static int add_checked(int64_t *target, int64_t step, const char *what) {
    if (__builtin_add_overflow(*target, step, target)) {
        return overflow(what);
    }
    return 0;
}

static int mul_add(int64_t *target, uint64_t step, int64_t scale, const char *what) {
    int64_t product;
    if (step > INT64_MAX || __builtin_mul_overflow((int64_t)step, scale, &product)) {
        return overflow(what);
    }
    return add_checked(target, product, what);
}

typedef struct {
    int64_t address, file, line, column;
    int is_stmt, prologue_end;
} LineState;

static int emit_row(Buffer *out, const LineState *state, int end_sequence) {
    if (reserve(out, LROW_SIZE) < 0) {
        return -1;
    }
    int64_t flags = (state->is_stmt ? ROW_IS_STMT : 0) | (state->prologue_end ? ROW_PROLOGUE_END : 0) |
                    (end_sequence ? ROW_END_SEQUENCE : 0);
    int64_t values[LROW_FIELDS] = {state->address, state->file, state->line, state->column, flags};
    memcpy(out->data + out->length, values, sizeof values);
    out->length += LROW_SIZE;
    return 0;
}

PyDoc_STRVAR(line_rows_doc,
"line_rows(data, at, end, minimum_length, default_is_stmt, line_base, line_range, opcode_base, lengths, /)\n--\n\n"
"The matrix of the line program whose opcodes are ``data[at:end]`` (the header's parameters given), as packed\n"
"rows of five native int64: address, file, line, column, flags (1 is_stmt, 2 prologue_end, 4 end_sequence: the\n"
"address past a sequence). ``lengths``: the operand counts of the standard opcodes 1 .. opcode_base - 1, from the\n"
"header, for the opcodes not read here. An operand past the end of ``data``, a LEB128 or an address beyond 64\n"
"bits, or a register leaving int64 raise ValueError.");

static PyObject *line_rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("line_rows", nargs, 9)) {
        return NULL;
    }
    int64_t at64, end64, minimum_length, line_base, line_range, opcode_base;
    if (as_int64(args[1], &at64) < 0 || as_int64(args[2], &end64) < 0 || as_int64(args[3], &minimum_length) < 0 ||
        as_int64(args[5], &line_base) < 0 || as_int64(args[6], &line_range) < 0 ||
        as_int64(args[7], &opcode_base) < 0) {
        return NULL;
    }
    int default_is_stmt = PyObject_IsTrue(args[4]);
    if (default_is_stmt < 0) {
        return NULL;
    }
    if (line_range <= 0 || opcode_base < 0 || opcode_base > 255 || minimum_length < 0 || minimum_length > 255 ||
        line_base < -128 || line_base > 127) {
        PyErr_SetString(PyExc_ValueError, "line program header parameters out of range");
        return NULL;
    }
    Py_buffer view, lengths_view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    if (PyObject_GetBuffer(args[8], &lengths_view, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&view);
        return NULL;
    }
    Input in = {view.buf, view.len};
    const unsigned char *lengths = lengths_view.buf;
    Py_ssize_t lengths_count = lengths_view.len;
    Buffer out = {NULL, 0, 0};
    Py_ssize_t at = (Py_ssize_t)at64;
    Py_ssize_t end = end64 > (int64_t)PY_SSIZE_T_MAX ? PY_SSIZE_T_MAX : (Py_ssize_t)end64;
    LineState state = {0, 1, 1, 0, default_is_stmt, 0};
    if (at64 < 0) {
        truncated(at);
        goto error;
    }
    while (at < end) {
        if (at >= in.length) {
            truncated(at);
            goto error;
        }
        int64_t opcode = in.data[at++];
        if (opcode >= opcode_base) {
            int64_t adjusted = opcode - opcode_base;
            if (mul_add(&state.address, (uint64_t)(adjusted / line_range), minimum_length, "address") < 0 ||
                add_checked(&state.line, line_base + adjusted % line_range, "line") < 0 ||
                emit_row(&out, &state, 0) < 0) {
                goto error;
            }
            state.prologue_end = 0;
        } else if (opcode == 0) {
            uint64_t size;
            if (read_uleb(&in, &at, &size) < 0) {
                goto error;
            }
            if (size == 0) {
                continue;
            }
            if (size > (uint64_t)(PY_SSIZE_T_MAX - at)) {
                truncated(at);
                goto error;
            }
            Py_ssize_t after = at + (Py_ssize_t)size;
            if (at >= in.length) {
                truncated(at);
                goto error;
            }
            unsigned sub = in.data[at];
            if (sub == DW_LNE_end_sequence) {
                if (emit_row(&out, &state, 1) < 0) {
                    goto error;
                }
                state = (LineState){0, 1, 1, 0, default_is_stmt, 0};
            } else if (sub == DW_LNE_set_address) {
                /* The operand's bytes, little-endian, as many as the opcode's length says (cut at the end of
                 * the section); more than 8 significant bytes do not fit an address. */
                Py_ssize_t stop = after < in.length ? after : in.length;
                uint64_t address = 0;
                for (Py_ssize_t i = at + 1; i < stop; i++) {
                    Py_ssize_t k = i - at - 1;
                    if (k >= 8) {
                        if (in.data[i] != 0) {
                            PyErr_Format(PyExc_ValueError, "DW_LNE_set_address wider than 64 bits at %#zx", at);
                            goto error;
                        }
                        continue;
                    }
                    address |= (uint64_t)in.data[i] << (8 * k);
                }
                if (address > INT64_MAX) {
                    overflow("address");
                    goto error;
                }
                state.address = (int64_t)address;
            }
            at = after;
        } else if (opcode == DW_LNS_copy) {
            if (emit_row(&out, &state, 0) < 0) {
                goto error;
            }
            state.prologue_end = 0;
        } else if (opcode == DW_LNS_advance_pc) {
            uint64_t step;
            if (read_uleb(&in, &at, &step) < 0 || mul_add(&state.address, step, minimum_length, "address") < 0) {
                goto error;
            }
        } else if (opcode == DW_LNS_advance_line) {
            int64_t step;
            if (read_sleb(&in, &at, &step) < 0 || add_checked(&state.line, step, "line") < 0) {
                goto error;
            }
        } else if (opcode == DW_LNS_set_file || opcode == DW_LNS_set_column) {
            uint64_t value;
            if (read_uleb(&in, &at, &value) < 0) {
                goto error;
            }
            if (value > INT64_MAX) {
                overflow(opcode == DW_LNS_set_file ? "file" : "column");
                goto error;
            }
            *(opcode == DW_LNS_set_file ? &state.file : &state.column) = (int64_t)value;
        } else if (opcode == DW_LNS_negate_stmt) {
            state.is_stmt = !state.is_stmt;
        } else if (opcode == DW_LNS_set_basic_block) {
        } else if (opcode == DW_LNS_const_add_pc) {
            if (mul_add(&state.address, (uint64_t)((255 - opcode_base) / line_range), minimum_length, "address") < 0) {
                goto error;
            }
        } else if (opcode == DW_LNS_fixed_advance_pc) {
            if (at + 2 > in.length) {
                truncated(at);
                goto error;
            }
            int64_t step = in.data[at] | in.data[at + 1] << 8;
            at += 2;
            if (add_checked(&state.address, step, "address") < 0) {
                goto error;
            }
        } else if (opcode == DW_LNS_set_prologue_end) {
            state.prologue_end = 1;
        } else { /* set_epilogue_begin, set_isa, and opcodes not known here: skip their operands */
            if (opcode - 1 >= lengths_count) {
                PyErr_Format(PyExc_ValueError, "line program opcode %lld has no operand count", (long long)opcode);
                goto error;
            }
            for (unsigned i = 0; i < lengths[opcode - 1]; i++) {
                uint64_t ignored;
                if (read_uleb(&in, &at, &ignored) < 0) {
                    goto error;
                }
            }
        }
    }
    PyBuffer_Release(&view);
    PyBuffer_Release(&lengths_view);
    return buffer_bytes(&out);
error:
    PyBuffer_Release(&view);
    PyBuffer_Release(&lengths_view);
    PyMem_Free(out.data);
    return NULL;
}

/* -- native pieces --------------------------------------------------------------------------------------------- */

PyDoc_STRVAR(function_pieces_doc,
"function_pieces(tables, sizes, base, /)\n--\n\n"
"The native pieces of each function, from its packed LineTable rows (``tables``) and code size (``sizes``): one\n"
"piece [code offset, next row's code offset or the size) per row that covers a byte, with the row's Wasm offset\n"
"less ``base`` (the code section's offset), or INT64_MIN for compiler-made code; as packed int64 triples, all\n"
"functions one after the other; the index of each function's first piece then the piece count (packed int64);\n"
"and one byte per piece, 1 where the piece starts at a call's return address (the row's AFTER_CALL flag).");

static PyObject *function_pieces(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("function_pieces", nargs, 3)) {
        return NULL;
    }
    int64_t base;
    if (as_int64(args[2], &base) < 0) {
        return NULL;
    }
    PyObject *tables = PySequence_Fast(args[0], "tables must be a sequence of bytes");
    if (tables == NULL) {
        return NULL;
    }
    PyObject *sizes = PySequence_Fast(args[1], "sizes must be a sequence of ints");
    if (sizes == NULL) {
        Py_DECREF(tables);
        return NULL;
    }
    Buffer pieces = {NULL, 0, 0}, firsts = {NULL, 0, 0}, returns = {NULL, 0, 0};
    Py_ssize_t count = PySequence_Fast_GET_SIZE(tables);
    if (PySequence_Fast_GET_SIZE(sizes) != count) {
        PyErr_SetString(PyExc_ValueError, "function_pieces: as many sizes as tables");
        goto error;
    }
    int64_t piece_count = 0;
    for (Py_ssize_t f = 0; f < count; f++) {
        int64_t size;
        if (as_int64(PySequence_Fast_GET_ITEM(sizes, f), &size) < 0 || put_int64(&firsts, piece_count) < 0) {
            goto error;
        }
        Py_buffer view;
        if (PyObject_GetBuffer(PySequence_Fast_GET_ITEM(tables, f), &view, PyBUF_SIMPLE) < 0) {
            goto error;
        }
        if (view.len % TABLE_SIZE != 0) {
            PyBuffer_Release(&view);
            PyErr_SetString(PyExc_ValueError, "packed line table rows: not a multiple of 40 bytes");
            goto error;
        }
        Py_ssize_t rows = view.len / TABLE_SIZE;
        const char *data = view.buf;
        if (reserve(&pieces, rows * PIECE_SIZE) < 0 || reserve(&returns, rows) < 0) {
            PyBuffer_Release(&view);
            goto error;
        }
        for (Py_ssize_t r = 0; r < rows; r++) {
            int64_t begin = get(data, r * TABLE_FIELDS);
            int64_t end = r + 1 < rows ? get(data, (r + 1) * TABLE_FIELDS) : size;
            if (end <= begin) {
                continue;
            }
            int64_t wasm = get(data, r * TABLE_FIELDS + 3);
            int64_t values[PIECE_FIELDS] = {begin, end, wasm == NO_WASM_OFFSET ? NO_WASM : wasm - base};
            memcpy(pieces.data + pieces.length, values, sizeof values);
            pieces.length += PIECE_SIZE;
            returns.data[returns.length++] = (get(data, r * TABLE_FIELDS + 4) & TABLE_AFTER_CALL) != 0;
            piece_count++;
        }
        PyBuffer_Release(&view);
    }
    if (put_int64(&firsts, piece_count) < 0) {
        goto error;
    }
    Py_DECREF(tables);
    Py_DECREF(sizes);
    PyObject *packed = buffer_bytes(&pieces);
    PyObject *indexes = buffer_bytes(&firsts);
    PyObject *after_calls = buffer_bytes(&returns);
    if (packed == NULL || indexes == NULL || after_calls == NULL) {
        Py_XDECREF(packed);
        Py_XDECREF(indexes);
        Py_XDECREF(after_calls);
        return NULL;
    }
    return Py_BuildValue("(NNN)", packed, indexes, after_calls);
error:
    Py_DECREF(tables);
    Py_DECREF(sizes);
    PyMem_Free(pieces.data);
    PyMem_Free(firsts.data);
    PyMem_Free(returns.data);
    return NULL;
}

/* -- the translated line program --------------------------------------------------------------------------------- */

typedef struct {
    Py_ssize_t first, count; /* rows of the producer row array */
    int64_t end;             /* the address past the sequence */
} Sequence;

/* bisect.bisect_left / bisect_right over ``count`` values of column 0 of the producer rows from ``first``, as
 * Python's do (the same probes, so the same answer even on rows out of order). */
static Py_ssize_t bisect_left_rows(const char *rows, Py_ssize_t first, Py_ssize_t count, int64_t value,
                                   Py_ssize_t lo) {
    Py_ssize_t hi = count;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (get(rows, (first + mid) * LROW_FIELDS) < value) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static Py_ssize_t bisect_right_rows(const char *rows, Py_ssize_t first, Py_ssize_t count, int64_t value) {
    Py_ssize_t lo = 0, hi = count;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (value < get(rows, (first + mid) * LROW_FIELDS)) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo;
}

typedef struct {
    Py_ssize_t function; /* index into the functions */
    Py_ssize_t order;    /* when it was first chosen: the tie-break of the sort by native start */
    Py_ssize_t count, first; /* the chosen sequence's rows inside the function's extent: absolute row index */
    int64_t native_start;
} Choice;

static int compare_choices(const void *a, const void *b) {
    const Choice *x = a, *y = b;
    if (x->native_start != y->native_start) {
        return x->native_start < y->native_start ? -1 : 1;
    }
    return x->order < y->order ? -1 : x->order > y->order;
}

/* translate_line.in_body: the longest non-decreasing subsequence of the pieces' Wasm addresses (compiler-made
 * pieces count as body), by patience sorting with back links. */
static int in_body(const char *pieces, Py_ssize_t count, unsigned char *body) {
    int64_t *tails = PyMem_New(int64_t, count ? count : 1);
    Py_ssize_t *ends = PyMem_New(Py_ssize_t, count ? count : 1);
    Py_ssize_t *back = PyMem_New(Py_ssize_t, count ? count : 1);
    if (tails == NULL || ends == NULL || back == NULL) {
        PyMem_Free(tails);
        PyMem_Free(ends);
        PyMem_Free(back);
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t length = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        int64_t address = get(pieces, i * PIECE_FIELDS + 2);
        body[i] = address == NO_WASM;
        back[i] = -1;
        if (address == NO_WASM) {
            continue;
        }
        Py_ssize_t lo = 0, hi = length;
        while (lo < hi) {
            Py_ssize_t mid = lo + (hi - lo) / 2;
            if (address < tails[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        back[i] = lo ? ends[lo - 1] : -1;
        tails[lo] = address;
        ends[lo] = i;
        if (lo == length) {
            length++;
        }
    }
    for (Py_ssize_t i = length ? ends[length - 1] : -1; i >= 0; i = back[i]) {
        body[i] = 1;
    }
    PyMem_Free(tails);
    PyMem_Free(ends);
    PyMem_Free(back);
    return 0;
}

typedef struct {
    int line_base, line_range, opcode_base, const_add_pc;
} Header;

static int bad_value(const char *what) {
    PyErr_Format(PyExc_ValueError, "translated line program: %s out of range", what);
    return -1;
}

/* translate_line._row: one row's line and address advance, in the fewest bytes. */
static int put_row(Buffer *out, const Header *header, int64_t line_delta, int64_t address_delta) {
    if (address_delta < 0 || address_delta > INT64_MAX / 256) {
        return bad_value("address advance");
    }
    if (reserve(out, 2 * LEB_MAX + 4) < 0) {
        return -1;
    }
    if (line_delta < header->line_base || line_delta >= header->line_base + header->line_range) {
        put_byte(out, DW_LNS_advance_line);
        put_sleb(out, line_delta);
        line_delta = 0;
    }
    int64_t base = line_delta - header->line_base + header->opcode_base;
    if (base + header->line_range * address_delta <= 255) {
        put_byte(out, (unsigned)(base + header->line_range * address_delta));
    } else if (base + header->line_range * (address_delta - header->const_add_pc) <= 255) {
        put_byte(out, DW_LNS_const_add_pc);
        put_byte(out, (unsigned)(base + header->line_range * (address_delta - header->const_add_pc)));
    } else {
        put_byte(out, DW_LNS_advance_pc);
        put_uleb(out, (uint64_t)address_delta);
        put_byte(out, (unsigned)base);
    }
    return 0;
}

/* translate_line.rows_after_calls: a body piece starting at a call's return address whose producer row has line 0
 * (clang's Wasm back end gives a rematerialised argument of the next call no line), and the body pieces after it
 * with line-0 rows up to the next row with a line, take that row, which a native build's return address has. */
static int rows_after_calls(const char *rows, Py_ssize_t row_count, const unsigned char *after_calls,
                            const unsigned char *body, Py_ssize_t *indices, Py_ssize_t piece_count) {
    Py_ssize_t *following = NULL; /* per row: the next row with a line, or -1; made at the first such piece */
    Py_ssize_t fill = -1, low = -1;
    for (Py_ssize_t i = 0; i < piece_count; i++) {
        Py_ssize_t index = indices[i];
        int unlined = body[i] && get(rows, index * LROW_FIELDS + 2) == 0;
        if (fill >= 0) {
            if (unlined && index >= low && index < fill) {
                indices[i] = fill;
                continue;
            }
            fill = -1;
        }
        if (!after_calls[i] || !unlined) {
            continue;
        }
        if (following == NULL) {
            following = PyMem_New(Py_ssize_t, row_count ? row_count : 1);
            if (following == NULL) {
                PyErr_NoMemory();
                return -1;
            }
            Py_ssize_t next = -1;
            for (Py_ssize_t r = row_count - 1; r >= 0; r--) {
                following[r] = next;
                if (get(rows, r * LROW_FIELDS + 2) != 0) {
                    next = r;
                }
            }
        }
        if (following[index] >= 0) {
            fill = following[index], low = index;
            indices[i] = fill;
        }
    }
    PyMem_Free(following);
    return 0;
}

/* translate_line._sequence: one native function's sequence (after its DW_LNE_set_address, which the caller
 * relocates at the returned offset). */
static int put_sequence(Buffer *out, const Header *header, const char *rows, const Choice *choice,
                        const char *functions, const char *pieces, const unsigned char *after_calls,
                        Py_ssize_t piece_total, PyObject *addresses) {
    const char *function = functions + choice->function * FUNCTION_SIZE;
    int64_t start = get(function, 0), size = get(function, 3), first_piece = get(function, 4),
            piece_count = get(function, 5);
    if (first_piece < 0 || piece_count < 0 || first_piece > piece_total || piece_count > piece_total - first_piece) {
        PyErr_SetString(PyExc_ValueError, "function pieces out of range");
        return -1;
    }
    const char *own = pieces + first_piece * PIECE_SIZE;
    if (reserve(out, 12) < 0) {
        return -1;
    }
    put_byte(out, 0);
    put_byte(out, 9);
    put_byte(out, DW_LNE_set_address);
    PyObject *at = PyLong_FromSsize_t(out->length);
    if (at == NULL || PyList_Append(addresses, at) < 0) {
        Py_XDECREF(at);
        return -1;
    }
    Py_DECREF(at);
    memset(out->data + out->length, 0, 8);
    out->length += 8;
    unsigned char *body = PyMem_Malloc(piece_count ? (size_t)piece_count : 1);
    Py_ssize_t *indices = PyMem_New(Py_ssize_t, piece_count ? piece_count : 1);
    unsigned char *body_rows = PyMem_Calloc(choice->count ? (size_t)choice->count : 1, 1);
    int result = -1;
    if (body == NULL || indices == NULL || body_rows == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (in_body(own, piece_count, body) < 0) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < piece_count; i++) {
        int64_t wasm = get(own, i * PIECE_FIELDS + 2);
        Py_ssize_t index = bisect_right_rows(rows, choice->first, choice->count, wasm == NO_WASM ? start : wasm) - 1;
        indices[i] = index < 0 ? 0 : index;
    }
    if (rows_after_calls(rows + choice->first * LROW_SIZE, choice->count, after_calls + first_piece, body, indices,
                         piece_count) < 0) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < piece_count; i++) {
        if (body[i]) {
            body_rows[indices[i]] = 1;
        }
    }
    int64_t address = 0, file = 1, line = 1, column = 0;
    int is_stmt = 1, prologue_done = 0;
    Py_ssize_t previous = -1;
    for (Py_ssize_t i = 0; i < piece_count; i++) {
        Py_ssize_t index = indices[i];
        const char *row = rows + (choice->first + index) * LROW_SIZE;
        int64_t row_file = get(row, 1), row_line = get(row, 2), row_column = get(row, 3), flags = get(row, 4);
        int64_t begin = get(own, i * PIECE_FIELDS);
        int in_line = body[i];
        int out_of_line = !in_line && body_rows[index];
        int ends_prologue = (flags & ROW_PROLOGUE_END) && get(own, i * PIECE_FIELDS + 2) != NO_WASM && in_line &&
                            !prologue_done;
        int statement = (flags & ROW_IS_STMT) && !out_of_line;
        if (index == previous && !ends_prologue && statement == is_stmt) {
            continue;
        }
        if (reserve(out, 2 * LEB_MAX + 4) < 0) {
            goto done;
        }
        if (row_file != file) {
            if (row_file < 0) {
                bad_value("file");
                goto done;
            }
            put_byte(out, DW_LNS_set_file);
            put_uleb(out, (uint64_t)row_file);
            file = row_file;
        }
        if (row_column != column) {
            if (row_column < 0) {
                bad_value("column");
                goto done;
            }
            put_byte(out, DW_LNS_set_column);
            put_uleb(out, (uint64_t)row_column);
            column = row_column;
        }
        if (statement != is_stmt) {
            put_byte(out, DW_LNS_negate_stmt);
            is_stmt = statement;
        }
        if (ends_prologue) {
            put_byte(out, DW_LNS_set_prologue_end);
            prologue_done = 1;
        }
        int64_t line_delta;
        if (__builtin_sub_overflow(row_line, line, &line_delta)) {
            bad_value("line");
            goto done;
        }
        if (put_row(out, header, line_delta, begin - address) < 0) {
            goto done;
        }
        address = begin, line = row_line, previous = index;
    }
    if (reserve(out, LEB_MAX + 4) < 0) {
        goto done;
    }
    if (size > address) {
        put_byte(out, DW_LNS_advance_pc);
        put_uleb(out, (uint64_t)(size - address));
    }
    put_byte(out, 0);
    put_byte(out, 1);
    put_byte(out, DW_LNE_end_sequence);
    result = 0;
done:
    PyMem_Free(body);
    PyMem_Free(indices);
    PyMem_Free(body_rows);
    return result;
}

PyDoc_STRVAR(line_sequences_doc,
"line_sequences(rows, file_shift, tombstone, functions, pieces, after_calls, line_base, line_range, opcode_base, /)\n"
"--\n\n"
"The sequences of a translated unit's line program: from the unit's producer rows (``line_rows``' packed rows),\n"
"the producer sequences (a sequence whose first row is at ``tombstone`` or above is a discarded function's and\n"
"skipped; files moved by ``file_shift``), each native function (``functions``: packed int64 sextuples start, end,\n"
"native start, code size, first piece, piece count, sorted by start; ``pieces``: ``function_pieces``' triples,\n"
"``after_calls`` their bytes) with the rows of the producer sequence overlapping its extent the most, in native\n"
"order, one sequence each (translate_line.function_rows, rows_after_calls and _sequence). Returns the bytes and,\n"
"per sequence, the offset of its 8-byte DW_LNE_set_address operand (left zero) and the native start it is to hold.");

static PyObject *line_sequences(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("line_sequences", nargs, 9)) {
        return NULL;
    }
    int64_t file_shift, tombstone, line_base, line_range, opcode_base;
    if (as_int64(args[1], &file_shift) < 0 || as_int64(args[2], &tombstone) < 0 ||
        as_int64(args[6], &line_base) < 0 || as_int64(args[7], &line_range) < 0 ||
        as_int64(args[8], &opcode_base) < 0) {
        return NULL;
    }
    if (line_range < 1 || line_range > 255 || opcode_base < 1 || opcode_base > 255 || line_base > 0 ||
        line_base < -128 || line_base + line_range <= 0) {
        PyErr_SetString(PyExc_ValueError, "line program header parameters out of range");
        return NULL;
    }
    Header header = {(int)line_base, (int)line_range, (int)opcode_base, (int)((255 - opcode_base) / line_range)};
    Py_buffer row_view, function_view, piece_view, after_call_view;
    if (PyObject_GetBuffer(args[0], &row_view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    if (PyObject_GetBuffer(args[3], &function_view, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&row_view);
        return NULL;
    }
    if (PyObject_GetBuffer(args[4], &piece_view, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&row_view);
        PyBuffer_Release(&function_view);
        return NULL;
    }
    if (PyObject_GetBuffer(args[5], &after_call_view, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&row_view);
        PyBuffer_Release(&function_view);
        PyBuffer_Release(&piece_view);
        return NULL;
    }
    PyObject *result = NULL, *addresses = NULL;
    Sequence *sequences = NULL;
    Choice *choices = NULL;
    char *rows = NULL;
    Buffer out = {NULL, 0, 0};
    if (row_view.len % LROW_SIZE || function_view.len % FUNCTION_SIZE || piece_view.len % PIECE_SIZE ||
        after_call_view.len != piece_view.len / PIECE_SIZE) {
        PyErr_SetString(PyExc_ValueError, "line_sequences: packed arrays of a wrong size");
        goto done;
    }
    Py_ssize_t row_count = row_view.len / LROW_SIZE, function_count = function_view.len / FUNCTION_SIZE;
    const char *functions = function_view.buf;
    /* The producer rows kept, each sequence's contiguous, files shifted. */
    rows = PyMem_Malloc(row_view.len ? (size_t)row_view.len : 1);
    sequences = PyMem_New(Sequence, row_count ? row_count : 1);
    choices = PyMem_New(Choice, function_count ? function_count : 1);
    addresses = PyList_New(0);
    if (rows == NULL || sequences == NULL || choices == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (addresses == NULL) {
        goto done;
    }
    Py_ssize_t kept = 0, sequence_count = 0, sequence_first = 0;
    int discarded = 0;
    for (Py_ssize_t r = 0; r < row_count; r++) {
        const char *row = (const char *)row_view.buf + r * LROW_SIZE;
        int64_t address = get(row, 0), flags = get(row, 4);
        if (flags & ROW_END_SEQUENCE) {
            if (!discarded && kept > sequence_first) {
                sequences[sequence_count++] = (Sequence){sequence_first, kept - sequence_first, address};
            }
            sequence_first = kept; /* a discarded sequence kept no row */
            discarded = 0;
        } else if (discarded || (kept == sequence_first && address >= tombstone)) {
            discarded = 1;
        } else {
            memcpy(rows + kept * LROW_SIZE, row, LROW_SIZE);
            int64_t file = get(row, 1), shifted;
            if (__builtin_add_overflow(file, file_shift, &shifted)) {
                bad_value("file");
                goto done;
            }
            memcpy(rows + kept * LROW_SIZE + 8, &shifted, 8);
            kept++;
        }
    }
    /* Rows of a sequence still open at the end of the program belong to no sequence. */
    /* translate_line.function_rows: per function, the sequence with the most rows inside its extent (the first
     * such on a tie). */
    Py_ssize_t *chosen = PyMem_New(Py_ssize_t, function_count ? function_count : 1);
    if (chosen == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t f = 0; f < function_count; f++) {
        chosen[f] = -1;
    }
    Py_ssize_t choice_count = 0;
    for (Py_ssize_t s = 0; s < sequence_count; s++) {
        const Sequence *sequence = &sequences[s];
        int64_t sequence_start = get(rows, sequence->first * LROW_FIELDS);
        Py_ssize_t lo = 0, hi = function_count; /* bisect_right over the starts */
        while (lo < hi) {
            Py_ssize_t mid = lo + (hi - lo) / 2;
            if (sequence_start < get(functions, mid * FUNCTION_FIELDS)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        for (Py_ssize_t k = lo > 0 ? lo - 1 : 0;
             k < function_count && get(functions, k * FUNCTION_FIELDS) < sequence->end; k++) {
            int64_t start = get(functions, k * FUNCTION_FIELDS), end = get(functions, k * FUNCTION_FIELDS + 1);
            if (end <= sequence_start) {
                continue;
            }
            Py_ssize_t first = bisect_left_rows(rows, sequence->first, sequence->count, start, 0);
            Py_ssize_t last = bisect_left_rows(rows, sequence->first, sequence->count, end, 0);
            if (last <= first) {
                continue;
            }
            if (chosen[k] < 0) {
                chosen[k] = choice_count;
                choices[choice_count] = (Choice){k, choice_count, last - first, sequence->first + first,
                                                 get(functions, k * FUNCTION_FIELDS + 2)};
                choice_count++;
            } else if (last - first > choices[chosen[k]].count) {
                choices[chosen[k]].count = last - first;
                choices[chosen[k]].first = sequence->first + first;
            }
        }
    }
    PyMem_Free(chosen);
    qsort(choices, (size_t)choice_count, sizeof *choices, compare_choices);
    for (Py_ssize_t c = 0; c < choice_count; c++) {
        PyObject *start_object = PyLong_FromLongLong(choices[c].native_start);
        if (start_object == NULL) {
            goto done;
        }
        Py_ssize_t before = PyList_GET_SIZE(addresses);
        int failed = put_sequence(&out, &header, rows, &choices[c], functions, piece_view.buf,
                                  after_call_view.buf, piece_view.len / PIECE_SIZE, addresses);
        if (!failed && PyList_GET_SIZE(addresses) == before + 1) {
            PyObject *pair = PyTuple_Pack(2, PyList_GET_ITEM(addresses, before), start_object);
            failed = pair == NULL || PyList_SetItem(addresses, before, pair) < 0;
        }
        Py_DECREF(start_object);
        if (failed) {
            goto done;
        }
    }
    PyObject *data = buffer_bytes(&out);
    if (data != NULL) {
        result = PyTuple_Pack(2, data, addresses);
        Py_DECREF(data);
    }
done:
    PyMem_Free(out.data);
    PyMem_Free(rows);
    PyMem_Free(sequences);
    PyMem_Free(choices);
    Py_XDECREF(addresses);
    PyBuffer_Release(&row_view);
    PyBuffer_Release(&function_view);
    PyBuffer_Release(&piece_view);
    PyBuffer_Release(&after_call_view);
    return result;
}

/* -- Wasm ranges -> native ranges --------------------------------------------------------------------------------- */

/* translate_map.AddressMap.ranges over packed functions and pieces: per function, the runs of natively adjacent
 * pieces whose Wasm addresses (compiler-made code counting as the function's start) do not decrease, so the
 * pieces of a run implementing a Wasm range are one slice of it, found by two bisections. */
typedef struct {
    PyObject_HEAD
    Py_ssize_t function_count;
    int64_t *functions;      /* FUNCTION_FIELDS per function, sorted by start */
    int64_t *pieces;         /* PIECE_FIELDS per piece */
    int64_t *keys;           /* per piece: its Wasm address, or its function's start */
    Py_ssize_t *runs;        /* per run: first piece, piece count */
    Py_ssize_t *function_runs; /* per function: index of its first run; then the run count */
} RangeMap;

static void range_map_dealloc(RangeMap *self) {
    PyMem_Free(self->functions);
    PyMem_Free(self->pieces);
    PyMem_Free(self->keys);
    PyMem_Free(self->runs);
    PyMem_Free(self->function_runs);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int64_t clamp(PyObject *value, int *failed) {
    int overflow = 0;
    long long result = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (result == -1 && PyErr_Occurred()) {
        *failed = 1;
        return 0;
    }
    /* Beyond int64 compares like the extreme: every start, end and key is inside it. */
    return overflow > 0 ? INT64_MAX : overflow < 0 ? INT64_MIN : result;
}

typedef struct {
    int64_t begin, end;
} Range;

static int compare_ranges(const void *a, const void *b) {
    const Range *x = a, *y = b;
    if (x->begin != y->begin) {
        return x->begin < y->begin ? -1 : 1;
    }
    return (x->end > y->end) - (x->end < y->end);
}

static Py_ssize_t bisect_keys(const int64_t *keys, Py_ssize_t lo, Py_ssize_t hi, int64_t value) {
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (keys[mid] < value) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

PyDoc_STRVAR(range_map_ranges_doc,
"ranges(low, high, /)\n--\n\n"
"Native text ranges [start, end) implementing the Wasm range [low, high), sorted and merged (as tuples).");

/* The merged native ranges of the Wasm range [low, high) into *out_p (``small``, SMALL_RANGES long, or a block to
 * PyMem_Free when it is not ``small``): their count, or -1 with an exception set. */
enum { SMALL_RANGES = 16 };

static Py_ssize_t map_range(const RangeMap *self, int64_t low, int64_t high, Range **out_p, Range *small) {
    const int64_t *functions = self->functions;
    Py_ssize_t lo = 0, hi = self->function_count; /* bisect_right over the starts */
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (low < functions[mid * FUNCTION_FIELDS]) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Range *out = small;
    Py_ssize_t count = 0, capacity = SMALL_RANGES;
    for (Py_ssize_t k = lo > 0 ? lo - 1 : 0; k < self->function_count; k++) {
        const int64_t *function = functions + k * FUNCTION_FIELDS;
        int64_t start = function[0], end = function[1], base = function[2];
        if (start >= high) {
            break;
        }
        if (end <= low) {
            continue;
        }
        Py_ssize_t first_run = self->function_runs[k], last_run = self->function_runs[k + 1];
        Py_ssize_t needed = low <= start && end <= high ? 1 : last_run - first_run;
        if (count + needed > capacity) {
            Py_ssize_t grown = 2 * (count + needed);
            Range *bigger = PyMem_New(Range, grown);
            if (bigger == NULL) {
                if (out != small) {
                    PyMem_Free(out);
                }
                *out_p = small;
                PyErr_NoMemory();
                return -1;
            }
            memcpy(bigger, out, (size_t)count * sizeof *out);
            if (out != small) {
                PyMem_Free(out);
            }
            out = bigger;
            capacity = grown;
        }
        if (low <= start && end <= high) {
            out[count++] = (Range){base, base + function[3]};
            continue;
        }
        for (Py_ssize_t r = first_run; r < last_run; r++) {
            Py_ssize_t first = self->runs[2 * r], stop_index = first + self->runs[2 * r + 1];
            Py_ssize_t at = bisect_keys(self->keys, first, stop_index, low);
            Py_ssize_t stop = bisect_keys(self->keys, at, stop_index, high);
            if (at < stop) {
                out[count++] = (Range){base + self->pieces[at * PIECE_FIELDS],
                                       base + self->pieces[(stop - 1) * PIECE_FIELDS + 1]};
            }
        }
    }
    if (count > 1) {
        qsort(out, (size_t)count, sizeof *out, compare_ranges);
    }
    Py_ssize_t merged = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        if (merged && out[i].begin <= out[merged - 1].end) {
            if (out[i].end > out[merged - 1].end) {
                out[merged - 1].end = out[i].end;
            }
        } else {
            out[merged++] = out[i];
        }
    }
    *out_p = out;
    return merged;
}

static PyObject *range_map_ranges(RangeMap *self, PyObject *const *args, Py_ssize_t nargs) {
    if (!check_arguments("ranges", nargs, 2)) {
        return NULL;
    }
    int failed = 0;
    int64_t low = clamp(args[0], &failed), high = clamp(args[1], &failed);
    if (failed) {
        return NULL;
    }
    Range small[SMALL_RANGES];
    Range *out = small;
    Py_ssize_t merged = map_range(self, low, high, &out, small);
    if (merged < 0) {
        return NULL;
    }
    PyObject *result = PyList_New(merged);
    for (Py_ssize_t i = 0; result != NULL && i < merged; i++) {
        PyObject *pair = Py_BuildValue("(LL)", (long long)out[i].begin, (long long)out[i].end);
        if (pair == NULL) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, i, pair);
    }
    if (out != small) {
        PyMem_Free(out);
    }
    return result;
}

/* Append ``count`` bytes to the bytearray ``data``. */
static int append_bytes(PyObject *data, const char *bytes, Py_ssize_t count) {
    Py_ssize_t length = PyByteArray_GET_SIZE(data);
    if (PyByteArray_Resize(data, length + count) < 0) {
        return -1;
    }
    memcpy(PyByteArray_AS_STRING(data) + length, bytes, (size_t)count);
    return 0;
}

/* -- location lists ----------------------------------------------------------------------------------------- */

/* One entry of a producer location list, its range absolute (the base address applied, clamped to int64 as
 * ``clamp`` does), its expression a slice of the list's section. */
typedef struct {
    int64_t begin, end;
    Py_ssize_t expression, length;
} LocationEntry;

/* ``value`` + ``base`` as Python computes it, clamped to int64. */
static int64_t add_clamped(uint64_t value, int64_t base) {
    if (base >= 0) {
        return value > (uint64_t)INT64_MAX - (uint64_t)base ? INT64_MAX : (int64_t)(value + (uint64_t)base);
    }
    uint64_t magnitude = (uint64_t)(-(base + 1)) + 1;
    if (value >= magnitude) {
        uint64_t difference = value - magnitude;
        return difference > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)difference;
    }
    uint64_t below = magnitude - value;
    return below == (uint64_t)1 << 63 ? INT64_MIN : -(int64_t)below;
}

typedef struct {
    const unsigned char *data;
    Py_ssize_t length;
    const unsigned char *addresses; /* the unit's .debug_addr, or NULL */
    Py_ssize_t addresses_length;
    int64_t addr_base;
    PyObject *error;
    const char *section;
} ListReader;

static int list_fail(const ListReader *reader, Py_ssize_t at, const char *what) {
    PyErr_Format(reader->error, "%s at %#zx in %s", what, at, reader->section);
    return -1;
}

static int list_uleb(const ListReader *reader, Py_ssize_t *at, uint64_t *value) {
    Py_ssize_t start = *at;
    LebStatus status = leb_unsigned(reader->data, reader->length, at, value);
    if (status == LEB_TRUNCATED) {
        return list_fail(reader, start, "a location list entry past the end");
    }
    if (status == LEB_TOO_WIDE) {
        /* Python's integers keep it; as an address it clamps like any beyond int64, as an index or a length it
           is out of range below. */
        *value = UINT64_MAX;
        if (reader->data[*at - 1] & 0x80) { /* the rest of the number */
            while (*at < reader->length && reader->data[*at] & 0x80) {
                (*at)++;
            }
            if (*at >= reader->length) {
                return list_fail(reader, start, "a location list entry past the end");
            }
            (*at)++;
        }
    }
    return 0;
}

static int list_u32(const ListReader *reader, Py_ssize_t *at, uint32_t *value) {
    if (*at < 0 || reader->length - *at < 4) {
        return list_fail(reader, *at, "a location list entry past the end");
    }
    memcpy(value, reader->data + *at, 4); /* little endian, as every wasm32 producer writes it */
    *at += 4;
    return 0;
}

static int list_address(const ListReader *reader, uint64_t index, Py_ssize_t at, int64_t *value) {
    if (reader->addresses == NULL) {
        return list_fail(reader, at, "an indexed address and no .debug_addr, for a location list entry");
    }
    if (reader->addr_base < 0 || index > (uint64_t)(PY_SSIZE_T_MAX / 8) ||
        (uint64_t)reader->addr_base + 4 * index + 4 > (uint64_t)reader->addresses_length) {
        return list_fail(reader, at, "an address index outside .debug_addr, for a location list entry");
    }
    uint32_t address;
    memcpy(&address, reader->addresses + reader->addr_base + 4 * index, 4);
    *value = address;
    return 0;
}

/* The entries of the list at ``at`` (producer_reader._v4_list/_v5_list and the base addresses applied as
 * translate._location applies them), into a growable array; -1 with an exception set on malformed input. */
static Py_ssize_t read_location_list(const ListReader *reader, Py_ssize_t at, int version, int64_t base,
                                     LocationEntry **entries) {
    Py_ssize_t count = 0, capacity = 0;
    *entries = NULL;
    for (;;) {
        int64_t begin, end;
        if (version < 5) {
            uint32_t low, high;
            if (list_u32(reader, &at, &low) < 0 || list_u32(reader, &at, &high) < 0) {
                return -1;
            }
            if (low == 0 && high == 0) {
                return count;
            }
            if (low == UINT32_MAX) {
                base = high;
                continue;
            }
            begin = add_clamped(low, base);
            end = add_clamped(high, base);
        } else {
            if (at < 0 || at >= reader->length) {
                return list_fail(reader, at, "a location list entry past the end");
            }
            Py_ssize_t kind_at = at;
            unsigned kind = reader->data[at++];
            uint64_t first, second;
            uint32_t word, other;
            switch (kind) {
            case 0: /* end_of_list */
                return count;
            case 1: /* base_addressx */
                if (list_uleb(reader, &at, &first) < 0 || list_address(reader, first, kind_at, &base) < 0) {
                    return -1;
                }
                continue;
            case 2: /* startx_endx */
                if (list_uleb(reader, &at, &first) < 0 || list_uleb(reader, &at, &second) < 0 ||
                    list_address(reader, first, kind_at, &begin) < 0 ||
                    list_address(reader, second, kind_at, &end) < 0) {
                    return -1;
                }
                break;
            case 3: /* startx_length */
                if (list_uleb(reader, &at, &first) < 0 || list_uleb(reader, &at, &second) < 0 ||
                    list_address(reader, first, kind_at, &begin) < 0) {
                    return -1;
                }
                end = add_clamped(second, begin);
                break;
            case 4: /* offset_pair */
                if (list_uleb(reader, &at, &first) < 0 || list_uleb(reader, &at, &second) < 0) {
                    return -1;
                }
                begin = add_clamped(first, base);
                end = add_clamped(second, base);
                break;
            case 5: /* default_location: no range of its own */
                begin = end = -1;
                break;
            case 6: /* base_address */
                if (list_u32(reader, &at, &word) < 0) {
                    return -1;
                }
                base = word;
                continue;
            case 7: /* start_end */
                if (list_u32(reader, &at, &word) < 0 || list_u32(reader, &at, &other) < 0) {
                    return -1;
                }
                begin = word;
                end = other;
                break;
            case 8: /* start_length */
                if (list_u32(reader, &at, &word) < 0 || list_uleb(reader, &at, &second) < 0) {
                    return -1;
                }
                begin = word;
                end = add_clamped(second, word);
                break;
            default:
                PyErr_Format(reader->error, "list entry kind %#x at %#zx", kind, kind_at);
                return -1;
            }
        }
        uint64_t length;
        if (version < 5) {
            if (at < 0 || reader->length - at < 2) {
                return list_fail(reader, at, "a location list entry past the end");
            }
            length = (uint64_t)reader->data[at] | (uint64_t)reader->data[at + 1] << 8;
            at += 2;
        } else if (list_uleb(reader, &at, &length) < 0) {
            return -1;
        }
        if (length > (uint64_t)(reader->length - at)) {
            return list_fail(reader, at, "a location list entry past the end");
        }
        if (count == capacity) {
            Py_ssize_t grown = capacity ? 2 * capacity : 8;
            LocationEntry *bigger = PyMem_Resize(*entries, LocationEntry, grown);
            if (bigger == NULL) {
                PyErr_NoMemory();
                return -1;
            }
            *entries = bigger;
            capacity = grown;
        }
        (*entries)[count++] = (LocationEntry){begin, end, at, (Py_ssize_t)length};
        at += (Py_ssize_t)length;
    }
}

/* A Relocation (a named tuple) made as its __reduce__ makes it: tuple.__new__(cls, fields). */
/* A Relocation made here (a named tuple of an offset, a RelocKind, a size, a symbol name and an addend) is left
 * out of the cyclic collector's lists: it refers to no container that could lead back to it, so no cycle runs
 * through it, and a translation makes some 100,000 of them (the strings, the references across units, the
 * location lists), which every collection after the translation would otherwise walk. */
static PyObject *untracked(PyObject *relocation) {
    if (relocation != NULL && PyObject_GC_IsTracked(relocation)) {
        PyObject_GC_UnTrack(relocation);
    }
    return relocation;
}

static PyObject *make_relocation(PyObject *type, Py_ssize_t offset, PyObject *kind, PyObject *size, PyObject *symbol,
                                 PyObject *addend) {
    PyObject *fields = Py_BuildValue("(nOOOO)", offset, kind, size, symbol, addend);
    if (fields == NULL) {
        return NULL;
    }
    PyObject *args = PyTuple_Pack(1, fields);
    Py_DECREF(fields);
    if (args == NULL) {
        return NULL;
    }
    PyObject *relocation = PyTuple_Type.tp_new((PyTypeObject *)type, args, NULL);
    Py_DECREF(args);
    return untracked(relocation);
}

/* Write one translated entry per native range: two relocated addresses (zero in place), the expression's
 * length (u16) and its bytes, its relocations moved with it (translate_expr.embed). */
static int write_location(PyObject *out, PyObject *relocations, PyObject *expression, const Range *range,
                          PyObject *const *context) {
    PyObject *relocation_type = context[2], *kind = context[3], *text = context[4];
    PyObject *data = PyObject_GetAttrString(expression, "data");
    if (data == NULL) {
        return -1;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0) {
        Py_DECREF(data);
        return -1;
    }
    int result = -1;
    PyObject *moved = NULL, *eight = NULL, *begin = NULL, *end = NULL;
    if (view.len > 0xFFFF) {
        PyErr_SetString(PyExc_OverflowError, "a location expression longer than 65535 bytes");
        goto done;
    }
    Py_ssize_t at = PyByteArray_GET_SIZE(out);
    eight = PyLong_FromLong(8);
    begin = PyLong_FromLongLong(range->begin);
    end = PyLong_FromLongLong(range->end);
    if (eight == NULL || begin == NULL || end == NULL) {
        goto done;
    }
    for (int k = 0; k < 2; k++) {
        PyObject *relocation = make_relocation(relocation_type, at + 8 * k, kind, eight, text, k ? end : begin);
        if (relocation == NULL || PyList_Append(relocations, relocation) < 0) {
            Py_XDECREF(relocation);
            goto done;
        }
        Py_DECREF(relocation);
    }
    unsigned char head[18] = {0};
    head[16] = (unsigned char)(view.len & 0xFF);
    head[17] = (unsigned char)(view.len >> 8);
    if (append_bytes(out, (const char *)head, sizeof head) < 0 || append_bytes(out, view.buf, view.len) < 0) {
        goto done;
    }
    moved = PyObject_GetAttrString(expression, "relocations");
    if (moved == NULL) {
        goto done;
    }
    if (PyObject_IsTrue(moved)) {
        PyObject *iterator = PyObject_GetIter(moved);
        if (iterator == NULL) {
            goto done;
        }
        PyObject *item;
        while ((item = PyIter_Next(iterator)) != NULL) {
            PyObject *relocation = NULL;
            if (PyTuple_Check(item) && PyTuple_GET_SIZE(item) == 5) {
                Py_ssize_t offset = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 0));
                if (!(offset == -1 && PyErr_Occurred())) {
                    relocation = make_relocation((PyObject *)Py_TYPE(item), at + 18 + offset,
                                                 PyTuple_GET_ITEM(item, 1), PyTuple_GET_ITEM(item, 2),
                                                 PyTuple_GET_ITEM(item, 3), PyTuple_GET_ITEM(item, 4));
                }
            } else {
                PyErr_SetString(PyExc_TypeError, "location_list: an expression's relocation is no Relocation");
            }
            Py_DECREF(item);
            if (relocation == NULL || PyList_Append(relocations, relocation) < 0) {
                Py_XDECREF(relocation);
                Py_DECREF(iterator);
                goto done;
            }
            Py_DECREF(relocation);
        }
        Py_DECREF(iterator);
        if (PyErr_Occurred()) {
            goto done;
        }
    }
    result = 0;
done:
    Py_XDECREF(moved);
    Py_XDECREF(eight);
    Py_XDECREF(begin);
    Py_XDECREF(end);
    PyBuffer_Release(&view);
    Py_DECREF(data);
    return result;
}

PyDoc_STRVAR(range_map_location_list_doc,
"location_list(data, at, version, addresses, addr_base, base, translate, out, relocations, context, /)\n--\n\n"
"Translate the producer location list at ``at`` of ``data`` (.debug_loc for ``version`` < 5, else\n"
".debug_loclists; ``addresses`` the unit's .debug_addr or None, ``addr_base`` its DW_AT_addr_base; ``base`` the\n"
"unit's base address) into ``out`` (a bytearray: .debug_loc) and ``relocations``: for every entry whose\n"
"expression ``translate`` turns into a ByteWriter (``context[0]``, Untranslatable, skips it), one entry per\n"
"native range its Wasm range maps to, then the end of the list if any was written. ``context`` is\n"
"(Untranslatable, the reader's error, Relocation, RelocKind.ABSOLUTE, the text symbol). Returns how many\n"
"entries were written (translate.location_list_model is the Python this computes).");

static PyObject *range_map_location_list(RangeMap *self, PyObject *const *args, Py_ssize_t nargs) {
    if (!check_arguments("location_list", nargs, 10)) {
        return NULL;
    }
    PyObject *translate = args[6], *out = args[7], *relocations = args[8], *context = args[9];
    if (!PyByteArray_Check(out) || !PyList_Check(relocations) || !PyTuple_Check(context) ||
        PyTuple_GET_SIZE(context) != 5) {
        PyErr_SetString(PyExc_TypeError, "location_list: out must be a bytearray, relocations a list, context a "
                                         "5-tuple");
        return NULL;
    }
    PyObject *const *items = &PyTuple_GET_ITEM(context, 0);
    Py_ssize_t at = PyLong_AsSsize_t(args[1]);
    long version = PyLong_AsLong(args[2]);
    int failed = 0;
    int64_t addr_base = clamp(args[4], &failed), base = clamp(args[5], &failed);
    if (failed || (at == -1 && PyErr_Occurred()) || (version == -1 && PyErr_Occurred())) {
        return NULL;
    }
    Py_buffer view, addresses = {0};
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    if (args[3] != Py_None && PyObject_GetBuffer(args[3], &addresses, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&view);
        return NULL;
    }
    ListReader reader = {view.buf, view.len, args[3] != Py_None ? addresses.buf : NULL,
                         args[3] != Py_None ? addresses.len : 0, addr_base, items[1],
                         version < 5 ? ".debug_loc" : ".debug_loclists"};
    LocationEntry *entries = NULL;
    PyObject *result = NULL;
    Py_ssize_t count = read_location_list(&reader, at, (int)version, base, &entries);
    Py_ssize_t written = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *bytes = PyBytes_FromStringAndSize((const char *)view.buf + entries[i].expression,
                                                    entries[i].length);
        if (bytes == NULL) {
            goto done;
        }
        PyObject *expression = PyObject_CallOneArg(translate, bytes);
        Py_DECREF(bytes);
        if (expression == NULL) {
            if (PyErr_ExceptionMatches(items[0])) {
                PyErr_Clear();
                continue;
            }
            goto done;
        }
        Range small[SMALL_RANGES];
        Range *ranges = small;
        Py_ssize_t mapped = map_range(self, entries[i].begin, entries[i].end, &ranges, small);
        for (Py_ssize_t r = 0; r < mapped; r++) {
            if (write_location(out, relocations, expression, &ranges[r], items) < 0) {
                mapped = -1;
                break;
            }
            written++;
        }
        if (ranges != small) {
            PyMem_Free(ranges);
        }
        Py_DECREF(expression);
        if (mapped < 0) {
            goto done;
        }
    }
    if (count >= 0) {
        static const char end_of_list[16] = {0};
        if (written && append_bytes(out, end_of_list, sizeof end_of_list) < 0) {
            goto done;
        }
        result = PyLong_FromSsize_t(written);
    }
done:
    PyMem_Free(entries);
    if (args[3] != Py_None) {
        PyBuffer_Release(&addresses);
    }
    PyBuffer_Release(&view);
    return result;
}

static int append_zeros(PyObject *data, Py_ssize_t count);

PyDoc_STRVAR(range_map_native_range_list_doc,
"native_range_list(data, at, base, /)\n--\n\n"
"translate._Translator._native_ranges of a DIE whose DW_AT_ranges names the DWARF 4 range list at ``at`` of\n"
"``data`` (``.debug_ranges``), ``base`` the unit's base address: the native ranges of each entry (``ranges``),\n"
"all sorted. None for what the Python reads otherwise or raises on (a list past the end of the section, a base\n"
"or an offset beyond 64 bits): the caller then reads it in Python, the model.");

static PyObject *range_map_native_range_list(RangeMap *self, PyObject *const *args, Py_ssize_t nargs) {
    if (!check_arguments("native_range_list", nargs, 3)) {
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    int overflow = 0;
    long long at = PyLong_Check(args[1]) ? PyLong_AsLongLongAndOverflow(args[1], &overflow) : -1;
    long long base = PyLong_Check(args[2]) ? PyLong_AsLongLongAndOverflow(args[2], &overflow) : 0;
    PyObject *result = NULL;
    Range *all = NULL;
    Py_ssize_t count = 0, capacity = 0;
    if (PyErr_Occurred()) {
        goto done;
    }
    if (overflow || at < 0 || !PyLong_Check(args[2]) || base < INT32_MIN || base > INT64_MAX / 2) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    const unsigned char *data = view.buf;
    for (;;) {
        if (at > view.len - 8) {
            result = Py_NewRef(Py_None); /* struct.error in the Python */
            goto done;
        }
        uint32_t begin = 0, end = 0;
        for (int k = 0; k < 4; k++) {
            begin |= (uint32_t)data[at + k] << (8 * k);
            end |= (uint32_t)data[at + 4 + k] << (8 * k);
        }
        at += 8;
        if (begin == 0 && end == 0) {
            break;
        }
        if (begin == UINT32_MAX) {
            base = end;
            continue;
        }
        int64_t low = (int64_t)begin + base, high = (int64_t)end + base;
        if (low >= high) {
            continue;
        }
        Range small[SMALL_RANGES];
        Range *out = small;
        Py_ssize_t merged = map_range(self, low, high, &out, small);
        if (merged < 0) {
            goto done;
        }
        if (count + merged > capacity) {
            Py_ssize_t grown = 2 * (count + merged);
            Range *bigger = PyMem_Resize(all, Range, grown);
            if (bigger == NULL) {
                if (out != small) {
                    PyMem_Free(out);
                }
                PyErr_NoMemory();
                goto done;
            }
            all = bigger;
            capacity = grown;
        }
        memcpy(all + count, out, (size_t)merged * sizeof *out);
        count += merged;
        if (out != small) {
            PyMem_Free(out);
        }
    }
    if (count > 1) {
        qsort(all, (size_t)count, sizeof *all, compare_ranges); /* sorted() of the (start, end) tuples */
    }
    result = PyList_New(count);
    for (Py_ssize_t i = 0; result != NULL && i < count; i++) {
        PyObject *pair = Py_BuildValue("(LL)", (long long)all[i].begin, (long long)all[i].end);
        if (pair == NULL) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, i, pair);
    }
done:
    PyMem_Free(all);
    PyBuffer_Release(&view);
    return result;
}

PyDoc_STRVAR(write_ranges_doc,
"write_ranges(out, relocations, Relocation, ABSOLUTE, symbol, ranges, /)\n--\n\n"
"translate._Translator._range_list's writing of a native range list (``translate.write_ranges_model`` is its\n"
"Python): each (start, end) of ``ranges`` as two 8-byte zero fields of ``out`` (a bytearray, ``.debug_ranges``)\n"
"relocated to ``symbol`` + start and + end (``Relocation(offset, ABSOLUTE, 8, symbol, addend)``), then a zero\n"
"pair.");

static PyObject *write_ranges(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("write_ranges", nargs, 6)) {
        return NULL;
    }
    PyObject *out = args[0], *relocations = args[1], *type = args[2], *kind = args[3], *symbol = args[4];
    PyObject *ranges = args[5];
    if (!PyByteArray_Check(out) || !PyList_Check(relocations) || !PyType_Check(type) || !PyList_Check(ranges)) {
        PyErr_SetString(PyExc_TypeError, "write_ranges: a bytearray, a list, a type, a kind, a symbol, a list");
        return NULL;
    }
    PyObject *size = PyLong_FromLong(8);
    if (size == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(ranges); i++) {
        PyObject *range = PyList_GET_ITEM(ranges, i);
        if (!PyTuple_Check(range) || PyTuple_GET_SIZE(range) != 2) {
            Py_DECREF(size);
            PyErr_SetString(PyExc_TypeError, "write_ranges: a range is (start, end)");
            return NULL;
        }
        Py_ssize_t at = PyByteArray_GET_SIZE(out);
        for (int k = 0; k < 2; k++) {
            PyObject *relocation = make_relocation(type, at + 8 * k, kind, size, symbol, PyTuple_GET_ITEM(range, k));
            int failed = relocation == NULL || PyList_Append(relocations, relocation) < 0;
            Py_XDECREF(relocation);
            if (failed) {
                Py_DECREF(size);
                return NULL;
            }
        }
        if (append_zeros(out, 8) < 0 || append_zeros(out, 8) < 0) {
            Py_DECREF(size);
            return NULL;
        }
    }
    Py_DECREF(size);
    if (append_zeros(out, 8) < 0 || append_zeros(out, 8) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef range_map_methods[] = {
    {"ranges", (PyCFunction)(void (*)(void))range_map_ranges, METH_FASTCALL, range_map_ranges_doc},
    {"native_range_list", (PyCFunction)(void (*)(void))range_map_native_range_list, METH_FASTCALL,
     range_map_native_range_list_doc},
    {"location_list", (PyCFunction)(void (*)(void))range_map_location_list, METH_FASTCALL,
     range_map_location_list_doc},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RangeMapType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "emitter.dwarf._translate.RangeMap",
    .tp_basicsize = sizeof(RangeMap),
    .tp_dealloc = (destructor)range_map_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Wasm address ranges -> native ranges, over an address map's packed functions and pieces.",
    .tp_methods = range_map_methods,
};

static int64_t *copy_int64s(PyObject *object, Py_ssize_t fields, Py_ssize_t *count) {
    Py_buffer view;
    if (PyObject_GetBuffer(object, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    if (view.len % (fields * 8)) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "range_map: packed arrays of a wrong size");
        return NULL;
    }
    int64_t *copy = PyMem_Malloc(view.len ? (size_t)view.len : 1);
    if (copy == NULL) {
        PyBuffer_Release(&view);
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(copy, view.buf, (size_t)view.len);
    *count = view.len / (fields * 8);
    PyBuffer_Release(&view);
    return copy;
}

PyDoc_STRVAR(range_map_doc,
"range_map(functions, pieces, /)\n--\n\n"
"A RangeMap over packed functions (start, end, native start, code size, first piece, piece count; sorted by\n"
"start) and pieces (``function_pieces``'): ``ranges(low, high)`` is ``AddressMap.ranges``. Pieces outside the\n"
"array raise ValueError.");

static PyObject *range_map(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("range_map", nargs, 2)) {
        return NULL;
    }
    RangeMap *self = PyObject_New(RangeMap, &RangeMapType);
    if (self == NULL) {
        return NULL;
    }
    self->functions = self->pieces = self->keys = NULL;
    self->runs = self->function_runs = NULL;
    Py_ssize_t piece_count = 0;
    self->functions = copy_int64s(args[0], FUNCTION_FIELDS, &self->function_count);
    if (self->functions == NULL || (self->pieces = copy_int64s(args[1], PIECE_FIELDS, &piece_count)) == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    self->keys = PyMem_New(int64_t, piece_count ? piece_count : 1);
    self->runs = PyMem_New(Py_ssize_t, 2 * (piece_count ? piece_count : 1));
    self->function_runs = PyMem_New(Py_ssize_t, self->function_count + 1);
    if (self->keys == NULL || self->runs == NULL || self->function_runs == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    Py_ssize_t run_count = 0;
    for (Py_ssize_t k = 0; k < self->function_count; k++) {
        const int64_t *function = self->functions + k * FUNCTION_FIELDS;
        int64_t first = function[4], count = function[5];
        self->function_runs[k] = run_count;
        if (first < 0 || count < 0 || first > piece_count || count > piece_count - first) {
            Py_DECREF(self);
            PyErr_SetString(PyExc_ValueError, "range_map: function pieces out of range");
            return NULL;
        }
        int64_t previous_end = 0;
        for (Py_ssize_t i = (Py_ssize_t)first; i < first + count; i++) {
            int64_t wasm = self->pieces[i * PIECE_FIELDS + 2];
            int64_t key = wasm == NO_WASM ? function[0] : wasm;
            self->keys[i] = key;
            if (i == first || key < self->keys[i - 1] || self->pieces[i * PIECE_FIELDS] != previous_end) {
                self->runs[2 * run_count] = i;
                self->runs[2 * run_count + 1] = 0;
                run_count++;
            }
            self->runs[2 * run_count - 1]++;
            previous_end = self->pieces[i * PIECE_FIELDS + 1];
        }
    }
    self->function_runs[self->function_count] = run_count;
    return (PyObject *)self;
}

/* -- writing a DIE ------------------------------------------------------------------------------------------------ */

enum { CONTEXT_DATA, CONTEXT_INFO, CONTEXT_RELOCATIONS, CONTEXT_ABBREVIATIONS, CONTEXT_OFFSETS, CONTEXT_FIXUPS,
       CONTEXT_STRING_OFFSETS, CONTEXT_STRINGS, CONTEXT_RELOCATION, CONTEXT_KIND, CONTEXT_SECTION, CONTEXT_POOL,
       CONTEXT_SIZE };

static int append_zeros(PyObject *data, Py_ssize_t count) {
    static const char zeros[8] = {0};
    return append_bytes(data, zeros, count);
}

/* A DW_FORM_strp of ``text`` at ``position`` of .debug_info: its relocation to the pooled string (write_die). */
static int string_relocation(PyObject *context, Py_ssize_t at, PyObject *text) {
    PyObject *relocation_class = PyTuple_GET_ITEM(context, CONTEXT_RELOCATION);
    if (!PyType_Check(relocation_class) || !PyType_IsSubtype((PyTypeObject *)relocation_class, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "write_die: Relocation must be a named tuple");
        return -1;
    }
    PyTypeObject *relocation_type = (PyTypeObject *)relocation_class;
    PyObject *offsets = PyTuple_GET_ITEM(context, CONTEXT_STRING_OFFSETS);
    PyObject *offset = PyDict_GetItemWithError(offsets, text);
    if (offset != NULL) {
        Py_INCREF(offset);
    } else if (PyErr_Occurred()) {
        return -1;
    } else {
        /* strings.StringSection.offset: a new string appended to the pool, NUL-terminated. */
        PyObject *pool = PyTuple_GET_ITEM(context, CONTEXT_POOL);
        Py_ssize_t size;
        const char *utf8 = PyUnicode_AsUTF8AndSize(text, &size);
        if (utf8 == NULL || !PyByteArray_Check(pool)) {
            if (utf8 != NULL) {
                PyErr_SetString(PyExc_TypeError, "write_die: the string pool is a bytearray");
            }
            return -1;
        }
        Py_ssize_t at_pool = PyByteArray_GET_SIZE(pool);
        offset = PyLong_FromSsize_t(at_pool);
        if (offset == NULL || PyByteArray_Resize(pool, at_pool + size + 1) < 0 ||
            PyDict_SetItem(offsets, text, offset) < 0) {
            Py_XDECREF(offset);
            return -1;
        }
        memcpy(PyByteArray_AS_STRING(pool) + at_pool, utf8, (size_t)size);
        PyByteArray_AS_STRING(pool)[at_pool + size] = 0;
    }
    PyObject *position = PyLong_FromSsize_t(at);
    PyObject *size = PyLong_FromLong(4);
    PyObject *relocation = position && size ? relocation_type->tp_alloc(relocation_type, 5) : NULL;
    if (relocation == NULL) {
        Py_XDECREF(position);
        Py_XDECREF(size);
        Py_DECREF(offset);
        return -1;
    }
    PyTuple_SET_ITEM(relocation, 0, position);
    PyTuple_SET_ITEM(relocation, 1, Py_NewRef(PyTuple_GET_ITEM(context, CONTEXT_KIND)));
    PyTuple_SET_ITEM(relocation, 2, size);
    PyTuple_SET_ITEM(relocation, 3, Py_NewRef(PyTuple_GET_ITEM(context, CONTEXT_SECTION)));
    PyTuple_SET_ITEM(relocation, 4, offset);
    untracked(relocation);
    int failed = PyList_Append(PyTuple_GET_ITEM(context, CONTEXT_RELOCATIONS), relocation);
    Py_DECREF(relocation);
    return failed;
}

/* A reference (target, unit start or None, unit) at ``position``: its fixup (write_die). */
static int reference_fixup(PyObject *context, Py_ssize_t at, PyObject *value) {
    PyObject *position = PyLong_FromSsize_t(at);
    PyObject *fixup = position != NULL ? PyTuple_Pack(4, position, PyTuple_GET_ITEM(value, 0),
                                                      PyTuple_GET_ITEM(value, 1), PyTuple_GET_ITEM(value, 2))
                                       : NULL;
    Py_XDECREF(position);
    if (fixup == NULL) {
        return -1;
    }
    int failed = PyList_Append(PyTuple_GET_ITEM(context, CONTEXT_FIXUPS), fixup);
    Py_DECREF(fixup);
    return failed;
}

PyDoc_STRVAR(write_die_doc,
"write_die(context, key, tag, has_children, attributes, /)\n--\n\n"
"translate._Translator._write: one DIE into ``.debug_info``. ``context``: (data, info, relocations,\n"
"abbreviations, offsets, fixups, string offsets, strings, Relocation, SECTION_OFFSET, string section name, the\n"
"strings' bytearray: a new string is appended to it as StringSection.offset appends it) of the translator; ``attributes``: (attribute code, form code, value) with the value bytes (written as they are),\n"
"a str (a DW_FORM_strp into the pooled strings: a relocation), a tuple (target, unit start or None, unit): a\n"
"reference (4 zero bytes and a fixup), or a function called with ``info``. The DIE's abbreviation code is its\n"
"shape's, made on first use; ``offsets[key]`` is where it starts.");

static PyObject *write_die(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("write_die", nargs, 5)) {
        return NULL;
    }
    PyObject *context = args[0], *key = args[1], *tag = args[2], *has_children = args[3], *attributes = args[4];
    if (!PyTuple_Check(context) || PyTuple_GET_SIZE(context) != CONTEXT_SIZE || !PyList_Check(attributes) ||
        !PyByteArray_Check(PyTuple_GET_ITEM(context, CONTEXT_DATA))) {
        PyErr_SetString(PyExc_TypeError, "write_die: a translator context and a list of attributes");
        return NULL;
    }
    PyObject *data = PyTuple_GET_ITEM(context, CONTEXT_DATA);
    Py_ssize_t count = PyList_GET_SIZE(attributes);
    PyObject *pairs = PyTuple_New(count);
    if (pairs == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *attribute = PyList_GET_ITEM(attributes, i);
        if (!PyTuple_Check(attribute) || PyTuple_GET_SIZE(attribute) != 3) {
            Py_DECREF(pairs);
            PyErr_SetString(PyExc_TypeError, "write_die: an attribute is (code, form, value)");
            return NULL;
        }
        PyObject *pair = PyTuple_Pack(2, PyTuple_GET_ITEM(attribute, 0), PyTuple_GET_ITEM(attribute, 1));
        if (pair == NULL) {
            Py_DECREF(pairs);
            return NULL;
        }
        PyTuple_SET_ITEM(pairs, i, pair);
    }
    PyObject *shape = PyTuple_Pack(3, tag, has_children, pairs);
    Py_DECREF(pairs);
    if (shape == NULL) {
        return NULL;
    }
    PyObject *abbreviations = PyTuple_GET_ITEM(context, CONTEXT_ABBREVIATIONS);
    PyObject *next = PyLong_FromSsize_t(PyDict_GET_SIZE(abbreviations) + 1);
    PyObject *code = next != NULL ? PyDict_SetDefault(abbreviations, shape, next) : NULL; /* borrowed */
    Py_DECREF(shape);
    Py_XDECREF(next);
    if (code == NULL) {
        return NULL;
    }
    uint64_t code_value = PyLong_AsUnsignedLongLong(code);
    PyObject *start = PyLong_FromSsize_t(PyByteArray_GET_SIZE(data));
    if (start == NULL || PyDict_SetItem(PyTuple_GET_ITEM(context, CONTEXT_OFFSETS), key, start) < 0) {
        Py_XDECREF(start);
        return NULL;
    }
    Py_DECREF(start);
    if (code_value == (uint64_t)-1 && PyErr_Occurred()) {
        return NULL;
    }
    char leb[LEB_MAX];
    Buffer encoded = {leb, 0, LEB_MAX};
    put_uleb(&encoded, code_value);
    if (append_bytes(data, leb, encoded.length) < 0) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *value = PyTuple_GET_ITEM(PyList_GET_ITEM(attributes, i), 2);
        if (PyBytes_CheckExact(value)) {
            if (append_bytes(data, PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value)) < 0) {
                return NULL;
            }
        } else if (PyUnicode_CheckExact(value)) {
            if (string_relocation(context, PyByteArray_GET_SIZE(data), value) < 0 || append_zeros(data, 4) < 0) {
                return NULL;
            }
        } else if (PyTuple_CheckExact(value) && PyTuple_GET_SIZE(value) == 3) {
            if (reference_fixup(context, PyByteArray_GET_SIZE(data), value) < 0 || append_zeros(data, 4) < 0) {
                return NULL;
            }
        } else {
            PyObject *result = PyObject_CallOneArg(value, PyTuple_GET_ITEM(context, CONTEXT_INFO));
            if (result == NULL) {
                return NULL;
            }
            Py_DECREF(result);
        }
    }
    Py_RETURN_NONE;
}

/* -- copying a DIE's attributes --------------------------------------------------------------------------------------- */

/* What translate._Translator._copy does with a form (the kinds the translation passes in ``form_kinds``). */
enum { C_NONE, C_STRING, C_REF_RELATIVE, C_REF_ADDR, C_REF_OTHER, C_DATA1, C_DATA2, C_DATA4, C_DATA8, C_SDATA,
       C_UDATA, C_FLAG, C_FLAG_PRESENT, C_BLOCK, C_EXPRLOC };
enum { U_AT_CODES, U_FORM_KINDS, U_DIE_OFFSETS, U_SKIPPED, U_UNIT, U_CU_OFFSET, U_CU_END, U_UNIT_START, U_FILE_SHIFT,
       U_MISSING, U_SHIFTED_NAMES, U_TEXTS, U_SIZE };

static int append_attribute(PyObject *out, PyObject *code, long form, PyObject *value) {
    /* Steals value. */
    if (value == NULL) {
        return -1;
    }
    PyObject *form_object = PyLong_FromLong(form);
    PyObject *attribute = form_object != NULL ? PyTuple_Pack(3, code, form_object, value) : NULL;
    Py_XDECREF(form_object);
    Py_DECREF(value);
    if (attribute == NULL) {
        return -1;
    }
    int failed = PyList_Append(out, attribute);
    Py_DECREF(attribute);
    return failed;
}

/* One attribute copied (translate._Translator._copy). */
/* An Attribute's field (``form``, ``value``, ``raw_value``: a new reference), read directly from the reader's own
 * type (_translate_dies.h), through getattr from any other object. */
static PyObject *attribute_field(PyObject *attribute, int which) {
    static const char *names[] = {"form", "value", "raw_value"};
    if (Py_TYPE(attribute) == &TranslateAttributeType) {
        TranslateAttribute *self = (TranslateAttribute *)attribute;
        PyObject *field = which == 0 ? self->form : which == 1 ? self->value : self->raw_value;
        if (field != NULL) {
            return Py_NewRef(field);
        }
    }
    return PyObject_GetAttrString(attribute, names[which]);
}

enum { FIELD_FORM, FIELD_VALUE, FIELD_RAW };

/* An attribute as copy_attribute writes it: its form (-1: not written), then its value: ``object`` (a str: a
 * DW_FORM_strp into the pooled strings; a tuple: a reference, as write_die takes them), else the bytes of ``head``
 * followed by those of ``block`` (when not NULL). */
typedef struct {
    long form;
    PyObject *object; /* a new reference, or NULL */
    PyObject *block;  /* a new reference (bytes), or NULL */
    Py_ssize_t head_length;
    char head[16];
} Encoded;

static void encoded_clear(Encoded *encoded) {
    Py_CLEAR(encoded->object);
    Py_CLEAR(encoded->block);
}

static int encoded_bytes(Encoded *encoded, long form, const char *bytes, Py_ssize_t count) {
    encoded->form = form;
    memcpy(encoded->head, bytes, (size_t)count);
    encoded->head_length = count;
    return 0;
}

static int encoded_uleb(Encoded *encoded, long form, uint64_t value) {
    Buffer buffer = {encoded->head, 0, sizeof encoded->head};
    put_uleb(&buffer, value);
    encoded->form = form;
    encoded->head_length = buffer.length;
    return 0;
}

/* One attribute encoded (translate._Translator._copy): ``*code`` its attribute code (borrowed), ``encoded`` its
 * form and value; -1 on an error. */
static int encode_attribute(PyObject *context, PyObject *name, PyObject *attribute, PyObject **code_out,
                            Encoded *encoded) {
    PyObject *code = name;
    encoded->form = -1;
    encoded->object = NULL;
    encoded->block = NULL;
    encoded->head_length = 0;
    if (PyUnicode_Check(name)) {
        code = PyDict_GetItemWithError(PyTuple_GET_ITEM(context, U_AT_CODES), name);
        if (code == NULL) {
            if (!PyErr_Occurred()) {
                PyErr_SetObject(PyExc_KeyError, name);
            }
            return -1;
        }
    }
    *code_out = code;
    PyObject *form = attribute_field(attribute, FIELD_FORM);
    if (form == NULL) {
        return -1;
    }
    PyObject *kind_object = PyDict_GetItemWithError(PyTuple_GET_ITEM(context, U_FORM_KINDS), form);
    Py_DECREF(form);
    if (kind_object == NULL && PyErr_Occurred()) {
        return -1;
    }
    long kind = kind_object != NULL ? PyLong_AsLong(kind_object) : C_NONE; /* C_NONE: only a file index is kept */
    PyObject *value = attribute_field(attribute, FIELD_VALUE);
    if (value == NULL) {
        return -1;
    }
    int result = 0;
    if (kind == C_STRING) {
        /* The decoder gives every use of a producer string the same bytes: decoded once (``texts``), the same str
         * is looked up in the pooled strings each time, its hash made once. */
        PyObject *texts = PyTuple_GET_ITEM(context, U_TEXTS);
        PyObject *text = PyBytes_CheckExact(value) && PyDict_CheckExact(texts)
                             ? PyDict_GetItemWithError(texts, value) : NULL;
        if (text != NULL) {
            Py_INCREF(text);
        } else if (PyErr_Occurred()) {
            Py_DECREF(value);
            return -1;
        } else if (PyBytes_Check(value)) {
            text = PyUnicode_DecodeUTF8(PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value), "replace");
            if (text != NULL && PyBytes_CheckExact(value) && PyDict_CheckExact(texts) &&
                PyDict_SetItem(texts, value, text) < 0) {
                Py_CLEAR(text);
            }
        } else {
            text = PyUnicode_Check(value) ? Py_NewRef(value)
                                          : PyErr_Format(PyExc_TypeError, "a string attribute of no text");
        }
        Py_DECREF(value);
        if (text == NULL) {
            return -1;
        }
        encoded->form = 0x0e; /* DW_FORM_strp */
        encoded->object = text;
        return 0;
    }
    if (kind == C_REF_RELATIVE || kind == C_REF_ADDR || kind == C_REF_OTHER) {
        Py_DECREF(value);
        if (kind == C_REF_OTHER) {
            return 0; /* another file's or a type unit's DIE: not translated */
        }
        PyObject *raw = attribute_field(attribute, FIELD_RAW);
        if (raw == NULL) {
            return -1;
        }
        PyObject *target = kind == C_REF_ADDR ? PyNumber_Index(raw)
                                              : PyNumber_Add(raw, PyTuple_GET_ITEM(context, U_CU_OFFSET));
        Py_DECREF(raw);
        if (target == NULL) {
            return -1;
        }
        int skipped = PySet_Contains(PyTuple_GET_ITEM(context, U_SKIPPED), target);
        int known = skipped ? 0 : PyDict_Contains(PyTuple_GET_ITEM(context, U_DIE_OFFSETS), target);
        if (skipped < 0 || known < 0) {
            result = -1;
        } else if (!skipped && !known) {
            PyObject *ignored = PyObject_CallOneArg(PyTuple_GET_ITEM(context, U_MISSING), target);
            result = ignored == NULL ? -1 : 0;
            Py_XDECREF(ignored);
        } else if (known) {
            /* ``ref4`` inside the unit, ``ref_addr`` (section-relative, relocated) outside it. */
            int inside = PyObject_RichCompareBool(PyTuple_GET_ITEM(context, U_CU_OFFSET), target, Py_LE);
            if (inside > 0) {
                inside = PyObject_RichCompareBool(target, PyTuple_GET_ITEM(context, U_CU_END), Py_LT);
            }
            if (inside < 0) {
                result = -1;
            } else {
                PyObject *reference = PyTuple_Pack(3, target, inside ? PyTuple_GET_ITEM(context, U_UNIT_START)
                                                                     : Py_None, PyTuple_GET_ITEM(context, U_UNIT));
                if (reference == NULL) {
                    result = -1;
                } else {
                    encoded->form = inside ? 0x13 : 0x10;
                    encoded->object = reference;
                }
            }
        }
        Py_DECREF(target);
        return result;
    }
    long long shift = PyLong_AsLongLong(PyTuple_GET_ITEM(context, U_FILE_SHIFT));
    if (shift && PyLong_Check(value)) {
        int shifted = PySet_Contains(PyTuple_GET_ITEM(context, U_SHIFTED_NAMES), name);
        if (shifted) {
            unsigned long long file = PyLong_AsUnsignedLongLong(value);
            Py_DECREF(value);
            if (shifted < 0 || (file == (unsigned long long)-1 && PyErr_Occurred())) {
                return -1;
            }
            if (file > UINT64_MAX - (unsigned long long)shift) {
                PyErr_SetString(PyExc_OverflowError, "a file index beyond 64 bits");
                return -1;
            }
            return encoded_uleb(encoded, 0x0f, file + (unsigned long long)shift);
        }
    }
    if (kind >= C_DATA1 && kind <= C_DATA8) {
        Py_DECREF(value);
        static const int sizes[] = {1, 2, 4, 8};
        static const long forms[] = {0x0b, 0x05, 0x06, 0x07};
        int size = sizes[kind - C_DATA1];
        PyObject *raw = attribute_field(attribute, FIELD_RAW);
        if (raw == NULL) {
            return -1;
        }
        PyObject *index = PyNumber_Index(raw);
        Py_DECREF(raw);
        if (index == NULL) {
            return -1;
        }
        unsigned long long bits = PyLong_AsUnsignedLongLongMask(index); /* raw & (2**64 - 1) */
        Py_DECREF(index);
        if (bits == (unsigned long long)-1 && PyErr_Occurred()) {
            return -1;
        }
        char bits_bytes[8];
        for (int i = 0; i < size; i++) {
            bits_bytes[i] = (char)(bits >> (8 * i));
        }
        return encoded_bytes(encoded, forms[kind - C_DATA1], bits_bytes, size);
    }
    if (kind == C_SDATA || kind == C_UDATA) {
        PyObject *index = PyNumber_Index(value);
        Py_DECREF(value);
        if (index == NULL) {
            return -1;
        }
        int failed = 1;
        if (kind == C_SDATA) {
            long long number = PyLong_AsLongLong(index);
            if (!(number == -1 && PyErr_Occurred())) {
                Buffer buffer = {encoded->head, 0, sizeof encoded->head};
                put_sleb(&buffer, number);
                encoded->form = 0x0d;
                encoded->head_length = buffer.length;
                failed = 0;
            }
        } else {
            unsigned long long number = PyLong_AsUnsignedLongLong(index);
            if (!(number == (unsigned long long)-1 && PyErr_Occurred())) {
                failed = encoded_uleb(encoded, 0x0f, number);
            }
        }
        Py_DECREF(index);
        return failed ? -1 : 0;
    }
    if (kind == C_FLAG || kind == C_FLAG_PRESENT) {
        int truth = kind == C_FLAG ? PyObject_IsTrue(value) : 0;
        Py_DECREF(value);
        if (truth < 0) {
            return -1;
        }
        return encoded_bytes(encoded, kind == C_FLAG ? 0x0c : 0x19, truth ? "\1" : "\0", kind == C_FLAG ? 1 : 0);
    }
    if (kind == C_BLOCK || kind == C_EXPRLOC) {
        PyObject *data = PyBytes_FromObject(value);
        Py_DECREF(value);
        if (data == NULL) {
            return -1;
        }
        encoded_uleb(encoded, kind == C_EXPRLOC ? 0x18 : 0x09, (uint64_t)PyBytes_GET_SIZE(data));
        encoded->block = data;
        return 0;
    }
    Py_DECREF(value);
    return 0;
}

PyDoc_STRVAR(copy_attributes_doc,
"copy_attributes(context, attributes, out, skipped_names, special_names, special, /)\n--\n\n"
"translate._Translator._attributes' loop over a DIE's ``attributes`` (a dict by name): each copied as\n"
"``_copy`` copies it, appended to ``out`` as (attribute code, form code, value), in order; a name in\n"
"``skipped_names`` is left out, one in ``special_names`` is ``special(name, attribute)``'s list of attributes.\n"
"``context``: the unit's (attribute codes, form kinds, DIE offsets, skipped offsets, unit, its .debug_info\n"
"offset and end, output unit start, file shift, missing(target) for a reference to no DIE written, the names\n"
"whose file index shifts, the strings decoded so far: a dict by the producer's bytes).");

/* One attribute copied (translate._Translator._copy), appended to ``out`` as (code, form, value). */
static int copy_attribute(PyObject *context, PyObject *name, PyObject *attribute, PyObject *out) {
    PyObject *code = NULL;
    Encoded encoded;
    if (encode_attribute(context, name, attribute, &code, &encoded) < 0) {
        encoded_clear(&encoded);
        return -1;
    }
    if (encoded.form < 0) {
        return 0;
    }
    PyObject *value = encoded.object;
    if (value == NULL) {
        Py_ssize_t extra = encoded.block != NULL ? PyBytes_GET_SIZE(encoded.block) : 0;
        value = PyBytes_FromStringAndSize(NULL, encoded.head_length + extra);
        if (value != NULL) {
            memcpy(PyBytes_AS_STRING(value), encoded.head, (size_t)encoded.head_length);
            if (extra) {
                memcpy(PyBytes_AS_STRING(value) + encoded.head_length, PyBytes_AS_STRING(encoded.block), (size_t)extra);
            }
        }
        Py_CLEAR(encoded.block);
    }
    return append_attribute(out, code, encoded.form, value);
}

/* What write_child writes in C of a DIE beyond copying its attributes (translate._Translator._special's cases
 * that are not Python's to write): a variable's location (``location(attribute, frame, is_pointer, die)``, the
 * translator's ``_location``) and a pointer variable's type (a reference to the native pointer type made up for
 * ``pointer``, which joins ``native_pointees``). NULL: none of this, the special names go to ``special``. */
typedef struct {
    int variable;
    PyObject *pointer; /* the pointee triple (translate._Translator._pointer_pointee), or Py_None */
    PyObject *frame;
    PyObject *die;
    PyObject *location;        /* the callback */
    PyObject *native_pointees; /* set */
    PyObject *native_key;      /* "native pointer": the made-up type's key starts with it */
} Attributed;

static PyObject *name_location, *name_type; /* interned "DW_AT_location", "DW_AT_type" (plain_names_ready) */

static int extend_with(PyObject *out, PyObject *made) {
    /* Steals made. */
    if (made == NULL) {
        return -1;
    }
    PyObject *extended = PySequence_InPlaceConcat(out, made);
    Py_DECREF(made);
    Py_XDECREF(extended);
    return extended == NULL ? -1 : 0;
}

/* translate._Translator._special for DW_AT_type of a pointer variable: the reference to its native pointer type. */
static int native_pointer_type(PyObject *context, PyObject *name, const Attributed *attributed, PyObject *out) {
    if (PySet_Add(attributed->native_pointees, attributed->pointer) < 0) {
        return -1;
    }
    PyObject *pointer = attributed->pointer;
    if (!PyTuple_Check(pointer) || PyTuple_GET_SIZE(pointer) != 3) {
        PyErr_SetString(PyExc_TypeError, "a pointee is (qualifiers, tag, pointee)");
        return -1;
    }
    PyObject *code = PyDict_GetItemWithError(PyTuple_GET_ITEM(context, U_AT_CODES), name);
    if (code == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetObject(PyExc_KeyError, name);
        }
        return -1;
    }
    PyObject *unit_start = PyTuple_GET_ITEM(context, U_UNIT_START);
    PyObject *key = PyTuple_Pack(5, attributed->native_key, unit_start, PyTuple_GET_ITEM(pointer, 0),
                                 PyTuple_GET_ITEM(pointer, 1), PyTuple_GET_ITEM(pointer, 2));
    PyObject *reference = key != NULL ? PyTuple_Pack(3, key, unit_start, PyTuple_GET_ITEM(context, U_UNIT)) : NULL;
    Py_XDECREF(key);
    return append_attribute(out, code, 0x13, reference); /* DW_FORM_ref4 */
}

static int copy_attributes_into(PyObject *context, PyObject *attributes, PyObject *out, PyObject *skipped,
                                PyObject *special, PyObject *special_function, const Attributed *attributed) {
    Py_ssize_t position = 0;
    PyObject *name, *attribute;
    while (PyDict_Next(attributes, &position, &name, &attribute)) {
        Py_INCREF(name);
        Py_INCREF(attribute);
        int is_skipped = PySet_Contains(skipped, name);
        int is_special = is_skipped || special == NULL ? 0 : PySet_Contains(special, name);
        int failed = is_skipped < 0 || is_special < 0;
        if (!failed && is_special) {
            failed = extend_with(out, PyObject_CallFunctionObjArgs(special_function, name, attribute, NULL)) < 0;
        } else if (!failed && !is_skipped) {
            int is_name = PyUnicode_Check(name);
            if (attributed != NULL && attributed->variable && is_name && PyUnicode_Compare(name, name_location) == 0) {
                failed = extend_with(out, PyObject_CallFunctionObjArgs(
                                              attributed->location, attribute, attributed->frame,
                                              attributed->pointer != Py_None ? Py_True : Py_False, attributed->die,
                                              NULL)) < 0;
            } else if (attributed != NULL && attributed->pointer != Py_None && is_name &&
                       PyUnicode_Compare(name, name_type) == 0) {
                failed = native_pointer_type(context, name, attributed, out) < 0;
            } else {
                failed = copy_attribute(context, name, attribute, out) < 0;
            }
        }
        Py_DECREF(name);
        Py_DECREF(attribute);
        if (failed) {
            return -1;
        }
    }
    return 0;
}

static PyObject *copy_attributes(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("copy_attributes", nargs, 6)) {
        return NULL;
    }
    PyObject *context = args[0], *attributes = args[1], *out = args[2];
    if (!PyTuple_Check(context) || PyTuple_GET_SIZE(context) != U_SIZE || !PyDict_Check(attributes) ||
        !PyList_Check(out)) {
        PyErr_SetString(PyExc_TypeError, "copy_attributes: a unit context, a dict of attributes, a list");
        return NULL;
    }
    if (copy_attributes_into(context, attributes, out, args[3], args[4], args[5], NULL) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/* -- DIEs copied whole: write_children ---------------------------------------------------------------------------- */

/* The plain context (translate._Translator.plain_context), by index. */
enum {
    P_WRITE_CONTEXT, P_COPY_CONTEXT, P_SKIPPED, P_TAG_CODES, P_NOT_COPIED, P_RUST, P_DATA, P_TYPE_POINTEES, P_POINTEE, P_PCS, P_LOCATION, P_NATIVE_POINTEES,
    P_NATIVE_KEY, P_SHAPES, P_TRANSLATOR, P_DIE_OFFSETS, P_SIZE
};

/* Interned names the plain test compares with (made once). */
enum {
    N_LOW_PC, N_RANGES, N_FRAME_BASE, N_STMT_LIST, N_POINTER, N_REFERENCE, N_RVALUE_REFERENCE, N_COMPILE_UNIT,
    N_VARIABLE, N_FORMAL_PARAMETER, N_STRUCTURE, N_MEMBER, N_LOCATION, N_TYPE, N_ABSTRACT_ORIGIN, N_SUBROUTINE_TYPE,
    N_REF1, N_REF2, N_REF4, N_REF8, N_REF_UDATA, N_REF_ADDR, N_SUBPROGRAM, N_NAME, N_BASE, N_TYPEDEF,
    N_UNSPECIFIED, N_UNION, N_ENUMERATION, N_CLASS, N_CONST, N_VOLATILE, N_RESTRICT, N_ATOMIC, N_COUNT
};
static PyObject *plain_names[N_COUNT];

static int plain_names_ready(void) {
    static const char *texts[] = {"DW_AT_low_pc", "DW_AT_ranges", "DW_AT_frame_base", "DW_AT_stmt_list",
                                  "DW_TAG_pointer_type", "DW_TAG_reference_type", "DW_TAG_rvalue_reference_type",
                                  "DW_TAG_compile_unit", "DW_TAG_variable", "DW_TAG_formal_parameter",
                                  "DW_TAG_structure_type", "DW_TAG_member", "DW_AT_location", "DW_AT_type",
                                  "DW_AT_abstract_origin", "DW_TAG_subroutine_type", "DW_FORM_ref1", "DW_FORM_ref2",
                                  "DW_FORM_ref4", "DW_FORM_ref8", "DW_FORM_ref_udata", "DW_FORM_ref_addr",
                                  "DW_TAG_subprogram", "DW_AT_name", "DW_TAG_base_type", "DW_TAG_typedef",
                                  "DW_TAG_unspecified_type", "DW_TAG_union_type", "DW_TAG_enumeration_type",
                                  "DW_TAG_class_type", "DW_TAG_const_type", "DW_TAG_volatile_type",
                                  "DW_TAG_restrict_type", "DW_TAG_atomic_type"};
    if (plain_names[0] != NULL) {
        return 0;
    }
    for (int i = 0; i < N_COUNT; i++) {
        plain_names[i] = PyUnicode_InternFromString(texts[i]);
        if (plain_names[i] == NULL) {
            return -1;
        }
    }
    name_location = plain_names[N_LOCATION];
    name_type = plain_names[N_TYPE];
    return 0;
}

static int same_name(PyObject *tag, int which) {
    return PyUnicode_Check(tag) && PyUnicode_Compare(tag, plain_names[which]) == 0;
}

static int tag_in(PyObject *tag, int first, int last) {
    for (int which = first; which <= last; which++) {
        if (same_name(tag, which)) {
            return 1;
        }
    }
    return 0;
}

/* The children of ``die`` not skipped, as translate._Translator._die lists them (a new list). */
static PyObject *kept_children(TranslateDie *die, PyObject *skipped) {
    PyObject *children = PyList_New(0);
    if (children == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(die->children); i++) {
        TranslateDie *child = (TranslateDie *)PyList_GET_ITEM(die->children, i);
        int skip = PySet_Contains(skipped, child->offset);
        if (skip < 0 || (!skip && PyList_Append(children, (PyObject *)child) < 0)) {
            Py_DECREF(children);
            return NULL;
        }
    }
    return children;
}

/* translate._is_fat_pointer: two members named ``data_ptr`` and ``length``. */
static int is_fat_pointer(PyObject *children) {
    if (PyList_GET_SIZE(children) != 2) {
        return 0;
    }
    int seen_data = 0, seen_length = 0;
    for (Py_ssize_t i = 0; i < 2; i++) {
        TranslateDie *child = (TranslateDie *)PyList_GET_ITEM(children, i);
        if (!same_name(child->tag, N_MEMBER)) {
            return 0;
        }
        PyObject *name = PyDict_GetItemString(child->attributes, "DW_AT_name"); /* borrowed */
        PyObject *value = name != NULL ? PyObject_GetAttrString(name, "value") : NULL;
        if (value == NULL) {
            PyErr_Clear();
            return 0;
        }
        const char *text = PyBytes_Check(value) ? PyBytes_AS_STRING(value)
                           : PyUnicode_Check(value) ? PyUnicode_AsUTF8(value) : NULL;
        if (text == NULL) {
            PyErr_Clear();
        } else if (strcmp(text, "data_ptr") == 0) {
            seen_data++;
        } else if (strcmp(text, "length") == 0) {
            seen_length++;
        }
        Py_DECREF(value);
    }
    return seen_data == 1 && seen_length == 1;
}

/* translate._Translator._pointer_pointee(die) of the variable (or parameter) ``die`` (a new reference: the
 * pointee triple or None): its answer per type (``type_pointees``, made by it) where the type is a reference
 * seen before, else ``pointee(die)``, the Python itself (a type not seen yet, one reached through
 * DW_AT_abstract_origin, another form). */
static PyObject *variable_pointee(PyObject *context, TranslateDie *die) {
    if (Py_TYPE(die->parent) == &TranslateDieType && same_name(((TranslateDie *)die->parent)->tag,
                                                               N_SUBROUTINE_TYPE)) {
        Py_RETURN_NONE;
    }
    PyObject *type = PyDict_GetItemWithError(die->attributes, plain_names[N_TYPE]); /* borrowed */
    if (type == NULL && PyErr_Occurred()) {
        return NULL;
    }
    if (type != NULL && Py_TYPE(type) == &TranslateAttributeType) {
        TranslateAttribute *attribute = (TranslateAttribute *)type;
        int reference = 0;
        for (int which = N_REF1; which <= N_REF_ADDR && !reference; which++) {
            reference = same_name(attribute->form, which);
        }
        if (reference) {
            /* The value of a reference is its .debug_info offset (unit-relative ones made so by the decoder). */
            PyObject *pointee = PyDict_GetItemWithError(PyTuple_GET_ITEM(context, P_TYPE_POINTEES),
                                                        attribute->value);
            if (pointee != NULL) {
                return Py_NewRef(pointee);
            }
            if (PyErr_Occurred()) {
                return NULL;
            }
        }
    }
    return PyObject_CallOneArg(PyTuple_GET_ITEM(context, P_POINTEE), (PyObject *)die);
}

enum { WRITE_PYTHON, WRITE_PLAIN = 2, WRITE_ATTRIBUTED, WRITE_STAND_IN };

/* How ``die`` is written: WRITE_PLAIN as translate._Translator._die writes a DIE it has nothing to say about (its
 * attributes copied: no pc attributes, no location, no frame base, no line table, not a pointer type, not a
 * variable of a pointer type), WRITE_ATTRIBUTED likewise but for what ``Attributed`` writes and its pc attributes
 * (``pcs(die)``, the translator's ``_pcs``, first): a lexical block, an inlined subroutine, a variable with a
 * location or of a pointer type; WRITE_PYTHON by the translator (pointer types, units, functions with code, a line
 * table or a frame base); -1 on an error. ``*pointer``: a variable's pointee (a new reference), else NULL;
 * ``*pcs_out``: whether it has pc attributes. */
static int classify(PyObject *context, TranslateDie *die, PyObject **pointer, int *pcs_out) {
    PyObject *tag = die->tag, *attributes = die->attributes;
    *pointer = NULL;
    *pcs_out = 0;
    if (!PyDict_Check(attributes) || !PyList_Check(die->children)) {
        return WRITE_PYTHON;
    }
    if (PyUnicode_Check(tag)) {
        if (tag_in(tag, N_POINTER, N_RVALUE_REFERENCE)) {
            return WRITE_STAND_IN;
        }
        if (same_name(tag, N_COMPILE_UNIT)) {
            return WRITE_PYTHON;
        }
    }
    for (int which = N_FRAME_BASE; which <= N_STMT_LIST; which++) {
        int present = PyDict_Contains(attributes, plain_names[which]);
        if (present != 0) {
            return present < 0 ? -1 : WRITE_PYTHON;
        }
    }
    int pcs = 0;
    for (int which = N_LOW_PC; which <= N_RANGES && !pcs; which++) {
        pcs = PyDict_Contains(attributes, plain_names[which]);
        if (pcs < 0) {
            return -1;
        }
    }
    *pcs_out = pcs;
    if (pcs && same_name(tag, N_SUBPROGRAM)) {
        return WRITE_PYTHON; /* its frame, its return through memory */
    }
    int located = 0;
    if (same_name(tag, N_VARIABLE) || same_name(tag, N_FORMAL_PARAMETER)) {
        *pointer = variable_pointee(context, die);
        if (*pointer == NULL) {
            return -1;
        }
        located = PyDict_Contains(attributes, plain_names[N_LOCATION]);
        if (located < 0) {
            return -1;
        }
    }
    return pcs || located || (*pointer != NULL && *pointer != Py_None) ? WRITE_ATTRIBUTED : WRITE_PLAIN;
}

/* Bytes gathered before they are appended to .debug_info: on the stack, on the heap past that. */
typedef struct {
    char *data;
    Py_ssize_t length, capacity;
    char small[512];
} Scratch;

static int scratch_put(Scratch *scratch, const char *bytes, Py_ssize_t count) {
    if (scratch->length + count > scratch->capacity) {
        Py_ssize_t capacity = 2 * (scratch->length + count);
        char *grown = PyMem_Malloc((size_t)capacity);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        memcpy(grown, scratch->data, (size_t)scratch->length);
        if (scratch->data != scratch->small) {
            PyMem_Free(scratch->data);
        }
        scratch->data = grown;
        scratch->capacity = capacity;
    }
    if (count) {
        memcpy(scratch->data + scratch->length, bytes, (size_t)count);
    }
    scratch->length += count;
    return 0;
}

static int scratch_uleb(Scratch *scratch, uint64_t value) {
    char leb[LEB_MAX];
    Buffer buffer = {leb, 0, LEB_MAX};
    put_uleb(&buffer, value);
    return scratch_put(scratch, leb, buffer.length);
}

static void scratch_free(Scratch *scratch) {
    if (scratch->data != scratch->small) {
        PyMem_Free(scratch->data);
    }
}

/* A string or a reference of a DIE written by write_plain: where its 4 bytes are among the values, and it. */
typedef struct {
    Py_ssize_t at;
    PyObject *object;
} Pending;

/* The abbreviation code of the shape (tag, has_children, attribute and form pairs) as write_die makes it: the
 * translator's abbreviations keyed by the shape as Python tuples, found here by its bytes (the uleb128s of the tag,
 * has_children and each pair: ``shapes``), so a DIE makes no tuple of its shape once the shape is known. */
static PyObject *shape_code(PyObject *context, PyObject *tag_code, int has_children, const Scratch *signature,
                            const int64_t *pairs, Py_ssize_t pair_count) {
    PyObject *key = PyBytes_FromStringAndSize(signature->data, signature->length);
    if (key == NULL) {
        return NULL;
    }
    PyObject *shapes = PyTuple_GET_ITEM(context, P_SHAPES);
    PyObject *code = PyDict_GetItemWithError(shapes, key); /* borrowed */
    if (code != NULL || PyErr_Occurred()) {
        Py_DECREF(key);
        return code;
    }
    PyObject *tuple_pairs = PyTuple_New(pair_count);
    for (Py_ssize_t i = 0; tuple_pairs != NULL && i < pair_count; i++) {
        PyObject *attribute = PyLong_FromLongLong(pairs[2 * i]);
        PyObject *form = PyLong_FromLongLong(pairs[2 * i + 1]);
        PyObject *pair = attribute && form ? PyTuple_Pack(2, attribute, form) : NULL;
        Py_XDECREF(attribute);
        Py_XDECREF(form);
        if (pair == NULL) {
            Py_CLEAR(tuple_pairs);
        } else {
            PyTuple_SET_ITEM(tuple_pairs, i, pair);
        }
    }
    PyObject *shape = tuple_pairs != NULL ? PyTuple_Pack(3, tag_code, has_children ? Py_True : Py_False, tuple_pairs)
                                          : NULL;
    Py_XDECREF(tuple_pairs);
    PyObject *abbreviations = PyTuple_GET_ITEM(PyTuple_GET_ITEM(context, P_WRITE_CONTEXT), CONTEXT_ABBREVIATIONS);
    PyObject *next = shape != NULL ? PyLong_FromSsize_t(PyDict_GET_SIZE(abbreviations) + 1) : NULL;
    code = next != NULL ? PyDict_SetDefault(abbreviations, shape, next) : NULL; /* borrowed */
    Py_XDECREF(shape);
    Py_XDECREF(next);
    if (code != NULL && PyDict_SetItem(shapes, key, code) < 0) {
        code = NULL;
    }
    Py_DECREF(key);
    return code;
}

/* A DIE with nothing to say about it (WRITE_PLAIN) written as write_die writes copy_attributes' list of it, without
 * making that list: its attributes copied (encode_attribute) into a scratch buffer, its abbreviation found by its
 * shape's bytes (shape_code), then its code and values appended, with the relocations of its strings and the
 * fixups of its references. */
static int write_plain(PyObject *context, TranslateDie *die, PyObject *tag_code, int has_children) {
    PyObject *copy = PyTuple_GET_ITEM(context, P_COPY_CONTEXT);
    PyObject *write = PyTuple_GET_ITEM(context, P_WRITE_CONTEXT);
    PyObject *not_copied = PyTuple_GET_ITEM(context, P_NOT_COPIED);
    PyObject *data = PyTuple_GET_ITEM(write, CONTEXT_DATA);
    Py_ssize_t count = PyDict_GET_SIZE(die->attributes), pending_count = 0, pair_count = 0;
    Pending small_pending[16];
    int64_t small_pairs[32];
    Pending *pending = count <= 16 ? small_pending : PyMem_Malloc(sizeof(Pending) * (size_t)count);
    int64_t *pairs = count <= 16 ? small_pairs : PyMem_Malloc(sizeof(int64_t) * 2 * (size_t)count);
    Scratch values, signature;
    values.data = values.small;
    values.length = 0;
    values.capacity = sizeof values.small;
    signature.data = signature.small;
    signature.length = 0;
    signature.capacity = sizeof signature.small;
    int failed = 1;
    if (pending == NULL || pairs == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    long long tag = PyLong_AsLongLong(tag_code);
    if ((tag == -1 && PyErr_Occurred()) || scratch_uleb(&signature, (uint64_t)tag) < 0 ||
        scratch_put(&signature, has_children ? "\1" : "\0", 1) < 0) {
        goto done;
    }
    Py_ssize_t position = 0;
    PyObject *name, *attribute;
    while (PyDict_Next(die->attributes, &position, &name, &attribute)) {
        int is_skipped = PySet_Contains(not_copied, name);
        if (is_skipped < 0) {
            goto done;
        }
        if (is_skipped) {
            continue;
        }
        Py_INCREF(name);
        Py_INCREF(attribute);
        PyObject *code = NULL;
        Encoded encoded;
        int bad = encode_attribute(copy, name, attribute, &code, &encoded) < 0;
        long long code_value = bad || encoded.form < 0 ? 0 : PyLong_AsLongLong(code);
        Py_DECREF(name);
        Py_DECREF(attribute);
        if (bad || (code_value == -1 && PyErr_Occurred())) {
            encoded_clear(&encoded);
            goto done;
        }
        if (encoded.form < 0) {
            continue;
        }
        pairs[2 * pair_count] = code_value;
        pairs[2 * pair_count + 1] = encoded.form;
        pair_count++;
        if (scratch_uleb(&signature, (uint64_t)code_value) < 0 || scratch_uleb(&signature, (uint64_t)encoded.form) < 0) {
            encoded_clear(&encoded);
            goto done;
        }
        if (encoded.object != NULL) {
            pending[pending_count].at = values.length;
            pending[pending_count].object = encoded.object; /* the reference moves there */
            pending_count++;
            encoded.object = NULL;
            if (scratch_put(&values, "\0\0\0\0", 4) < 0) {
                goto done;
            }
        } else {
            int put = scratch_put(&values, encoded.head, encoded.head_length);
            if (put == 0 && encoded.block != NULL) {
                put = scratch_put(&values, PyBytes_AS_STRING(encoded.block), PyBytes_GET_SIZE(encoded.block));
            }
            encoded_clear(&encoded);
            if (put < 0) {
                goto done;
            }
        }
    }
    PyObject *code = shape_code(context, tag_code, has_children, &signature, pairs, pair_count); /* borrowed */
    if (code == NULL) {
        goto done;
    }
    uint64_t code_value = PyLong_AsUnsignedLongLong(code);
    if (code_value == (uint64_t)-1 && PyErr_Occurred()) {
        goto done;
    }
    Py_ssize_t start_at = PyByteArray_GET_SIZE(data);
    PyObject *start = PyLong_FromSsize_t(start_at);
    if (start == NULL || PyDict_SetItem(PyTuple_GET_ITEM(write, CONTEXT_OFFSETS), die->offset, start) < 0) {
        Py_XDECREF(start);
        goto done;
    }
    Py_DECREF(start);
    char leb[LEB_MAX];
    Buffer encoded_code = {leb, 0, LEB_MAX};
    put_uleb(&encoded_code, code_value);
    if (PyByteArray_Resize(data, start_at + encoded_code.length + values.length) < 0) {
        goto done;
    }
    char *out = PyByteArray_AS_STRING(data) + start_at;
    memcpy(out, leb, (size_t)encoded_code.length);
    if (values.length) {
        memcpy(out + encoded_code.length, values.data, (size_t)values.length);
    }
    Py_ssize_t values_at = start_at + encoded_code.length;
    for (Py_ssize_t i = 0; i < pending_count; i++) {
        PyObject *object = pending[i].object;
        int bad = PyUnicode_CheckExact(object) ? string_relocation(write, values_at + pending[i].at, object)
                                               : reference_fixup(write, values_at + pending[i].at, object);
        if (bad < 0) {
            goto done;
        }
    }
    failed = 0;
done:
    for (Py_ssize_t i = 0; i < pending_count; i++) {
        Py_DECREF(pending[i].object);
    }
    if (pending != small_pending) {
        PyMem_Free(pending);
    }
    if (pairs != small_pairs) {
        PyMem_Free(pairs);
    }
    scratch_free(&values);
    scratch_free(&signature);
    return failed ? -1 : 0;
}

/* -- pointer types: their stand-ins ----------------------------------------------------------------------------- */

/* translate._Translator._referenced(die, "DW_AT_type"): the DIE it names among those written, else NULL (borrowed;
 * no error is raised). The value of a reference is its .debug_info offset (unit-relative ones made so by the
 * decoder), what _target computes; other forms name no DIE here. */
static TranslateDie *referenced_type(PyObject *context, TranslateDie *die) {
    PyObject *type = PyDict_GetItemWithError(die->attributes, plain_names[N_TYPE]); /* borrowed */
    if (type == NULL || Py_TYPE(type) != &TranslateAttributeType) {
        return NULL;
    }
    TranslateAttribute *attribute = (TranslateAttribute *)type;
    int reference = 0;
    for (int which = N_REF1; which <= N_REF_ADDR && !reference; which++) {
        reference = same_name(attribute->form, which);
    }
    if (!reference || attribute->value == NULL) {
        return NULL;
    }
    PyObject *target = PyDict_GetItemWithError(PyTuple_GET_ITEM(context, P_DIE_OFFSETS), attribute->value);
    return target != NULL && Py_TYPE(target) == &TranslateDieType ? (TranslateDie *)target : NULL;
}

static int ends_with_star(PyObject *text) {
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    return length > 0 && PyUnicode_READ_CHAR(text, length - 1) == '*';
}

/* translate._Translator._type_name: the C spelling of the type ``die`` (NULL: void) describes, or None (a new
 * reference; NULL with an exception on an error). */
static PyObject *type_name(PyObject *context, TranslateDie *die, int depth) {
    if (die == NULL) {
        return PyUnicode_FromString("void");
    }
    PyObject *tag = die->tag;
    if (depth > 8 || same_name(tag, N_SUBROUTINE_TYPE) || !PyDict_Check(die->attributes)) {
        Py_RETURN_NONE;
    }
    TranslateDie *inner = referenced_type(context, die);
    if (PyErr_Occurred()) {
        return NULL;
    }
    PyObject *text = NULL; /* borrowed or owned: ``owned`` */
    PyObject *name = PyDict_GetItemWithError(die->attributes, plain_names[N_NAME]);
    if (name == NULL && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *value = name != NULL ? attribute_field(name, FIELD_VALUE) : NULL;
    if (name != NULL && value == NULL) {
        return NULL;
    }
    if (value != NULL && PyBytes_Check(value)) {
        text = PyUnicode_DecodeUTF8(PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value), "replace");
        Py_DECREF(value);
        if (text == NULL) {
            return NULL;
        }
    } else if (value != NULL && PyUnicode_Check(value)) {
        text = value;
    } else {
        Py_XDECREF(value);
    }
    PyObject *result = NULL;
    if (same_name(tag, N_BASE) || same_name(tag, N_TYPEDEF) || same_name(tag, N_UNSPECIFIED)) {
        result = text != NULL ? Py_NewRef(text) : Py_NewRef(Py_None);
    } else if (same_name(tag, N_STRUCTURE) || same_name(tag, N_UNION) || same_name(tag, N_ENUMERATION) ||
               same_name(tag, N_CLASS)) {
        const char *keyword = same_name(tag, N_STRUCTURE) ? "struct" : same_name(tag, N_UNION) ? "union"
                              : same_name(tag, N_ENUMERATION) ? "enum" : "class";
        result = text != NULL && PyUnicode_GET_LENGTH(text) > 0 ? PyUnicode_FromFormat("%s %U", keyword, text)
                                                                : Py_NewRef(Py_None);
    } else if (same_name(tag, N_CONST) || same_name(tag, N_VOLATILE)) {
        const char *qualifier = same_name(tag, N_CONST) ? "const" : "volatile";
        PyObject *spelled = type_name(context, inner, depth + 1);
        if (spelled != NULL) {
            result = spelled == Py_None ? Py_NewRef(Py_None)
                     : ends_with_star(spelled) ? PyUnicode_FromFormat("%U %s", spelled, qualifier)
                                               : PyUnicode_FromFormat("%s %U", qualifier, spelled);
            Py_DECREF(spelled);
        }
    } else if (tag_in(tag, N_POINTER, N_RVALUE_REFERENCE)) {
        const char *mark = same_name(tag, N_POINTER) ? "*" : same_name(tag, N_REFERENCE) ? "&" : "&&";
        PyObject *spelled = type_name(context, inner, depth + 1);
        if (spelled != NULL) {
            result = spelled == Py_None ? Py_NewRef(Py_None)
                     : ends_with_star(spelled) ? PyUnicode_FromFormat("%U%s", spelled, mark)
                                               : PyUnicode_FromFormat("%U %s", spelled, mark);
            Py_DECREF(spelled);
        }
    } else {
        result = Py_NewRef(Py_None);
    }
    Py_XDECREF(text);
    return result;
}

/* translate._Translator._points_to_function. */
static int points_to_function(PyObject *context, TranslateDie *die) {
    TranslateDie *current = referenced_type(context, die);
    for (int hop = 0; hop < 16; hop++) {
        if (current == NULL || !(same_name(current->tag, N_TYPEDEF) || tag_in(current->tag, N_CONST, N_ATOMIC)) ||
            !PyDict_Check(current->attributes) || PyDict_Contains(current->attributes, plain_names[N_TYPE]) != 1) {
            break;
        }
        current = referenced_type(context, current);
    }
    if (PyErr_Occurred()) {
        return -1;
    }
    return current != NULL && same_name(current->tag, N_SUBROUTINE_TYPE);
}

/* translate._Translator._pointer_stand_in, written here: ``typedef unsigned int __wasm32_ptr<T *>``. */
static int write_stand_in(PyObject *context, TranslateDie *die) {
    PyObject *spelled = type_name(context, die, 0);
    if (spelled == NULL) {
        return -1;
    }
    int function = points_to_function(context, die);
    PyObject *name = function < 0 ? NULL
                     : function ? PyUnicode_FromString("__wasm32_funcptr")
                     : spelled != Py_None && same_name(die->tag, N_POINTER) ? PyUnicode_FromFormat("__wasm32_ptr<%U>",
                                                                                                   spelled)
                                                                            : PyUnicode_FromString("__wasm32_ptr");
    Py_DECREF(spelled);
    if (name == NULL) {
        return -1;
    }
    PyObject *copy = PyTuple_GET_ITEM(context, P_COPY_CONTEXT);
    PyObject *unit_start = PyTuple_GET_ITEM(copy, U_UNIT_START);
    PyObject *key = Py_BuildValue("(sO)", "wasm32 offset", unit_start);
    PyObject *reference = key != NULL ? PyTuple_Pack(3, key, unit_start, PyTuple_GET_ITEM(copy, U_UNIT)) : NULL;
    Py_XDECREF(key);
    PyObject *attributes = reference != NULL ? Py_BuildValue("[(iiN)(iiN)]", 0x03, 0x0e, name, 0x49, 0x13, reference)
                                             : NULL; /* DW_AT_name strp, DW_AT_type ref4 */
    if (attributes == NULL) {
        Py_XDECREF(reference);
        if (reference == NULL) {
            Py_DECREF(name);
        }
        return -1;
    }
    PyObject *tag = PyLong_FromLong(0x16); /* DW_TAG_typedef */
    PyObject *write_args[5] = {PyTuple_GET_ITEM(context, P_WRITE_CONTEXT), die->offset, tag, Py_False, attributes};
    PyObject *written = tag != NULL ? write_die(NULL, write_args, 5) : NULL;
    Py_XDECREF(tag);
    Py_DECREF(attributes);
    if (written == NULL) {
        return -1;
    }
    Py_DECREF(written);
    return PyObject_SetAttrString(PyTuple_GET_ITEM(context, P_TRANSLATOR), "wasm32_offset_used", Py_True);
}

static int write_plain_children(PyObject *context, PyObject *children, PyObject *frame, PyObject *callback);

/* One DIE of ``children``: written here unless ``classify`` leaves it to ``callback(die, frame)``
 * (translate._Translator._die). */
static int write_child(PyObject *context, TranslateDie *die, PyObject *frame, PyObject *callback) {
    PyObject *pointer = NULL;
    int pcs = 0;
    int how = classify(context, die, &pointer, &pcs);
    if (how < 0) {
        return -1;
    }
    if (how == WRITE_STAND_IN) {
        return write_stand_in(context, die); /* its children (there are none) are not written */
    }
    PyObject *children = NULL;
    if (how != WRITE_PYTHON) {
        children = kept_children(die, PyTuple_GET_ITEM(context, P_SKIPPED));
        if (children == NULL) {
            Py_XDECREF(pointer);
            return -1;
        }
        if (PyObject_IsTrue(PyTuple_GET_ITEM(context, P_RUST)) && same_name(die->tag, N_STRUCTURE) &&
            is_fat_pointer(children)) {
            how = WRITE_PYTHON; /* a Rust slice: a made-up member after its children (translate._fat_pointer_marker) */
        }
    }
    if (how == WRITE_PYTHON) {
        Py_XDECREF(children);
        Py_XDECREF(pointer);
        PyObject *done = PyObject_CallFunctionObjArgs(callback, (PyObject *)die, frame, NULL);
        Py_XDECREF(done);
        return done == NULL ? -1 : 0;
    }
    int failed = 1;
    PyObject *out = NULL, *code = NULL;
    if (PyLong_Check(die->tag)) {
        code = Py_NewRef(die->tag);
    } else {
        code = PyDict_GetItemWithError(PyTuple_GET_ITEM(context, P_TAG_CODES), die->tag);
        if (code == NULL) {
            if (!PyErr_Occurred()) {
                PyErr_SetObject(PyExc_KeyError, die->tag);
            }
            goto done;
        }
        Py_INCREF(code);
    }
    int has_children = PyList_GET_SIZE(children) > 0;
    if (how == WRITE_PLAIN) {
        if (write_plain(context, die, code, has_children) < 0) {
            goto done;
        }
        goto children;
    }
    /* WRITE_ATTRIBUTED: as translate._Translator._attributes, its pc attributes first. */
    out = pcs ? PyObject_CallOneArg(PyTuple_GET_ITEM(context, P_PCS), (PyObject *)die) : PyList_New(0);
    if (out != NULL && !PyList_CheckExact(out)) {
        Py_SETREF(out, PySequence_List(out));
    }
    if (out == NULL) {
        goto done;
    }
    Attributed attributed = {pointer != NULL, pointer != NULL ? pointer : Py_None, frame, (PyObject *)die,
                             PyTuple_GET_ITEM(context, P_LOCATION), PyTuple_GET_ITEM(context, P_NATIVE_POINTEES),
                             PyTuple_GET_ITEM(context, P_NATIVE_KEY)};
    if (copy_attributes_into(PyTuple_GET_ITEM(context, P_COPY_CONTEXT), die->attributes, out,
                             PyTuple_GET_ITEM(context, P_NOT_COPIED), NULL, NULL, &attributed) < 0) {
        goto done;
    }
    PyObject *write_args[5] = {PyTuple_GET_ITEM(context, P_WRITE_CONTEXT), die->offset, code,
                               has_children ? Py_True : Py_False, out};
    PyObject *written = write_die(NULL, write_args, 5);
    if (written == NULL) {
        goto done;
    }
    Py_DECREF(written);
children:
    if (has_children) {
        if (write_plain_children(context, children, frame, callback) < 0 ||
            PyByteArray_Resize(PyTuple_GET_ITEM(context, P_DATA),
                               PyByteArray_GET_SIZE(PyTuple_GET_ITEM(context, P_DATA)) + 1) < 0) {
            goto done;
        }
        PyObject *data = PyTuple_GET_ITEM(context, P_DATA);
        PyByteArray_AS_STRING(data)[PyByteArray_GET_SIZE(data) - 1] = 0; /* the end of the children */
    }
    failed = 0;
done:
    Py_XDECREF(out);
    Py_XDECREF(code);
    Py_XDECREF(children);
    Py_XDECREF(pointer);
    return failed ? -1 : 0;
}

static int write_plain_children(PyObject *context, PyObject *children, PyObject *frame, PyObject *callback) {
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(children); i++) {
        PyObject *child = PyList_GET_ITEM(children, i);
        if (Py_TYPE(child) != &TranslateDieType) {
            PyErr_SetString(PyExc_TypeError, "write_children: children are DIEs");
            return -1;
        }
        Py_INCREF(child); /* a callback could drop the list's reference */
        int failed = write_child(context, (TranslateDie *)child, frame, callback);
        Py_DECREF(child);
        if (failed) {
            return -1;
        }
    }
    return 0;
}

PyDoc_STRVAR(write_children_doc,
"write_children(context, children, frame, callback, /)\n--\n\n"
"translate._Translator._die over ``children`` (DIEs, none skipped): each DIE the translation has nothing to say\n"
"about (no pc attributes, location, frame base or line table; not a pointer type, a variable of a pointer type\n"
"or a Rust slice) is written here, its attributes copied as copy_attributes copies them, and its children after\n"
"it likewise; so are lexical blocks, inlined subroutines and variables with a location or of a pointer type, the\n"
"translator called back only for what it computes (``_pcs``, ``_location``, ``_pointer_pointee`` of a type not\n"
"seen before), and pointer types' stand-ins (``_pointer_stand_in``); any other DIE (functions with code, units,\n"
"Rust slices) is ``callback(die, frame)``. In Python the per-DIE calls were most of the translation of a module whose DWARF is mostly types (a\n"
"Rust program's std). ``context``: (write_context, copy_context, skipped offsets, tag codes by name, the\n"
"attributes not copied, whether the unit is Rust, .debug_info's bytearray, the pointees by variable type\n"
"(``_Translator.type_pointees``), ``_pointer_pointee``, ``_pcs``, ``_location``, the unit's native pointees, the\n"
"key of a native pointer type, the abbreviation codes by shape bytes, the translator, its DIEs by offset).");

static PyObject *write_children(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("write_children", nargs, 4)) {
        return NULL;
    }
    PyObject *context = args[0], *children = args[1];
    if (!PyTuple_Check(context) || PyTuple_GET_SIZE(context) != P_SIZE || !PyList_Check(children) ||
        !PyByteArray_Check(PyTuple_GET_ITEM(context, P_DATA)) || !PyAnySet_Check(PyTuple_GET_ITEM(context, P_SKIPPED)) ||
        !PyDict_Check(PyTuple_GET_ITEM(context, P_TAG_CODES)) || !PyDict_Check(PyTuple_GET_ITEM(context, P_TYPE_POINTEES))) {
        PyErr_SetString(PyExc_TypeError, "write_children: a plain context and a list of DIEs");
        return NULL;
    }
    if (plain_names_ready() < 0 || write_plain_children(context, children, args[2], args[3]) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(resolve_fixups_doc,
"resolve_fixups(fixups, offsets, data, relocations, Relocation, SECTION_OFFSET, section, /)\n--\n\n"
"translate._Translator._run's loop over the references written (``fixups``: position, target, output unit start\n"
"or None, producer unit), in order: a reference within its unit patched in ``data`` (4 bytes, little-endian, the\n"
"target's offset from the unit start), one to another unit a relocation (``Relocation(position, SECTION_OFFSET,\n"
"4, section, offset)``) appended to ``relocations``. Returns the index of the first fixup it leaves to the\n"
"Python loop (its target unwritten, a value past 32 bits), else the number of fixups.");

static PyObject *resolve_fixups(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("resolve_fixups", nargs, 7)) {
        return NULL;
    }
    PyObject *fixups = args[0], *offsets = args[1], *data = args[2], *relocations = args[3], *kind = args[5],
             *section = args[6];
    if (!PyList_Check(fixups) || !PyDict_Check(offsets) || !PyByteArray_Check(data) || !PyList_Check(relocations) ||
        !PyType_Check(args[4]) || !PyType_IsSubtype((PyTypeObject *)args[4], &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "resolve_fixups: a list, a dict, a bytearray, a list, a named tuple type");
        return NULL;
    }
    PyTypeObject *relocation_type = (PyTypeObject *)args[4];
    Py_ssize_t count = PyList_GET_SIZE(fixups);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *fixup = PyList_GET_ITEM(fixups, i);
        if (!PyTuple_Check(fixup) || PyTuple_GET_SIZE(fixup) != 4) {
            return PyLong_FromSsize_t(i);
        }
        PyObject *offset = PyDict_GetItemWithError(offsets, PyTuple_GET_ITEM(fixup, 1)); /* borrowed */
        if (offset == NULL) {
            if (PyErr_Occurred()) {
                return NULL;
            }
            return PyLong_FromSsize_t(i);
        }
        PyObject *unit_start = PyTuple_GET_ITEM(fixup, 2);
        PyObject *position = PyTuple_GET_ITEM(fixup, 0);
        if (unit_start == Py_None) {
            PyObject *size = PyLong_FromLong(4);
            PyObject *relocation = size != NULL ? relocation_type->tp_alloc(relocation_type, 5) : NULL;
            if (relocation == NULL) {
                Py_XDECREF(size);
                return NULL;
            }
            PyTuple_SET_ITEM(relocation, 0, Py_NewRef(position));
            PyTuple_SET_ITEM(relocation, 1, Py_NewRef(kind));
            PyTuple_SET_ITEM(relocation, 2, size);
            PyTuple_SET_ITEM(relocation, 3, Py_NewRef(section));
            PyTuple_SET_ITEM(relocation, 4, Py_NewRef(offset));
            untracked(relocation);
            int failed = PyList_Append(relocations, relocation);
            Py_DECREF(relocation);
            if (failed) {
                return NULL;
            }
            continue;
        }
        int overflow = 0;
        long long at = PyLong_Check(position) ? PyLong_AsLongLongAndOverflow(position, &overflow) : -1;
        long long target = PyLong_Check(offset) ? PyLong_AsLongLongAndOverflow(offset, &overflow) : -1;
        long long start = PyLong_Check(unit_start) ? PyLong_AsLongLongAndOverflow(unit_start, &overflow) : -1;
        if (PyErr_Occurred()) {
            return NULL;
        }
        long long value = target - start;
        if (overflow || at < 0 || target < 0 || start < 0 || value < 0 || value > 0xffffffffLL ||
            at > PyByteArray_GET_SIZE(data) - 4) {
            return PyLong_FromSsize_t(i); /* the Python loop raises what it raises */
        }
        unsigned char *out = (unsigned char *)PyByteArray_AS_STRING(data) + at;
        for (int k = 0; k < 4; k++) {
            out[k] = (unsigned char)(value >> (8 * k));
        }
    }
    return PyLong_FromSsize_t(count);
}

PyDoc_STRVAR(index_dies_doc,
"index_dies(dies, call_site_tags, skipped, die_offsets, /)\n--\n\n"
"translate._Translator._run's loop over a unit's decoded DIEs: the offset of each call site (its tag in\n"
"``call_site_tags``) added to ``skipped``, every other DIE entered in ``die_offsets`` by its offset.");

static PyObject *index_dies(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("index_dies", nargs, 4)) {
        return NULL;
    }
    PyObject *dies = args[0], *tags = args[1], *skipped = args[2], *offsets = args[3];
    if (!PyList_Check(dies) || !PyAnySet_Check(tags) || !PySet_Check(skipped) || !PyDict_Check(offsets)) {
        PyErr_SetString(PyExc_TypeError, "index_dies: a list, a set of tags, a set, a dict");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(dies); i++) {
        PyObject *die = PyList_GET_ITEM(dies, i);
        if (Py_TYPE(die) != &TranslateDieType) {
            PyErr_SetString(PyExc_TypeError, "index_dies: DIEs");
            return NULL;
        }
        TranslateDie *self = (TranslateDie *)die;
        int call_site = PySet_Contains(tags, self->tag);
        if (call_site < 0 || (call_site ? PySet_Add(skipped, self->offset) : PyDict_SetItem(offsets, self->offset, die)) < 0) {
            return NULL;
        }
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"line_rows", (PyCFunction)(void (*)(void))line_rows, METH_FASTCALL, line_rows_doc},
    {"function_pieces", (PyCFunction)(void (*)(void))function_pieces, METH_FASTCALL, function_pieces_doc},
    {"line_sequences", (PyCFunction)(void (*)(void))line_sequences, METH_FASTCALL, line_sequences_doc},
    {"range_map", (PyCFunction)(void (*)(void))range_map, METH_FASTCALL, range_map_doc},
    {"copy_attributes", (PyCFunction)(void (*)(void))copy_attributes, METH_FASTCALL, copy_attributes_doc},
    {"write_die", (PyCFunction)(void (*)(void))write_die, METH_FASTCALL, write_die_doc},
    {"write_children", (PyCFunction)(void (*)(void))write_children, METH_FASTCALL, write_children_doc},
    {"resolve_fixups", (PyCFunction)(void (*)(void))resolve_fixups, METH_FASTCALL, resolve_fixups_doc},
    {"write_ranges", (PyCFunction)(void (*)(void))write_ranges, METH_FASTCALL, write_ranges_doc},
    {"index_dies", (PyCFunction)(void (*)(void))index_dies, METH_FASTCALL, index_dies_doc},
    {"decode_dies", (PyCFunction)(void (*)(void))translate_decode_dies, METH_FASTCALL, translate_decode_dies_doc},
    {"scan_barriers", (PyCFunction)(void (*)(void))translate_scan_barriers, METH_FASTCALL,
     translate_scan_barriers_doc},
    {"scan_discarded", (PyCFunction)(void (*)(void))translate_scan_discarded, METH_FASTCALL,
     translate_scan_discarded_doc},
    {"discarded_ranges", (PyCFunction)(void (*)(void))translate_discarded_ranges, METH_FASTCALL,
     translate_discarded_ranges_doc},
    {"release_dies", translate_release_dies, METH_O, translate_release_dies_doc},
    {"read_abbreviations", (PyCFunction)(void (*)(void))translate_read_abbreviations, METH_FASTCALL,
     translate_read_abbreviations_doc},
    {NULL, NULL, 0, NULL},
};

static int add_types(PyObject *module) {
    PyTypeObject *types[] = {&RangeMapType, &TranslateAttributeType, &TranslateDieType};
    const char *names[] = {"RangeMap", "Attribute", "Die"};
    for (int i = 0; i < 3; i++) {
        if (PyType_Ready(types[i]) < 0 || PyModule_AddObjectRef(module, names[i], (PyObject *)types[i]) < 0) {
            return -1;
        }
    }
    return 0;
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, (void *)add_types},
    {0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT,
    .m_name = "emitter.dwarf._translate",
    .m_doc = "The per-DIE and per-row loops of the producer-DWARF translation (DIEs decoded, line programs read and "
             "written, native pieces and ranges), in C.",
    .m_size = 0,
    .m_methods = methods,
    .m_slots = slots,
};

PyMODINIT_FUNC PyInit__translate(void) { return PyModuleDef_Init(&module_definition); }
