/* The listing (emitter/wasm/listing.py) is written here, in C: it is built for every debug compile and has one row
 * per Wasm instruction, so its loops are a large share of the cost of debug info.
 *
 * `Rows` accumulates the whole listing text: lines written by Python (`write`: the module line, imports), and each
 * function (`function`: its header and locals lines, given as text, then one row per instruction,
 * "  0x<offset>: <indent><text>\n"). It records every instruction's offset and line, and `finish` hands over the
 * text and a `LineIndex` over them. An op's flags (a dict from Python) say how it nests and how its text is made:
 * - no immediates: the op itself;
 * - INTEGERS (and LOCAL in a function without local names): the op and its integer immediates in decimal, written
 *   here (the renderer's general case; constants and indices are mostly distinct, so caching them gains nothing);
 * - FUNC: the op and the callee as the renderer spells it, `$name` from the name section, else its index;
 * - MEMARG: the op, ` offset=N` unless 0, ` align=N` unless the natural alignment (the flags' bits from
 *   ALIGN_SHIFT, as log2);
 * - BLOCK: the op and its block type (a `BlockType`): the spelling of its `result` (a dict from
 *   Python: value type or None -> text);
 * - LOCAL in a function with local names: the renderer's `instr(func_index, ins)`, every time;
 * - anything else (and the above when an immediate is not a small int): `instr` the first time the
 *   (op, immediates) is seen, then the cached text.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

/* ---- LineIndex ------------------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    long long *offsets; /* non-decreasing */
    long long *lines;
    Py_ssize_t count;
    Py_ssize_t next;    /* where the next question most likely is */
} LineIndexObject;

static void
line_index_dealloc(LineIndexObject *self)
{
    PyMem_Free(self->offsets);
    PyMem_Free(self->lines);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
copy_integers(PyObject *list, long long *out, Py_ssize_t count)
{
    for (Py_ssize_t i = 0; i < count; i++) {
        out[i] = PyLong_AsLongLong(PyList_GET_ITEM(list, i));
        if (out[i] == -1 && PyErr_Occurred())
            return -1;
    }
    return 0;
}

/* Take over the two arrays (PyMem), which are freed on error too; -1 unless the offsets are sorted. */
static int
line_index_adopt(LineIndexObject *self, long long *offsets, long long *lines, Py_ssize_t count)
{
    for (Py_ssize_t i = 1; i < count; i++) {
        if (offsets[i] < offsets[i - 1]) {
            PyMem_Free(offsets);
            PyMem_Free(lines);
            PyErr_SetString(PyExc_ValueError, "instruction offsets must be sorted");
            return -1;
        }
    }
    PyMem_Free(self->offsets);
    PyMem_Free(self->lines);
    self->offsets = offsets;
    self->lines = lines;
    self->count = count;
    self->next = 0;
    return 0;
}

static int
line_index_init(LineIndexObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"offsets", "lines", NULL};
    PyObject *offsets, *lines;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!:LineIndex", keywords, &PyList_Type, &offsets, &PyList_Type,
                                     &lines))
        return -1;
    Py_ssize_t count = PyList_GET_SIZE(offsets);
    if (PyList_GET_SIZE(lines) != count) {
        PyErr_SetString(PyExc_ValueError, "offsets and lines differ in length");
        return -1;
    }
    long long *offset_array = PyMem_New(long long, count ? count : 1);
    long long *line_array = PyMem_New(long long, count ? count : 1);
    if (offset_array == NULL || line_array == NULL) {
        PyMem_Free(offset_array);
        PyMem_Free(line_array);
        PyErr_NoMemory();
        return -1;
    }
    if (copy_integers(offsets, offset_array, count) < 0 || copy_integers(lines, line_array, count) < 0) {
        PyMem_Free(offset_array);
        PyMem_Free(line_array);
        return -1;
    }
    return line_index_adopt(self, offset_array, line_array, count);
}

