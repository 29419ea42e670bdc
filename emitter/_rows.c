/* emitter._rows: the per-row loops of the debug-information encoders.
 *
 * A module has one line-table row per Wasm instruction (hundreds of thousands in a large module), and the debug
 * encoders visit each: in Python that loop dominated the cost of debug information. The rows arrive packed as
 * ``LineTable`` stores them, five int64 per row (code_offset, line, column, wasm_offset, flags), all functions
 * concatenated, with the index of each function's first row; the encoders return one ``bytes`` per function.
 * Python keeps the per-module and per-function glue (headers, addresses and their relocations, strings).
 *
 * Invalid input raises ValueError naming the row; the Python callers turn it into their typed error.
 *
 * Separate parts at the end hold the relocation loop of in-memory images (emitter/obj/elf.py) and the DWARF
 * subprogram DIEs of functions that share a shape (emitter/dwarf/info.py).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ROW_FIELDS = 5, ROW_SIZE = ROW_FIELDS * 8 };
enum { CODE_OFFSET, LINE, COLUMN, WASM_OFFSET, FLAGS };

/* compiled.py: LineTable flag bits and the Wasm offset of compiler-made code. */
#define IS_STATEMENT 1
#define PROLOGUE_END 2
#define EPILOGUE_BEGIN 4
#define NO_WASM_OFFSET (-1)

/* DWARF 5, section 6.2.5: the standard and extended line-number opcodes the encoder writes. */
#define DW_LNS_advance_pc 0x02
#define DW_LNS_advance_line 0x03
#define DW_LNS_set_column 0x05
#define DW_LNS_negate_stmt 0x06
#define DW_LNS_const_add_pc 0x08
#define DW_LNS_set_prologue_end 0x0a
#define DW_LNS_set_epilogue_begin 0x0b
#define DW_LNE_end_sequence 0x01

/* -- packed rows ------------------------------------------------------------------------------------------- */

typedef struct {
    Py_buffer view;
    Py_ssize_t row_count;
    Py_ssize_t function_count;
    Py_ssize_t *starts; /* function_count + 1 row indexes, non-decreasing, from 0 to row_count */
} Rows;

static int64_t field(const Rows *rows, Py_ssize_t row, int column) {
    int64_t value; /* memcpy: a buffer need not be 8-byte aligned */
    memcpy(&value, (const char *)rows->view.buf + row * ROW_SIZE + column * 8, sizeof value);
    return value;
}

static void rows_release(Rows *rows) {
    PyMem_Free(rows->starts);
    if (rows->view.obj != NULL) {
        PyBuffer_Release(&rows->view);
    }
}

/* Read the packed rows and the per-function start indexes (a sequence of function_count + 1 ints). */
static int rows_parse(Rows *rows, PyObject *data, PyObject *starts) {
    memset(rows, 0, sizeof *rows);
    if (PyObject_GetBuffer(data, &rows->view, PyBUF_SIMPLE) < 0) {
        return -1;
    }
    if (rows->view.len % ROW_SIZE != 0) {
        PyErr_Format(PyExc_ValueError, "packed rows of %zd bytes: not a multiple of %d", rows->view.len, ROW_SIZE);
        return -1;
    }
    rows->row_count = rows->view.len / ROW_SIZE;
    PyObject *fast = PySequence_Fast(starts, "function starts must be a sequence of ints");
    if (fast == NULL) {
        return -1;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(fast);
    if (count < 1) {
        Py_DECREF(fast);
        PyErr_SetString(PyExc_ValueError, "function starts must hold at least the end index");
        return -1;
    }
    rows->function_count = count - 1;
    rows->starts = PyMem_New(Py_ssize_t, count);
    if (rows->starts == NULL) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t previous = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t start = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(fast, i));
        if (start == -1 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
        if (start < previous || start > rows->row_count || (i == 0 && start != 0) ||
            (i == count - 1 && start != rows->row_count)) {
            Py_DECREF(fast);
            PyErr_Format(PyExc_ValueError, "function start %zd (function %zd) does not fit %zd rows", start, i,
                         rows->row_count);
            return -1;
        }
        rows->starts[i] = previous = start;
    }
    Py_DECREF(fast);
    return 0;
}

/* Read a sequence of function_count non-negative int64s (the functions' code sizes). */
static int64_t *sizes_parse(PyObject *sizes, Py_ssize_t function_count) {
    PyObject *fast = PySequence_Fast(sizes, "code sizes must be a sequence of ints");
    if (fast == NULL) {
        return NULL;
    }
    if (PySequence_Fast_GET_SIZE(fast) != function_count) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "%zd code sizes for %zd functions", PySequence_Fast_GET_SIZE(fast),
                     function_count);
        return NULL;
    }
    int64_t *values = PyMem_New(int64_t, function_count ? function_count : 1);
    if (values == NULL) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < function_count; i++) {
        long long value = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(fast, i));
        if (value == -1 && PyErr_Occurred()) {
            break;
        }
        if (value < 0) {
            PyErr_Format(PyExc_ValueError, "negative code size %lld (function %zd)", value, i);
            break;
        }
        values[i] = value;
    }
    Py_DECREF(fast);
    if (PyErr_Occurred()) {
        PyMem_Free(values);
        return NULL;
    }
    return values;
}

/* -- output buffer ----------------------------------------------------------------------------------------- */

typedef struct {
    unsigned char *data;
    Py_ssize_t size;
    Py_ssize_t capacity;
} Buffer;

/* Room for ``extra`` more bytes. */
static int buffer_reserve(Buffer *out, Py_ssize_t extra) {
    if (out->size + extra <= out->capacity) {
        return 0;
    }
    Py_ssize_t capacity = out->capacity ? out->capacity : 256;
    while (capacity < out->size + extra) {
        if (capacity > PY_SSIZE_T_MAX / 2) {
            PyErr_NoMemory();
            return -1;
        }
        capacity *= 2;
    }
    unsigned char *data = PyMem_Realloc(out->data, capacity);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    out->data = data;
    out->capacity = capacity;
    return 0;
}