/* LineIndex.line_of(offset) -> int: the line of the last instruction at or before `offset`. */
static PyObject *
line_index_line_of(LineIndexObject *self, PyObject *arg)
{
    int overflow;
    long long offset = PyLong_AsLongLongAndOverflow(arg, &overflow);
    if (offset == -1 && PyErr_Occurred())
        return NULL;
    Py_ssize_t count = self->count, at; /* the first instruction after `offset` */
    if (overflow > 0) {
        at = count;
    } else if (overflow < 0) {
        at = 0;
    } else {
        /* The answer is most often the instruction after the last answer's, or the last answer's again. */
        Py_ssize_t hint = self->next;
        const long long *offsets = self->offsets;
        if (hint < count && offsets[hint] <= offset && (hint + 1 == count || offsets[hint + 1] > offset)) {
            at = hint + 1;
        } else if (hint > 0 && offsets[hint - 1] <= offset && (hint == count || offsets[hint] > offset)) {
            at = hint;
        } else {
            Py_ssize_t lo = 0, hi = count;
            while (lo < hi) {
                Py_ssize_t mid = lo + (hi - lo) / 2;
                if (offsets[mid] <= offset)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            at = lo;
        }
    }
    if (at == 0) {
        PyObject *spec = PyUnicode_FromString("#x");
        PyObject *hex = spec == NULL ? NULL : PyObject_Format(arg, spec);
        Py_XDECREF(spec);
        if (hex == NULL)
            return NULL;
        PyErr_Format(PyExc_KeyError, "no instruction at or before module offset %U", hex);
        Py_DECREF(hex);
        return NULL;
    }
    self->next = at;
    return PyLong_FromLongLong(self->lines[at - 1]);
}

/* A new list of the index's `values` (its offsets or its lines), made when asked: the compiler needs only
 * line_of, and two lists of an int per instruction were most of the listing's memory. */
static PyObject *
line_index_list(const long long *values, Py_ssize_t count)
{
    PyObject *list = PyList_New(count);
    if (list == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *value = PyLong_FromLongLong(values[i]);
        if (value == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, value);
    }
    return list;
}

static PyObject *
line_index_offsets(LineIndexObject *self, PyObject *Py_UNUSED(ignored))
{
    return line_index_list(self->offsets, self->count);
}

static PyObject *
line_index_lines(LineIndexObject *self, PyObject *Py_UNUSED(ignored))
{
    return line_index_list(self->lines, self->count);
}

static PyMethodDef line_index_methods[] = {
    {"offsets", (PyCFunction)line_index_offsets, METH_NOARGS,
     "offsets() -> list: the module offset of every listed instruction, in order."},
    {"lines", (PyCFunction)line_index_lines, METH_NOARGS,
     "lines() -> list: the 1-based line of every listed instruction, in order."},
    {"line_of", (PyCFunction)line_index_line_of, METH_O,
     "line_of(offset) -> int: the line of the instruction at `offset`, or of the last one before it (an offset "
     "inside an instruction's immediates); KeyError before the first."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject LineIndexType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "emitter.wasm._listing.LineIndex",
    .tp_doc = PyDoc_STR("LineIndex(offsets, lines): the line of an instruction by module offset."),
    .tp_basicsize = sizeof(LineIndexObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)line_index_init,
    .tp_dealloc = (destructor)line_index_dealloc,
    .tp_methods = line_index_methods,
};

/* ---- Rows ----------------------------------------------------------------------------------------- */

/* Op flags: CLOSES leaves a block before the row (end, else), OPENS enters one after it (block, else). */
enum { CLOSES = 1, OPENS = 2, LOCAL = 4, INTEGERS = 8, FUNC = 16, MEMARG = 32, BLOCK = 64, ALIGN_SHIFT = 8 };
/* Rows are indented two spaces per level of nesting up to this depth and no further, so the listing's size stays
 * linear in the module: one function of N nested blocks would otherwise take N^2 spaces (a 120 KB module of
 * depth 40,000 made a 3.2 GB listing). Deeper rows keep the deepest indentation; their block/end rows still say
 * where they are. */
enum { MAX_INDENT = 40 };

/* The attribute names of a block type, interned once. */
static PyObject *str_type_index, *str_result;

/* The ops seen, by address (open addressing): op strings are shared by every instruction, so most lookups are one
 * comparison. A slot holds its op; the cache is borrowed from `texts`, which keeps every op's cache alive. */
#define OP_SLOTS 512
#define OP_PROBES 8
typedef struct {
    PyObject *op;
    PyObject *by_imm; /* immediates -> text */
    const char *utf8;
    Py_ssize_t len;
    long flags;
} OpSlot;

typedef struct {
    PyObject_HEAD
    Py_ssize_t width;    /* minimum hex digits of the offset column */
    PyObject *flags;     /* dict: op -> PyLong flags (absent: 0) */
    PyObject *instr;     /* callable (func_index, ins) -> str */
    PyObject *names;     /* dict: function index -> name (the name section's) */
    PyObject *results;   /* dict: a block type's result (a value type or None) -> its spelling */
    PyObject *texts;     /* dict: op -> dict: immediates -> str */
    char *buf;           /* the listing text so far, UTF-8 */
    Py_ssize_t used, cap;
    int ascii;           /* whether all of it is ASCII */
    Py_ssize_t line;     /* lines written so far */
    long long *offset_values; /* per instruction written: its offset and line */
    long long *lines;
    Py_ssize_t count, room;
    OpSlot ops[OP_SLOTS];
} RowsObject;

/* Drop the text and indexes written so far. */
static void
rows_reset(RowsObject *self)
{
    PyMem_Free(self->buf);
    PyMem_Free(self->offset_values);
    PyMem_Free(self->lines);
    self->buf = NULL;
    self->offset_values = NULL;
    self->lines = NULL;
    self->used = self->cap = self->count = self->room = self->line = 0;
    self->ascii = 1;
}

static int
rows_traverse(RowsObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->flags);
    Py_VISIT(self->instr);
    Py_VISIT(self->names);
    Py_VISIT(self->results);
    Py_VISIT(self->texts);
    return 0;
}

static int
rows_clear(RowsObject *self)
{
    for (int i = 0; i < OP_SLOTS; i++)
        Py_CLEAR(self->ops[i].op);
    Py_CLEAR(self->flags);
    Py_CLEAR(self->instr);
    Py_CLEAR(self->names);
    Py_CLEAR(self->results);
    Py_CLEAR(self->texts);
    return 0;
}

static void
rows_dealloc(RowsObject *self)
{
    PyObject_GC_UnTrack(self);
    rows_clear(self);
    rows_reset(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
rows_init(RowsObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"width", "flags", "instr", "names", "results", NULL};
    Py_ssize_t width;
    PyObject *flags, *instr, *names, *results;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "nO!OO!O!:Rows", keywords, &width, &PyDict_Type, &flags, &instr,
                                     &PyDict_Type, &names, &PyDict_Type, &results))
        return -1;
    if (width < 1 || width > 16) {
        PyErr_SetString(PyExc_ValueError, "the offset column is 1 to 16 hex digits wide");
        return -1;
    }
    if (!PyCallable_Check(instr)) {
        PyErr_SetString(PyExc_TypeError, "instr must be callable");
        return -1;
    }
    PyObject *texts = PyDict_New();
    if (texts == NULL)
        return -1;
    rows_clear(self);
    rows_reset(self);
    self->width = width;
    self->texts = texts;
    self->flags = Py_NewRef(flags);
    self->instr = Py_NewRef(instr);
    self->names = Py_NewRef(names);
    self->results = Py_NewRef(results);
    return 0;
}