/* The writers below assume room reserved: a ULEB128/SLEB128 of 64 bits takes at most 10 bytes. */
enum { LEB_MAX = 10 };

static void put_byte(Buffer *out, unsigned char byte) { out->data[out->size++] = byte; }

static void put_uleb(Buffer *out, uint64_t value) {
    while (value >= 0x80) {
        out->data[out->size++] = (unsigned char)(value & 0x7f) | 0x80;
        value >>= 7;
    }
    out->data[out->size++] = (unsigned char)value;
}

static void put_sleb(Buffer *out, int64_t value) {
    for (;;) {
        unsigned char byte = (unsigned char)(value & 0x7f);
        value >>= 7; /* arithmetic shift: gcc and clang define it for signed values */
        if ((value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40))) {
            out->data[out->size++] = byte;
            return;
        }
        out->data[out->size++] = byte | 0x80;
    }
}

static int check_arguments(const char *name, Py_ssize_t nargs, Py_ssize_t expected) {
    if (nargs != expected) {
        PyErr_Format(PyExc_TypeError, "%s() takes %zd positional arguments (%zd given)", name, expected, nargs);
        return 0;
    }
    return 1;
}

/* -- .jitdebug.wasm line maps ------------------------------------------------------------------------------ */

typedef struct {
    int64_t code_offset;
    Py_ssize_t row;
} SortKey;

static int compare_keys(const void *a, const void *b) {
    const SortKey *left = a, *right = b;
    if (left->code_offset != right->code_offset) {
        return left->code_offset < right->code_offset ? -1 : 1;
    }
    return left->row < right->row ? -1 : left->row > right->row; /* the row breaks ties: a stable sort */
}

typedef struct {
    int64_t code_offset;
    uint64_t wasm; /* the wire's opt: wasm_offset + 1, 0 for none */
    int64_t line;
} MapEntry;

/* One function's ``map_count map_entry*`` appended to ``out``; ``keys`` and ``entries`` have room for its rows. */
static int encode_map(const Rows *rows, Py_ssize_t function, Buffer *out, SortKey *keys, MapEntry *entries) {
    Py_ssize_t first = rows->starts[function], end = rows->starts[function + 1];
    int sorted = 1;
    for (Py_ssize_t row = first; row < end; row++) {
        int64_t code = field(rows, row, CODE_OFFSET), wasm = field(rows, row, WASM_OFFSET),
                line = field(rows, row, LINE);
        /* The values the wire would carry: code offsets (the first is its own delta), opt Wasm offsets, lines. */
        int64_t negative = code < 0 ? code : wasm < NO_WASM_OFFSET ? wasm + 1 : line < 0 ? line : 0;
        if (negative < 0) {
            PyErr_Format(PyExc_ValueError, "negative value %lld (function %zd, row %zd)", (long long)negative,
                         function, row - first);
            return -1;
        }
        keys[row - first] = (SortKey){code, row};
        sorted &= row == first || code >= keys[row - first - 1].code_offset;
    }
    if (!sorted) {
        qsort(keys, (size_t)(end - first), sizeof *keys, compare_keys);
    }
    /* Consecutive rows at one code offset merge (the last wins: it replaces the entry of the offset); a row
     * repeating the previous entry's Wasm offset and line adds nothing. */
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < end - first; i++) {
        Py_ssize_t row = keys[i].row;
        MapEntry entry = {keys[i].code_offset, (uint64_t)field(rows, row, WASM_OFFSET) + 1, field(rows, row, LINE)};
        if (count && entry.code_offset == entries[count - 1].code_offset) {
            count--;
        }
        if (!count || entry.wasm != entries[count - 1].wasm || entry.line != entries[count - 1].line) {
            entries[count++] = entry;
        }
    }
    if (buffer_reserve(out, LEB_MAX * (1 + 3 * count)) < 0) {
        return -1;
    }
    put_uleb(out, (uint64_t)count);
    int64_t previous = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        put_uleb(out, (uint64_t)(entries[i].code_offset - previous));
        put_uleb(out, entries[i].wasm);
        put_uleb(out, (uint64_t)entries[i].line);
        previous = entries[i].code_offset;
    }
    return 0;
}

/* A list of function_count bytes, each made by ``encode`` from one function's rows into a cleared buffer. */
typedef int (*FunctionEncoder)(const Rows *rows, Py_ssize_t function, Buffer *out, void *context);

static PyObject *encode_functions(const Rows *rows, FunctionEncoder encode, void *context) {
    PyObject *result = PyList_New(rows->function_count);
    Buffer out = {NULL, 0, 0};
    if (result == NULL) {
        return NULL;
    }
    for (Py_ssize_t function = 0; function < rows->function_count; function++) {
        out.size = 0;
        PyObject *encoded = NULL;
        if (encode(rows, function, &out, context) == 0) {
            encoded = PyBytes_FromStringAndSize((const char *)out.data, out.size);
        }
        if (encoded == NULL) {
            Py_DECREF(result);
            PyMem_Free(out.data);
            return NULL;
        }
        PyList_SET_ITEM(result, function, encoded);
    }
    PyMem_Free(out.data);
    return result;
}

typedef struct {
    SortKey *keys;
    MapEntry *entries;
} MapScratch;

static int map_of_function(const Rows *rows, Py_ssize_t function, Buffer *out, void *context) {
    MapScratch *scratch = context;
    return encode_map(rows, function, out, scratch->keys, scratch->entries);
}

PyDoc_STRVAR(metadata_maps_doc,
"metadata_maps(rows, starts, /)\n--\n\n"
"The ``map_count map_entry*`` part of each function's ``.jitdebug.wasm`` record, from packed line-table rows\n"
"(``rows``: every function's rows concatenated; ``starts``: the index of each function's first row, then the row\n"
"count). Entries are sorted by code offset (a stable sort, only when a table is not sorted already); consecutive\n"
"rows at one code offset merge, the last one winning; a row repeating the previous entry's Wasm offset and line\n"
"is left out. Negative code offsets or lines and Wasm offsets below -1 raise ValueError.");

static PyObject *metadata_maps(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("metadata_maps", nargs, 2)) {
        return NULL;
    }
    Rows rows;
    if (rows_parse(&rows, args[0], args[1]) < 0) {
        rows_release(&rows);
        return NULL;
    }
    Py_ssize_t longest = 1;
    for (Py_ssize_t function = 0; function < rows.function_count; function++) {
        Py_ssize_t size = rows.starts[function + 1] - rows.starts[function];
        longest = size > longest ? size : longest;
    }
    MapScratch scratch = {PyMem_New(SortKey, longest), PyMem_New(MapEntry, longest)};
    PyObject *result = NULL;
    if (scratch.keys == NULL || scratch.entries == NULL) {
        PyErr_NoMemory();
    } else {
        result = encode_functions(&rows, map_of_function, &scratch);
    }
    PyMem_Free(scratch.keys);
    PyMem_Free(scratch.entries);
    rows_release(&rows);
    return result;
}

/* -- DWARF line programs ----------------------------------------------------------------------------------- */

typedef struct {
    int line_base;
    int line_range;
    int opcode_base;
    int64_t *sizes;
} LineHeader;

/* One function's sequence after its DW_LNE_set_address and DW_LNS_set_file: a row's opcodes depend only on its
 * change from the previous row (a sequence starts at address 0, line 1, column 0, is_stmt). */
static int line_sequence(const Rows *rows, Py_ssize_t function, Buffer *out, void *context) {
    const LineHeader *header = context;
    /* DW_LNS_const_add_pc adds the address advance of special opcode 255. */
    const int64_t const_add_pc = (255 - header->opcode_base) / header->line_range;
    /* Beyond this address advance neither a special opcode nor DW_LNS_const_add_pc plus one reaches. */
    const int64_t special_reach = 2 * 256 / header->line_range + 1;
    Py_ssize_t first = rows->starts[function], end = rows->starts[function + 1];
    int64_t address = 0, line = 1, column = 0, flags = IS_STATEMENT;
    for (Py_ssize_t row = first; row < end; row++) {
        int64_t row_address = field(rows, row, CODE_OFFSET), row_line = field(rows, row, LINE),
                row_column = field(rows, row, COLUMN), row_flags = field(rows, row, FLAGS);
        const char *problem = row_address < address ? "code offset below the previous row's"
                              : row_line < 0        ? "negative line"
                              : row_column < 0      ? "negative column"
                                                    : NULL;
        if (problem != NULL) {
            PyErr_Format(PyExc_ValueError, "%s (code offset %lld, line %lld, column %lld) in sequence %zd", problem,
                         (long long)row_address, (long long)row_line, (long long)row_column, function);
            return -1;
        }
        /* set_column, negate_stmt, prologue_end, epilogue_begin, advance_line, then advance_pc and one byte */
        if (buffer_reserve(out, 4 * LEB_MAX + 6) < 0) {
            return -1;
        }
        if (row_column != column) {
            put_byte(out, DW_LNS_set_column);
            put_uleb(out, (uint64_t)row_column);
        }
        if ((row_flags ^ flags) & IS_STATEMENT) {
            put_byte(out, DW_LNS_negate_stmt);
        }
        if (row_flags & PROLOGUE_END) {
            put_byte(out, DW_LNS_set_prologue_end);
        }
        if (row_flags & EPILOGUE_BEGIN) {
            put_byte(out, DW_LNS_set_epilogue_begin);
        }
        /* Lines and addresses are non-negative, so neither delta overflows; a row takes the fewest bytes: a
         * special opcode, else DW_LNS_const_add_pc plus one, else DW_LNS_advance_pc plus one. */
        int64_t line_delta = row_line - line, address_delta = row_address - address;
        if (line_delta < header->line_base || line_delta >= header->line_base + header->line_range) {
            put_byte(out, DW_LNS_advance_line);
            put_sleb(out, line_delta);
            line_delta = 0;
        }
        int64_t no_advance = line_delta - header->line_base + header->opcode_base;
        int64_t special = address_delta <= special_reach ? no_advance + header->line_range * address_delta : 256;
        if (special <= 255) {
            put_byte(out, (unsigned char)special);
        } else if (address_delta <= special_reach && special - header->line_range * const_add_pc <= 255) {
            put_byte(out, DW_LNS_const_add_pc);
            put_byte(out, (unsigned char)(special - header->line_range * const_add_pc));
        } else {
            put_byte(out, DW_LNS_advance_pc);
            put_uleb(out, (uint64_t)address_delta);
            put_byte(out, (unsigned char)no_advance);
        }
        address = row_address, line = row_line, column = row_column, flags = row_flags;
    }
    if (buffer_reserve(out, LEB_MAX + 4) < 0) {
        return -1;
    }
    if (header->sizes[function] > address) {
        put_byte(out, DW_LNS_advance_pc);
        put_uleb(out, (uint64_t)(header->sizes[function] - address));
    }
    put_byte(out, 0); /* extended opcode: length 1, DW_LNE_end_sequence */
    put_byte(out, 1);
    put_byte(out, DW_LNE_end_sequence);
    return 0;
}

PyDoc_STRVAR(line_sequences_doc,
"line_sequences(rows, starts, sizes, line_base, line_range, opcode_base, /)\n--\n\n"
"Each function's DWARF line-program sequence from packed line-table rows (``rows``: every function's rows\n"
"concatenated; ``starts``: the index of each function's first row, then the row count), for the program\n"
"header's ``line_base``, ``line_range`` and ``opcode_base``: the rows' opcodes from address 0, line 1, column 0,\n"
"is_stmt (what follows the sequence's DW_LNE_set_address and file selection), then DW_LNS_advance_pc to the\n"
"function's code size from ``sizes`` when the last row is below it, and DW_LNE_end_sequence. Code offsets going\n"
"backwards, negative lines or columns raise ValueError.");