/* The slot of an op: its flags, text cache and UTF-8 spelling; NULL with an exception set on error. */
static OpSlot *
op_slot(RowsObject *self, PyObject *op)
{
    size_t home = (size_t)(((uintptr_t)op >> 4) * 0x9E3779B97F4A7C15ULL >> 32) % OP_SLOTS;
    OpSlot *slot = &self->ops[home];
    for (size_t k = 0; k < OP_PROBES; k++) {
        OpSlot *probe = &self->ops[(home + k) % OP_SLOTS];
        if (probe->op == op)
            return probe;
        if (probe->op == NULL) {
            slot = probe;
            break;
        }
    }
    /* A new op: the first free slot, else the home slot's op makes way. */
    if (!PyUnicode_Check(op)) {
        PyErr_SetString(PyExc_TypeError, "an instruction's op must be str");
        return NULL;
    }
    long flags = 0;
    PyObject *flags_obj = PyDict_GetItemWithError(self->flags, op);
    if (flags_obj != NULL) {
        flags = PyLong_AsLong(flags_obj);
        if (flags == -1 && PyErr_Occurred())
            return NULL;
    } else if (PyErr_Occurred()) {
        return NULL;
    }
    Py_ssize_t len;
    const char *utf8 = PyUnicode_AsUTF8AndSize(op, &len);
    if (utf8 == NULL)
        return NULL;
    PyObject *by_imm = PyDict_GetItemWithError(self->texts, op);
    if (by_imm == NULL) {
        if (PyErr_Occurred())
            return NULL;
        by_imm = PyDict_New();
        if (by_imm == NULL)
            return NULL;
        int rc = PyDict_SetItem(self->texts, op, by_imm);
        Py_DECREF(by_imm); /* texts keeps it, and the op */
        if (rc < 0)
            return NULL;
    }
    Py_XSETREF(slot->op, Py_NewRef(op));
    slot->by_imm = by_imm;
    slot->utf8 = utf8;
    slot->len = len;
    slot->flags = flags;
    return slot;
}