static PyObject *line_sequences(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("line_sequences", nargs, 6)) {
        return NULL;
    }
    LineHeader header;
    int *parameters[] = {&header.line_base, &header.line_range, &header.opcode_base};
    for (int i = 0; i < 3; i++) {
        long value = PyLong_AsLong(args[3 + i]);
        if (value == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (value < -128 || value > 255) {
            PyErr_Format(PyExc_ValueError, "line program header parameter %ld out of range", value);
            return NULL;
        }
        *parameters[i] = (int)value;
    }
    /* A special opcode must exist for every address advance with no line advance (after DW_LNS_advance_line). */
    if (header.line_range < 1 || header.opcode_base < 1 || header.line_base > 0 ||
        header.line_base + header.line_range <= 0 || header.opcode_base + header.line_range > 256) {
        PyErr_SetString(PyExc_ValueError, "line program header parameters leave line advance 0 without an opcode");
        return NULL;
    }
    Rows rows;
    if (rows_parse(&rows, args[0], args[1]) < 0) {
        rows_release(&rows);
        return NULL;
    }
    PyObject *result = NULL;
    header.sizes = sizes_parse(args[2], rows.function_count);
    if (header.sizes != NULL) {
        result = encode_functions(&rows, line_sequence, &header);
    }
    PyMem_Free(header.sizes);
    rows_release(&rows);
    return result;
}

/* -- records ----------------------------------------------------------------------------------------------- */

PyDoc_STRVAR(join_doc,
"join(items, /)\n--\n\n"
"The bytes of a record's items one after the other: an int as ULEB128 (negative or 2**64 and above raise\n"
"ValueError), a str as the ULEB128 length of its UTF-8 then the UTF-8, bytes as they are.");

static PyObject *join(PyObject *module, PyObject *items) {
    (void)module;
    PyObject *fast = PySequence_Fast(items, "join takes a sequence of int, str and bytes");
    if (fast == NULL) {
        return NULL;
    }
    Buffer out = {NULL, 0, 0};
    Py_ssize_t count = PySequence_Fast_GET_SIZE(fast);
    PyObject **item = PySequence_Fast_ITEMS(fast);
    for (Py_ssize_t i = 0; i < count; i++) {
        const char *raw = NULL;
        Py_ssize_t size = 0;
        if (PyLong_Check(item[i])) {
            int overflow;
            long long value = PyLong_AsLongLongAndOverflow(item[i], &overflow);
            uint64_t unsigned_value = (uint64_t)value;
            if (overflow > 0) {
                unsigned_value = PyLong_AsUnsignedLongLong(item[i]);
                if (unsigned_value == (uint64_t)-1 && PyErr_Occurred()) {
                    PyErr_Clear();
                    PyErr_Format(PyExc_ValueError, "value %R does not fit in 64 bits (item %zd)", item[i], i);
                    goto error;
                }
            } else if (overflow < 0 || value < 0) {
                PyErr_Format(PyExc_ValueError, "negative value %R (item %zd)", item[i], i);
                goto error;
            }
            if (buffer_reserve(&out, LEB_MAX) < 0) {
                goto error;
            }
            put_uleb(&out, unsigned_value);
            continue;
        }
        if (PyUnicode_Check(item[i])) {
            raw = PyUnicode_AsUTF8AndSize(item[i], &size);
            if (raw == NULL) {
                goto error;
            }
            if (buffer_reserve(&out, LEB_MAX) < 0) {
                goto error;
            }
            put_uleb(&out, (uint64_t)size);
        } else if (PyBytes_Check(item[i])) {
            raw = PyBytes_AS_STRING(item[i]);
            size = PyBytes_GET_SIZE(item[i]);
        } else {
            PyErr_Format(PyExc_TypeError, "join takes int, str and bytes items, not %.100s (item %zd)",
                         Py_TYPE(item[i])->tp_name, i);
            goto error;
        }
        if (buffer_reserve(&out, size) < 0) {
            goto error;
        }
        memcpy(out.data + out.size, raw, (size_t)size);
        out.size += size;
    }
    Py_DECREF(fast);
    PyObject *result = PyBytes_FromStringAndSize((const char *)out.data, out.size);
    PyMem_Free(out.data);
    return result;
error:
    Py_DECREF(fast);
    PyMem_Free(out.data);
    return NULL;
}

/* == Relocations of an in-memory image (emitter/obj/elf.py, _relocate) ===================================== *
 *
 * Not a row encoder: a JIT image applies every relocation of a lowered module (over 150,000 for a large module
 * with debug information), and one Python step per relocation cost more than the debug information it places.
 * Python resolves the symbols (one address each), sets up each section and keeps every error: this loop stores
 * what it can compute exactly and returns the index of the first relocation it cannot (an unusual kind or
 * size, a value out of range, a place out of bounds, a symbol without an address), which Python then applies
 * or reports. The formulas are those of elf.py's _apply: S + A, S + A - P, the offset of S + A in its section.
 */

enum { RELOC_ABSOLUTE, RELOC_PC_RELATIVE, RELOC_CALL, RELOC_SECTION_OFFSET, RELOC_KIND_COUNT };

/* Every input of a formula is below this in magnitude, so the 64-bit sums below cannot overflow; anything
 * larger goes back to Python, which computes with unbounded integers. */
#define RELOC_INPUT_LIMIT ((int64_t)1 << 61)

/* 1 and ``*value`` when ``object`` is an int within RELOC_INPUT_LIMIT, 0 (no error set) otherwise. */
static int reloc_input(PyObject *object, int64_t *value) {
    if (!PyLong_Check(object)) {
        return 0;
    }
    int overflow;
    long long number = PyLong_AsLongLongAndOverflow(object, &overflow);
    if (overflow || number <= -RELOC_INPUT_LIMIT || number >= RELOC_INPUT_LIMIT) {
        return 0;
    }
    *value = number;
    return 1;
}

/* The int ``mapping[key]`` within RELOC_INPUT_LIMIT: 1 and ``*value``, 0 when absent or unusable, -1 on error. */
static int reloc_lookup(PyObject *mapping, PyObject *key, int64_t *value) {
    PyObject *found = PyDict_GetItemWithError(mapping, key);
    if (found == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    return reloc_input(found, value);
}

static void store_le(unsigned char *place, uint64_t value, int64_t width) {
    switch (width) { /* constant widths: the compiler makes each a single store */
    case 1:
        place[0] = (unsigned char)value;
        break;
    case 2:
        for (int i = 0; i < 2; i++) {
            place[i] = (unsigned char)(value >> (8 * i));
        }
        break;
    case 4:
        for (int i = 0; i < 4; i++) {
            place[i] = (unsigned char)(value >> (8 * i));
        }
        break;
    default:
        for (int i = 0; i < 8; i++) {
            place[i] = (unsigned char)(value >> (8 * i));
        }
        break;
    }
}

/* Does ``value`` fit a field of ``width`` bytes (unsigned, or two's complement when ``is_signed``)? Any value
 * fits 8 bytes: it is stored modulo 2**64, as the Python path masks it. */
static int fits(int64_t value, int64_t width, int is_signed) {
    if (width == 8) {
        return 1;
    }
    int64_t limit = (int64_t)1 << (8 * width - 1);
    return is_signed ? -limit <= value && value < limit : 0 <= value && value < 2 * limit;
}

/* Append ``place`` to the places of the (target, width) entry of ``fields`` (a list of (str, int, list)
 * tuples, in order of first use), adding the entry if new; ``*last`` is the entry found last time. */
static int record_field(PyObject *fields, Py_ssize_t *last, PyObject *target, int64_t width, int64_t place) {
    Py_ssize_t count = PyList_GET_SIZE(fields);
    Py_ssize_t found = -1;
    for (Py_ssize_t n = 0; n < count && found < 0; n++) {
        Py_ssize_t index = (*last + n) % count; /* the last entry first: fields come in runs */
        PyObject *entry = PyList_GET_ITEM(fields, index);
        if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 3 || !PyList_Check(PyTuple_GET_ITEM(entry, 2))) {
            PyErr_SetString(PyExc_TypeError, "offset fields must be (str, int, list) tuples");
            return -1;
        }
        PyObject *name = PyTuple_GET_ITEM(entry, 0);
        long long entry_width = PyLong_AsLongLong(PyTuple_GET_ITEM(entry, 1));
        if (entry_width == -1 && PyErr_Occurred()) {
            return -1;
        }
        if (entry_width != width) {
            continue;
        }
        int same = name == target ? 1 : PyObject_RichCompareBool(name, target, Py_EQ);
        if (same < 0) {
            return -1;
        }
        if (same) {
            found = index;
        }
    }
    PyObject *number = PyLong_FromLongLong(place);
    if (number == NULL) {
        return -1;
    }
    int status;
    if (found >= 0) {
        *last = found;
        status = PyList_Append(PyTuple_GET_ITEM(PyList_GET_ITEM(fields, found), 2), number);
    } else {
        PyObject *entry = Py_BuildValue("(OL[O])", target, (long long)width, number);
        status = entry == NULL ? -1 : PyList_Append(fields, entry);
        Py_XDECREF(entry);
        *last = count;
    }
    Py_DECREF(number);
    return status;
}

PyDoc_STRVAR(apply_relocations_doc,
"apply_relocations(data, relocations, start, address, kinds, branch26, targets, section_values,\n"
"                  offset_targets, offset_fields, /)\n--\n\n"
"Apply ``relocations[start:]`` (``Relocation`` tuples: offset, kind, size, symbol, addend) to ``data``, a\n"
"section's bytes at ``address``, in order; return the index of the first one not applied (``len(relocations)``\n"
"when all were). ``kinds`` is (ABSOLUTE, PC_RELATIVE, CALL, SECTION_OFFSET); ``branch26`` makes CALL an AArch64\n"
"BL/B (imm26 of S + A - P) rather than a pc-relative field. ``targets`` maps a symbol to its address S,\n"
"``section_values`` to its offset within its section. When ``offset_fields`` is a list, each ABSOLUTE or\n"
"SECTION_OFFSET relocation whose symbol is in ``offset_targets`` (symbol -> the non-loaded section it lies in)\n"
"is recorded: its offset is appended to the places of the (section, size, places) tuple of ``offset_fields``.\n"
"A relocation is left to the caller when its kind or size is unusual, its place is out of bounds, its symbol\n"
"has no address (or no section offset), an input is 2**61 or more in magnitude, or its value does not fit.");