/* The text of an instruction from the cache or the renderer (new reference to a str), NULL on error. */
static PyObject *
cached_text(RowsObject *self, OpSlot *slot, PyObject *func_index, PyObject *ins, PyObject *imm)
{
    PyObject *text = PyDict_GetItemWithError(slot->by_imm, imm);
    if (text != NULL)
        return Py_NewRef(text);
    if (PyErr_Occurred())
        return NULL;
    text = PyObject_CallFunctionObjArgs(self->instr, func_index, ins, NULL);
    if (text == NULL)
        return NULL;
    if (!PyUnicode_Check(text)) {
        Py_DECREF(text);
        PyErr_SetString(PyExc_TypeError, "an instruction's text must be str");
        return NULL;
    }
    if (PyDict_SetItem(slot->by_imm, imm, text) < 0) {
        Py_DECREF(text);
        return NULL;
    }
    return text;
}

/* Grow the text buffer to at least `need` bytes. */
static int
grow(RowsObject *self, Py_ssize_t need)
{
    Py_ssize_t cap = self->cap ? self->cap : 65536;
    while (cap < need)
        cap = cap > PY_SSIZE_T_MAX / 2 ? need : cap * 2;
    char *buf = PyMem_Realloc(self->buf, (size_t)cap);
    if (buf == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->buf = buf;
    self->cap = cap;
    return 0;
}

/* Room for `more` bytes after the text written so far (once per row: the common case inline). */
static inline int
reserve(RowsObject *self, Py_ssize_t more)
{
    if (more > PY_SSIZE_T_MAX - self->used) {
        PyErr_NoMemory();
        return -1;
    }
    return self->used + more <= self->cap ? 0 : grow(self, self->used + more);
}

/* Append a str to the text, counting its lines; -1 on error. */
static int
append_text(RowsObject *self, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "listing text must be str");
        return -1;
    }
    Py_ssize_t len;
    const char *utf8 = PyUnicode_AsUTF8AndSize(text, &len);
    if (utf8 == NULL || reserve(self, len) < 0)
        return -1;
    memcpy(self->buf + self->used, utf8, (size_t)len);
    self->used += len;
    self->ascii &= PyUnicode_IS_ASCII(text);
    for (const char *p = utf8, *end = utf8 + len; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        self->line++;
    return 0;
}