static PyObject *apply_relocations(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("apply_relocations", nargs, 10)) {
        return NULL;
    }
    PyObject *relocations = args[1], *kinds = args[4], *targets = args[6], *section_values = args[7];
    PyObject *offset_targets = args[8], *fields = args[9];
    if (!PyList_Check(relocations) || !PyTuple_Check(kinds) || PyTuple_GET_SIZE(kinds) != RELOC_KIND_COUNT
        || !PyDict_Check(targets) || !PyDict_Check(section_values)) {
        PyErr_SetString(PyExc_TypeError, "apply_relocations takes a list of relocations, a tuple of four kinds "
                                         "and dicts of targets and section values");
        return NULL;
    }
    if (fields == Py_None) {
        fields = NULL;
    } else if (!PyList_Check(fields) || !PyDict_Check(offset_targets)) {
        PyErr_SetString(PyExc_TypeError, "offset fields need a dict of offset targets and a list of fields");
        return NULL;
    }
    Py_ssize_t start = PyLong_AsSsize_t(args[2]);
    if (start == -1 && PyErr_Occurred()) {
        return NULL;
    }
    int branch26 = PyObject_IsTrue(args[5]);
    if (branch26 < 0) {
        return NULL;
    }
    if (!PyLong_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "a section address must be an int");
        return NULL;
    }
    int64_t address = 0;
    int address_usable = reloc_input(args[3], &address);
    PyObject *kind_of[RELOC_KIND_COUNT];
    for (int k = 0; k < RELOC_KIND_COUNT; k++) {
        kind_of[k] = PyTuple_GET_ITEM(kinds, k);
    }
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_WRITABLE) < 0) {
        return NULL;
    }
    unsigned char *bytes = view.buf;
    Py_ssize_t size = view.len;
    Py_ssize_t count = PyList_GET_SIZE(relocations);
    Py_ssize_t last_field = 0;
    Py_ssize_t index = start < 0 ? 0 : start;
    /* Nothing in this loop runs Python code (symbols are exact str, looked up in dicts): the list and the
     * buffer cannot change under it. */
    for (; index < count; index++) {
        PyObject *reloc = PyList_GET_ITEM(relocations, index);
        if (!PyTuple_Check(reloc) || PyTuple_GET_SIZE(reloc) != 5) {
            break;
        }
        PyObject *kind = PyTuple_GET_ITEM(reloc, 1), *symbol = PyTuple_GET_ITEM(reloc, 3);
        int64_t offset, width, addend;
        if (!reloc_input(PyTuple_GET_ITEM(reloc, 0), &offset) || !reloc_input(PyTuple_GET_ITEM(reloc, 2), &width)
            || !reloc_input(PyTuple_GET_ITEM(reloc, 4), &addend) || !PyUnicode_CheckExact(symbol)) {
            break;
        }
        if ((width != 1 && width != 2 && width != 4 && width != 8) || offset < 0 || offset > size - width) {
            break;
        }
        /* S + A, S + A - P or (SECTION_OFFSET) the symbol's offset in its section + A. */
        int is_pc_relative = kind == kind_of[RELOC_PC_RELATIVE] || kind == kind_of[RELOC_CALL];
        int is_section_offset = kind == kind_of[RELOC_SECTION_OFFSET];
        if ((!is_pc_relative && !is_section_offset && kind != kind_of[RELOC_ABSOLUTE])
            || (is_pc_relative && !address_usable)) {
            break;
        }
        int64_t base = 0;
        int found = reloc_lookup(is_section_offset ? section_values : targets, symbol, &base);
        if (found < 0) {
            goto error;
        }
        if (!found) {
            break;
        }
        int64_t value = base + addend - (is_pc_relative ? address + offset : 0);
        if (kind == kind_of[RELOC_CALL] && branch26) {
            /* imm26 of BL/B: a word offset within +-128 MiB, merged into the instruction. */
            if (width != 4 || value % 4 || value < -((int64_t)1 << 27) || value >= ((int64_t)1 << 27)) {
                break;
            }
            unsigned char *place = bytes + offset;
            uint32_t word = (uint32_t)place[0] | (uint32_t)place[1] << 8 | (uint32_t)place[2] << 16
                            | (uint32_t)place[3] << 24;
            word = (word & ~(uint32_t)0x03FFFFFF) | ((uint32_t)(value >> 2) & 0x03FFFFFF);
            store_le(place, word, 4);
            continue;
        }
        if (!fits(value, width, is_pc_relative)) {
            break;
        }
        store_le(bytes + offset, (uint64_t)value, width);
        if (fields != NULL && !is_pc_relative) {
            PyObject *target = PyDict_GetItemWithError(offset_targets, symbol);
            if (target == NULL && PyErr_Occurred()) {
                goto error;
            }
            if (target != NULL && record_field(fields, &last_field, target, width, offset) < 0) {
                goto error;
            }
        }
    }
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(index);
error:
    PyBuffer_Release(&view);
    return NULL;
}

/* == DWARF subprogram DIEs (emitter/dwarf/info.py) ========================================================= *
 *
 * A module's functions share a few DIE shapes (abbreviation, variables and frame base); a function's DIE is its
 * shape with its own name reference, address and size, and each of its string references and its address is a
 * relocation. Thousands of functions made that loop a large part of the cost of debug information in Python.
 */

PyDoc_STRVAR(subprograms_doc,
"subprograms(relocation, data, relocations, shapes, shape_of, names, sizes, symbols, addends, string_section,\n"
"            offset_kind, address_kind, address_size, /)\n--\n\n"
"Append to the bytearray ``data`` the subprogram DIE of each function i: shape ``shapes[shape_of[i]]``, a\n"
"(head, name_at, tail, strings) tuple, written as head, the 8-byte ``sizes[i]``, tail; and append to the list\n"
"``relocations`` (``relocation`` instances, a NamedTuple of offset, kind, size, symbol, addend) its name\n"
"reference (``names[i]`` in ``string_section``) at name_at, its address (``symbols[i]`` + ``addends[i]``) right\n"
"after, and the shape's string references ((position, offset) pairs).");

/* A ``relocation`` (a tuple subclass with no other fields) built as ``tuple.__new__`` would; NULL on error. */
static PyObject *new_relocation(PyTypeObject *type, Py_ssize_t offset, PyObject *kind, long size, PyObject *symbol,
                                PyObject *addend) {
    PyObject *offset_object = PyLong_FromSsize_t(offset);
    PyObject *size_object = PyLong_FromLong(size);
    PyObject *relocation = offset_object && size_object ? type->tp_alloc(type, 5) : NULL;
    if (relocation == NULL) {
        Py_XDECREF(offset_object);
        Py_XDECREF(size_object);
        return NULL;
    }
    PyTuple_SET_ITEM(relocation, 0, offset_object);
    PyTuple_SET_ITEM(relocation, 1, Py_NewRef(kind));
    PyTuple_SET_ITEM(relocation, 2, size_object);
    PyTuple_SET_ITEM(relocation, 3, Py_NewRef(symbol));
    PyTuple_SET_ITEM(relocation, 4, Py_NewRef(addend));
    return relocation;
}

static int append_relocation(PyObject *list, PyTypeObject *type, Py_ssize_t offset, PyObject *kind, long size,
                             PyObject *symbol, PyObject *addend) {
    PyObject *relocation = new_relocation(type, offset, kind, size, symbol, addend);
    if (relocation == NULL) {
        return -1;
    }
    int status = PyList_Append(list, relocation);
    Py_DECREF(relocation);
    return status;
}

typedef struct {
    const char *head;
    Py_ssize_t head_size;
    Py_ssize_t name_at;
    const char *tail;
    Py_ssize_t tail_size;
    PyObject *strings; /* tuple of (position, offset) */
} Shape;

static int read_shape(PyObject *item, Shape *shape) {
    PyObject *head, *name_at, *tail, *strings;
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 4) {
        PyErr_SetString(PyExc_TypeError, "a shape is a (head, name_at, tail, strings) tuple");
        return -1;
    }
    head = PyTuple_GET_ITEM(item, 0);
    name_at = PyTuple_GET_ITEM(item, 1);
    tail = PyTuple_GET_ITEM(item, 2);
    strings = PyTuple_GET_ITEM(item, 3);
    if (!PyBytes_Check(head) || !PyBytes_Check(tail) || !PyTuple_Check(strings)) {
        PyErr_SetString(PyExc_TypeError, "a shape's head and tail are bytes and its strings a tuple");
        return -1;
    }
    shape->name_at = PyLong_AsSsize_t(name_at);
    if (shape->name_at == -1 && PyErr_Occurred()) {
        return -1;
    }
    shape->head = PyBytes_AS_STRING(head);
    shape->head_size = PyBytes_GET_SIZE(head);
    shape->tail = PyBytes_AS_STRING(tail);
    shape->tail_size = PyBytes_GET_SIZE(tail);
    shape->strings = strings;
    /* The name reference and the address follow each other inside the head. */
    if (shape->name_at < 0 || shape->name_at + 4 > shape->head_size) {
        PyErr_SetString(PyExc_ValueError, "a shape's name reference lies outside its head");
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(strings); i++) {
        PyObject *pair = PyTuple_GET_ITEM(strings, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2 || !PyLong_Check(PyTuple_GET_ITEM(pair, 0))
            || !PyLong_Check(PyTuple_GET_ITEM(pair, 1))) {
            PyErr_SetString(PyExc_TypeError, "a shape's strings are (position, offset) int pairs");
            return -1;
        }
    }
    return 0;
}