/* Room for one more instruction in the indexes. */
static int
reserve_instruction(RowsObject *self)
{
    if (self->count < self->room)
        return 0;
    Py_ssize_t room = self->room ? self->room * 2 : 4096;
    if ((size_t)room > PY_SSIZE_T_MAX / sizeof(long long)) {
        PyErr_NoMemory();
        return -1;
    }
    long long *values = PyMem_Realloc(self->offset_values, (size_t)room * sizeof(long long));
    if (values == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->offset_values = values;
    long long *lines = PyMem_Realloc(self->lines, (size_t)room * sizeof(long long));
    if (lines == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->lines = lines;
    self->room = room;
    return 0;
}

/* Whether every immediate is an int that fits a long long (those are spelled here). */
static int
all_small_ints(PyObject *imm, long long *values, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(imm, i);
        if (!PyLong_CheckExact(item))
            return 0;
        int overflow;
        values[i] = PyLong_AsLongLongAndOverflow(item, &overflow);
        if (overflow)
            return 0;
        if (values[i] == -1 && PyErr_Occurred())
            return -1;
    }
    return 1;
}

static const char HEX[] = "0123456789abcdef";

/* Write `value` in decimal at `p` (room for 20 characters); returns the end. */
static char *
write_decimal(char *p, long long value)
{
    char digits[20];
    int n = 0;
    unsigned long long magnitude = value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (value < 0)
        *p++ = '-';
    while (n)
        *p++ = digits[--n];
    return p;
}

/* How the rows writer spells an instruction's immediates after its op (see `write_rows`). */
typedef enum { SPELL_TEXT, SPELL_INTEGERS, SPELL_FUNC, SPELL_MEMARG, SPELL_BLOCK } Spelling;

/* The spelling of a block type after its op, as SPELL_BLOCK writes it: 1 with `*suffix` set to the result's
 * spelling, 0 for one spelled by the renderer (a type index: ` (type N)` and its signature, from the module's
 * types), -1 on error. */
static int
block_suffix(RowsObject *self, PyObject *block_type, PyObject **suffix)
{
    PyObject *index = PyObject_GetAttr(block_type, str_type_index);
    if (index == NULL) {
        PyErr_Clear(); /* not a BlockType: the renderer knows */
        return 0;
    }
    int typed = index != Py_None;
    Py_DECREF(index);
    if (typed)
        return 0;
    int found = 0;
    PyObject *result = PyObject_GetAttr(block_type, str_result);
    if (result == NULL) {
        PyErr_Clear();
    } else {
        *suffix = PyDict_GetItemWithError(self->results, result);
        Py_DECREF(result);
        found = *suffix != NULL ? PyUnicode_Check(*suffix) : PyErr_Occurred() ? -1 : 0;
    }
    return found;
}

/* The rows of a body; -1 on error. */
static int
write_rows(RowsObject *self, PyObject *func_index, PyObject *body_arg, int named_locals)
{
    PyObject *body = PySequence_Fast(body_arg, "body must be a sequence of instructions");
    if (body == NULL)
        return -1;
    long integer_flags = named_locals ? INTEGERS : INTEGERS | LOCAL;
    Py_ssize_t depth = 0;
    PyObject *ins = NULL; /* held: the renderer runs Python code, which could change the body */
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(body); i++) {
        Py_XSETREF(ins, Py_NewRef(PySequence_Fast_GET_ITEM(body, i)));
        if (!PyTuple_Check(ins) || PyTuple_GET_SIZE(ins) != 3) {
            PyErr_SetString(PyExc_TypeError, "an instruction must be an (op, imm, offset) tuple");
            goto fail;
        }
        PyObject *imm = PyTuple_GET_ITEM(ins, 1), *offset = PyTuple_GET_ITEM(ins, 2);
        OpSlot *slot = op_slot(self, PyTuple_GET_ITEM(ins, 0));
        if (slot == NULL)
            goto fail;
        long long value = PyLong_AsLongLong(offset);
        if (value == -1 && PyErr_Occurred())
            goto fail;
        if (value < 0) {
            PyErr_SetString(PyExc_ValueError, "negative instruction offset");
            goto fail;
        }
        if (!PyTuple_Check(imm)) {
            PyErr_SetString(PyExc_TypeError, "an instruction's immediates must be a tuple");
            goto fail;
        }
        if (reserve_instruction(self) < 0)
            goto fail;
        if ((slot->flags & CLOSES) && depth > 0)
            depth--;

        /* The text: the op and what is spelled here, or a str from the cache or the renderer. */
        Py_ssize_t count = PyTuple_GET_SIZE(imm);
        long long integers[4];
        Spelling spelling = SPELL_TEXT;
        const char *name = NULL; /* the callee's name (SPELL_FUNC), the block type's result (SPELL_BLOCK) */
        Py_ssize_t name_len = 0;
        if (count == 1 && (slot->flags & BLOCK)) {
            PyObject *suffix;
            int found = block_suffix(self, PyTuple_GET_ITEM(imm, 0), &suffix);
            if (found < 0)
                goto fail;
            if (found) {
                name = PyUnicode_AsUTF8AndSize(suffix, &name_len);
                if (name == NULL)
                    goto fail;
                self->ascii &= PyUnicode_IS_ASCII(suffix);
            }
            if (found)
                spelling = SPELL_BLOCK;
        } else if (count == 0 || (count <= 4 && (slot->flags & (integer_flags | FUNC | MEMARG)))) {
            int small = all_small_ints(imm, integers, count);
            if (small < 0)
                goto fail;
            if (small) {
                if (count == 0 || (slot->flags & integer_flags)) {
                    spelling = SPELL_INTEGERS;
                } else if ((slot->flags & MEMARG) && count == 2 && integers[0] >= 0 && integers[0] < 63) {
                    spelling = SPELL_MEMARG;
                } else if ((slot->flags & FUNC) && count == 1) {
                    PyObject *name_obj = PyDict_GetItemWithError(self->names, PyTuple_GET_ITEM(imm, 0));
                    if (name_obj == NULL && PyErr_Occurred())
                        goto fail;
                    if (name_obj == NULL || (PyUnicode_Check(name_obj) && PyUnicode_GET_LENGTH(name_obj) == 0)) {
                        spelling = SPELL_FUNC;
                    } else if (PyUnicode_Check(name_obj)) {
                        name = PyUnicode_AsUTF8AndSize(name_obj, &name_len);
                        if (name == NULL)
                            goto fail;
                        self->ascii &= PyUnicode_IS_ASCII(name_obj);
                        spelling = SPELL_FUNC;
                    }
                }
            }
        }
        PyObject *text = NULL;
        const char *utf8 = slot->utf8;
        Py_ssize_t text_len = slot->len;
        if (spelling == SPELL_TEXT) {
            text = (slot->flags & LOCAL) ? PyObject_CallFunctionObjArgs(self->instr, func_index, ins, NULL)
                                         : cached_text(self, slot, func_index, ins, imm);
            if (text == NULL)
                goto fail;
            if (!PyUnicode_Check(text)) {
                Py_DECREF(text);
                PyErr_SetString(PyExc_TypeError, "an instruction's text must be str");
                goto fail;
            }
            utf8 = PyUnicode_AsUTF8AndSize(text, &text_len);
            if (utf8 == NULL) {
                Py_DECREF(text);
                goto fail;
            }
            self->ascii &= PyUnicode_IS_ASCII(text);
        } else {
            self->ascii &= PyUnicode_IS_ASCII(PyTuple_GET_ITEM(ins, 0));
        }

        self->offset_values[self->count] = value;
        int digits = 1;
        while (digits < 16 && (value >> (4 * digits)) != 0)
            digits++;
        Py_ssize_t width = digits > self->width ? digits : self->width;
        /* "  0x" offset ": " indent text (or op and up to 4 integers, or " $" name) "\n" */
        Py_ssize_t indent = depth < MAX_INDENT ? depth : MAX_INDENT;
        if (reserve(self, 4 + width + 2 + 2 * indent + text_len + 2 + name_len + 4 * 28 + 1) < 0) {
            Py_XDECREF(text);
            if (!PyErr_Occurred())
                PyErr_NoMemory();
            goto fail;
        }
        char *p = self->buf + self->used;
        memcpy(p, "  0x", 4);
        p += 4;
        for (Py_ssize_t d = width - 1; d >= 0; d--, value >>= 4)
            p[d] = HEX[value & 0xf];
        p += width;
        *p++ = ':';
        *p++ = ' ';
        memset(p, ' ', (size_t)(2 * indent));
        p += 2 * indent;
        memcpy(p, utf8, (size_t)text_len);
        p += text_len;
        switch (spelling) {
        case SPELL_TEXT:
            break;
        case SPELL_INTEGERS:
            for (Py_ssize_t k = 0; k < count; k++) {
                *p++ = ' ';
                p = write_decimal(p, integers[k]);
            }
            break;
        case SPELL_FUNC:
            *p++ = ' ';
            if (name != NULL) {
                *p++ = '$';
                memcpy(p, name, (size_t)name_len);
                p += name_len;
            } else {
                p = write_decimal(p, integers[0]);
            }
            break;
        case SPELL_MEMARG:
            if (integers[1] != 0) {
                memcpy(p, " offset=", 8);
                p = write_decimal(p + 8, integers[1]);
            }
            if (integers[0] != slot->flags >> ALIGN_SHIFT) {
                memcpy(p, " align=", 7);
                p = write_decimal(p + 7, 1LL << integers[0]);
            }
            break;
        case SPELL_BLOCK:
            memcpy(p, name, (size_t)name_len);
            p += name_len;
            break;
        }
        *p++ = '\n';
        self->used = p - self->buf;
        Py_XDECREF(text);
        if (slot->flags & OPENS)
            depth++;
        self->line++;
        self->lines[self->count++] = self->line;
    }
    Py_XDECREF(ins);
    Py_DECREF(body);
    return 0;
fail:
    Py_XDECREF(ins);
    Py_DECREF(body);
    return -1;
}

static int
check_initialized(RowsObject *self)
{
    if (self->texts != NULL)
        return 0;
    PyErr_SetString(PyExc_ValueError, "Rows is not initialized");
    return -1;
}

/* Rows.write(text) -> int */
static PyObject *
rows_write(RowsObject *self, PyObject *text)
{
    if (check_initialized(self) < 0 || append_text(self, text) < 0)
        return NULL;
    return PyLong_FromSsize_t(self->line);
}

/* Rows.function(header, locals, func_index, body, named_locals) -> int */
static PyObject *
rows_function(RowsObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError,
                        "function(header, locals, func_index, body, named_locals) takes 5 arguments");
        return NULL;
    }
    if (check_initialized(self) < 0)
        return NULL;
    PyObject *header = args[0], *locals = args[1];
    int named_locals = PyObject_IsTrue(args[4]);
    if (named_locals < 0)
        return NULL;
    if (!PyUnicode_Check(header) || !PyUnicode_Check(locals)) {
        PyErr_SetString(PyExc_TypeError, "a function's header and locals must be str");
        return NULL;
    }
    /* "\n" header "\n", then "  " locals "\n" when it declares any */
    if (reserve(self, 1) < 0)
        return NULL;
    self->buf[self->used++] = '\n';
    self->line++;
    if (append_text(self, header) < 0 || reserve(self, 3) < 0)
        return NULL;
    self->buf[self->used++] = '\n';
    Py_ssize_t header_line = ++self->line;
    if (PyUnicode_GET_LENGTH(locals) > 0) {
        memcpy(self->buf + self->used, "  ", 2);
        self->used += 2;
        if (append_text(self, locals) < 0 || reserve(self, 1) < 0)
            return NULL;
        self->buf[self->used++] = '\n';
        self->line++;
    }
    if (write_rows(self, args[2], args[3], named_locals) < 0)
        return NULL;
    return PyLong_FromSsize_t(header_line);
}