static PyObject *subprograms(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 13) {
        PyErr_SetString(PyExc_TypeError, "subprograms takes 13 arguments");
        return NULL;
    }
    PyObject *type = args[0], *data = args[1], *relocations = args[2], *shape_list = args[3];
    PyObject *shape_of = args[4], *names = args[5], *sizes = args[6], *symbols = args[7], *addends = args[8];
    PyObject *string_section = args[9], *offset_kind = args[10], *address_kind = args[11];
    long address_size = PyLong_AsLong(args[12]);
    if (address_size == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (!PyType_Check(type) || !PyType_IsSubtype((PyTypeObject *)type, &PyTuple_Type)
        || ((PyTypeObject *)type)->tp_basicsize != PyTuple_Type.tp_basicsize) {
        PyErr_SetString(PyExc_TypeError, "relocation must be a tuple subclass without other fields");
        return NULL;
    }
    if (!PyByteArray_Check(data) || !PyList_Check(relocations) || !PyList_Check(shape_list)
        || !PyList_Check(shape_of) || !PyList_Check(names) || !PyList_Check(sizes) || !PyList_Check(symbols)
        || !PyList_Check(addends)) {
        PyErr_SetString(PyExc_TypeError, "subprograms takes a bytearray and lists");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(shape_of);
    if (PyList_GET_SIZE(names) != count || PyList_GET_SIZE(sizes) != count || PyList_GET_SIZE(symbols) != count
        || PyList_GET_SIZE(addends) != count) {
        PyErr_SetString(PyExc_ValueError, "one shape, name, size, symbol and addend per function");
        return NULL;
    }
    Py_ssize_t shape_count = PyList_GET_SIZE(shape_list);
    Shape *shapes = PyMem_Calloc((size_t)(shape_count ? shape_count : 1), sizeof(Shape));
    if (shapes == NULL) {
        return PyErr_NoMemory();
    }
    /* Everything is checked before anything is appended: on error, data and relocations are as they were. */
    Py_ssize_t *which = PyMem_Calloc((size_t)(count ? count : 1), sizeof(Py_ssize_t));
    uint64_t *lengths = PyMem_Calloc((size_t)(count ? count : 1), sizeof(uint64_t));
    Py_ssize_t start = PyByteArray_GET_SIZE(data), total = start, appended = PyList_GET_SIZE(relocations);
    if (which == NULL || lengths == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    for (Py_ssize_t i = 0; i < shape_count; i++) {
        if (read_shape(PyList_GET_ITEM(shape_list, i), &shapes[i]) < 0) {
            goto error;
        }
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        which[i] = PyLong_AsSsize_t(PyList_GET_ITEM(shape_of, i));
        if (which[i] == -1 && PyErr_Occurred()) {
            goto error;
        }
        if (which[i] < 0 || which[i] >= shape_count) {
            PyErr_Format(PyExc_ValueError, "function %zd has no shape %zd", i, which[i]);
            goto error;
        }
        lengths[i] = PyLong_AsUnsignedLongLong(PyList_GET_ITEM(sizes, i));
        if (lengths[i] == (uint64_t)-1 && PyErr_Occurred()) {
            goto error;
        }
        if (!PyUnicode_Check(PyList_GET_ITEM(symbols, i)) || !PyLong_Check(PyList_GET_ITEM(addends, i))
            || !PyLong_Check(PyList_GET_ITEM(names, i))) {
            PyErr_Format(PyExc_TypeError, "function %zd: a symbol is a str, a name and an addend are ints", i);
            goto error;
        }
        total += shapes[which[i]].head_size + 8 + shapes[which[i]].tail_size;
    }
    if (PyByteArray_Resize(data, total) < 0) {
        goto error;
    }
    char *out = PyByteArray_AS_STRING(data);
    Py_ssize_t at = start;
    for (Py_ssize_t i = 0; i < count; i++) {
        const Shape *shape = &shapes[which[i]];
        Py_ssize_t base = at;
        memcpy(out + at, shape->head, (size_t)shape->head_size);
        at += shape->head_size;
        for (int byte = 0; byte < 8; byte++) {
            out[at++] = (char)(lengths[i] >> (8 * byte));
        }
        memcpy(out + at, shape->tail, (size_t)shape->tail_size);
        at += shape->tail_size;
        PyTypeObject *relocation = (PyTypeObject *)type;
        if (append_relocation(relocations, relocation, base + shape->name_at, offset_kind, 4, string_section,
                              PyList_GET_ITEM(names, i)) < 0
            || append_relocation(relocations, relocation, base + shape->name_at + 4, address_kind, address_size,
                                 PyList_GET_ITEM(symbols, i), PyList_GET_ITEM(addends, i)) < 0) {
            goto undo;
        }
        for (Py_ssize_t s = 0; s < PyTuple_GET_SIZE(shape->strings); s++) {
            PyObject *pair = PyTuple_GET_ITEM(shape->strings, s);
            Py_ssize_t position = PyLong_AsSsize_t(PyTuple_GET_ITEM(pair, 0));
            if (position == -1 && PyErr_Occurred()) {
                goto undo;
            }
            if (append_relocation(relocations, relocation, base + position, offset_kind, 4, string_section,
                                  PyTuple_GET_ITEM(pair, 1)) < 0) {
                goto undo;
            }
        }
    }
    PyMem_Free(shapes);
    PyMem_Free(which);
    PyMem_Free(lengths);
    Py_RETURN_NONE;
undo:
    /* Only allocation failures get here: leave data and relocations as they were. */
    PyList_SetSlice(relocations, appended, PyList_GET_SIZE(relocations), NULL);
    PyByteArray_Resize(data, start);
error:
    PyMem_Free(shapes);
    PyMem_Free(which);
    PyMem_Free(lengths);
    return NULL;
}

/* -- the lowering's consistency checks (emitter/lower.py) -------------------------------------------------- */

PyDoc_STRVAR(lines_in_bounds_doc,
"lines_in_bounds(rows, size, /)\n--\n\n"
"Whether every row of a function's packed line table has its code offset in [0, size), no code offset below\n"
"the one before, and no negative line or column (the lowering then names the offending row in Python).");

static PyObject *lines_in_bounds(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("lines_in_bounds", nargs, 2)) {
        return NULL;
    }
    long long size = PyLong_AsLongLong(args[1]);
    if (size == -1 && PyErr_Occurred()) {
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    int ok = view.len % ROW_SIZE == 0;
    const char *bytes = view.buf;
    int64_t previous = 0;
    for (Py_ssize_t at = 0; ok && at < view.len; at += ROW_SIZE) {
        int64_t row[ROW_FIELDS];
        memcpy(row, bytes + at, sizeof row);
        ok = row[CODE_OFFSET] >= previous && row[CODE_OFFSET] < size && row[LINE] >= 0 && row[COLUMN] >= 0;
        previous = row[CODE_OFFSET];
    }
    PyBuffer_Release(&view);
    return PyBool_FromLong(ok);
}

PyDoc_STRVAR(relocations_in_bounds_doc,
"relocations_in_bounds(relocations, size, /)\n--\n\n"
"Whether every relocation (offset, kind, size, symbol, ...) names a symbol and lies within [0, size) of its\n"
"function (the lowering then names the offending one in Python).");

static PyObject *relocations_in_bounds(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (!check_arguments("relocations_in_bounds", nargs, 2)) {
        return NULL;
    }
    long long size = PyLong_AsLongLong(args[1]);
    if (size == -1 && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *items = PySequence_Fast(args[0], "relocations must be a sequence");
    if (items == NULL) {
        return NULL;
    }
    int ok = 1;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(items);
    for (Py_ssize_t k = 0; ok && k < count; k++) {
        PyObject *reloc = PySequence_Fast_GET_ITEM(items, k);
        if (!PyTuple_Check(reloc) || PyTuple_GET_SIZE(reloc) < 4) {
            ok = 0;
            break;
        }
        PyObject *symbol = PyTuple_GET_ITEM(reloc, 3);
        int overflow = 0;
        long long offset = PyLong_Check(PyTuple_GET_ITEM(reloc, 0))
            ? PyLong_AsLongLongAndOverflow(PyTuple_GET_ITEM(reloc, 0), &overflow) : -1;
        long long width = PyLong_Check(PyTuple_GET_ITEM(reloc, 2)) && !overflow
            ? PyLong_AsLongLongAndOverflow(PyTuple_GET_ITEM(reloc, 2), &overflow) : -1;
        ok = !overflow && PyUnicode_Check(symbol) && PyUnicode_GET_LENGTH(symbol) > 0 && offset >= 0
            && width >= 0 && offset <= size && width <= size - offset;
    }
    Py_DECREF(items);
    if (PyErr_Occurred()) {
        return NULL;
    }
    return PyBool_FromLong(ok);
}

static PyMethodDef methods[] = {
    {"metadata_maps", (PyCFunction)(void (*)(void))metadata_maps, METH_FASTCALL, metadata_maps_doc},
    {"line_sequences", (PyCFunction)(void (*)(void))line_sequences, METH_FASTCALL, line_sequences_doc},
    {"join", join, METH_O, join_doc},
    {"apply_relocations", (PyCFunction)(void (*)(void))apply_relocations, METH_FASTCALL, apply_relocations_doc},
    {"subprograms", (PyCFunction)(void (*)(void))subprograms, METH_FASTCALL, subprograms_doc},
    {"lines_in_bounds", (PyCFunction)(void (*)(void))lines_in_bounds, METH_FASTCALL, lines_in_bounds_doc},
    {"relocations_in_bounds", (PyCFunction)(void (*)(void))relocations_in_bounds, METH_FASTCALL,
     relocations_in_bounds_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT,
    .m_name = "emitter._rows",
    .m_doc = "The per-row loops of the debug-information encoders (line maps and line programs) and the relocation "
             "loop of in-memory images, and the lowering's per-function consistency checks, in C.",
    .m_size = 0,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__rows(void) { return PyModuleDef_Init(&module_definition); }