/* Rows.finish() -> (text, index) */
static PyObject *
rows_finish(RowsObject *self, PyObject *Py_UNUSED(ignored))
{
    if (check_initialized(self) < 0)
        return NULL;
    PyObject *text = self->ascii ? PyUnicode_New(self->used, 127)
                                 : PyUnicode_DecodeUTF8(self->buf, self->used, "strict");
    if (text != NULL && self->ascii && self->used > 0)
        memcpy(PyUnicode_DATA(text), self->buf, (size_t)self->used);
    LineIndexObject *index = PyObject_New(LineIndexObject, &LineIndexType);
    PyObject *result = NULL;
    if (index != NULL) {
        index->offsets = index->lines = NULL;
        index->count = index->next = 0;
    }
    if (text == NULL || index == NULL)
        goto done;
    /* The index takes the arrays over. */
    int adopted = line_index_adopt(index, self->offset_values, self->lines, self->count);
    self->offset_values = NULL;
    self->lines = NULL;
    if (adopted == 0)
        result = PyTuple_Pack(2, text, (PyObject *)index);
    rows_reset(self);
done:
    Py_XDECREF(text);
    Py_XDECREF(index);
    return result;
}

static PyMethodDef rows_methods[] = {
    {"write", (PyCFunction)rows_write, METH_O,
     "write(text) -> int: append text (whole lines, each ending in a newline); returns the lines written so far."},
    {"function", (PyCFunction)(void (*)(void))rows_function, METH_FASTCALL,
     "function(header, locals, func_index, body, named_locals) -> int: append a blank line, the header line, the "
     "locals line (unless empty, indented) and one row per instruction; records every instruction's offset and "
     "line; returns the header's line."},
    {"finish", (PyCFunction)rows_finish, METH_NOARGS,
     "finish() -> (text, index): the listing text and the LineIndex of its instructions; starts over."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RowsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "emitter.wasm._listing.Rows",
    .tp_doc = PyDoc_STR("Rows(width, flags, instr, names, results): writes the listing text and its indexes."),
    .tp_basicsize = sizeof(RowsObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)rows_init,
    .tp_dealloc = (destructor)rows_dealloc,
    .tp_traverse = (traverseproc)rows_traverse,
    .tp_clear = (inquiry)rows_clear,
    .tp_methods = rows_methods,
};

static struct PyModuleDef listing_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "emitter.wasm._listing",
    .m_doc = PyDoc_STR("The listing's text and its line index, written in C (see emitter/wasm/listing.py)."),
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__listing(void)
{
    str_type_index = PyUnicode_InternFromString("type_index");
    str_result = PyUnicode_InternFromString("result");
    if (str_type_index == NULL || str_result == NULL || PyType_Ready(&RowsType) < 0
        || PyType_Ready(&LineIndexType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&listing_module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddObjectRef(m, "Rows", (PyObject *)&RowsType) < 0
        || PyModule_AddObjectRef(m, "LineIndex", (PyObject *)&LineIndexType) < 0
        || PyModule_AddIntConstant(m, "CLOSES", CLOSES) < 0
        || PyModule_AddIntConstant(m, "OPENS", OPENS) < 0 || PyModule_AddIntConstant(m, "LOCAL", LOCAL) < 0
        || PyModule_AddIntConstant(m, "INTEGERS", INTEGERS) < 0 || PyModule_AddIntConstant(m, "FUNC", FUNC) < 0
        || PyModule_AddIntConstant(m, "MEMARG", MEMARG) < 0 || PyModule_AddIntConstant(m, "BLOCK", BLOCK) < 0
        || PyModule_AddIntConstant(m, "ALIGN_SHIFT", ALIGN_SHIFT) < 0
        || PyModule_AddIntConstant(m, "MAX_INDENT", MAX_INDENT) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
