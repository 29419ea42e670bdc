/* The per-instruction rows of the listing (emitter/wasm/listing.py), in C: the listing is built for every
 * debug compile and has one row per Wasm instruction, so its loop is a large share of the cost of debug info.
 *
 * `Rows` renders a function body as its rows ("  0x<offset>: <indent><text>\n" each), one string per body, and
 * appends every instruction's offset and line to the listing's two index lists. An op's flags (a dict from Python)
 * say how it nests and how its text is made:
 * - no immediates: the op itself;
 * - INTEGERS (and LOCAL in a function without local names): the op and its integer immediates in decimal, written
 *   here (the renderer's general case; constants and indices are mostly distinct, so caching them gains nothing);
 * - LOCAL in a function with local names: the renderer's `instr(func_index, ins)`, every time;
 * - anything else: `instr` the first time the (op, immediates) is seen, then the cached text.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

/* Op flags: CLOSES leaves a block before the row (end, else), OPENS enters one after it (block, else). */
enum { CLOSES = 1, OPENS = 2, LOCAL = 4, INTEGERS = 8 };

/* The ops seen, by address: op strings are shared by every instruction, so most lookups are one comparison. A slot
 * holds its op; the cache is borrowed from `texts`, which keeps every op's cache alive. */
#define OP_SLOTS 256
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
    PyObject *texts;     /* dict: op -> dict: immediates -> str */
    PyObject *offsets;   /* list of instruction offsets, appended to */
    PyObject *lines;     /* list of their 1-based lines, appended to */
    char *buf;           /* UTF-8 scratch for one body's rows, reused */
    Py_ssize_t cap;
    OpSlot ops[OP_SLOTS];
} RowsObject;

static int
rows_traverse(RowsObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->flags);
    Py_VISIT(self->instr);
    Py_VISIT(self->texts);
    Py_VISIT(self->offsets);
    Py_VISIT(self->lines);
    return 0;
}

static int
rows_clear(RowsObject *self)
{
    for (int i = 0; i < OP_SLOTS; i++)
        Py_CLEAR(self->ops[i].op);
    Py_CLEAR(self->flags);
    Py_CLEAR(self->instr);
    Py_CLEAR(self->texts);
    Py_CLEAR(self->offsets);
    Py_CLEAR(self->lines);
    return 0;
}

static void
rows_dealloc(RowsObject *self)
{
    PyObject_GC_UnTrack(self);
    rows_clear(self);
    PyMem_Free(self->buf);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
rows_init(RowsObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"width", "flags", "instr", "offsets", "lines", NULL};
    Py_ssize_t width;
    PyObject *flags, *instr, *offsets, *lines;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "nO!OO!O!:Rows", keywords, &width, &PyDict_Type, &flags, &instr,
                                     &PyList_Type, &offsets, &PyList_Type, &lines))
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
    self->width = width;
    self->texts = texts;
    self->flags = Py_NewRef(flags);
    self->instr = Py_NewRef(instr);
    self->offsets = Py_NewRef(offsets);
    self->lines = Py_NewRef(lines);
    return 0;
}

/* The slot of an op: its flags, text cache and UTF-8 spelling; NULL with an exception set on error. */
static OpSlot *
op_slot(RowsObject *self, PyObject *op)
{
    OpSlot *slot = &self->ops[((uintptr_t)op >> 4) % OP_SLOTS];
    if (slot->op == op)
        return slot;
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

static int
reserve(RowsObject *self, Py_ssize_t used, Py_ssize_t more)
{
    if (more > PY_SSIZE_T_MAX - used) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t need = used + more;
    if (need <= self->cap)
        return 0;
    Py_ssize_t cap = self->cap ? self->cap : 4096;
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

/* Rows.body(func_index, body, first_line, named_locals) -> str */
static PyObject *
rows_body(RowsObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "body(func_index, body, first_line, named_locals) takes 4 arguments");
        return NULL;
    }
    if (self->texts == NULL) {
        PyErr_SetString(PyExc_ValueError, "Rows is not initialized");
        return NULL;
    }
    PyObject *func_index = args[0];
    PyObject *body = PySequence_Fast(args[1], "body must be a sequence of instructions");
    if (body == NULL)
        return NULL;
    Py_ssize_t line = PyLong_AsSsize_t(args[2]);
    int named_locals = PyObject_IsTrue(args[3]);
    if ((line == -1 && PyErr_Occurred()) || named_locals < 0) {
        Py_DECREF(body);
        return NULL;
    }
    long integer_flags = named_locals ? INTEGERS : INTEGERS | LOCAL;
    Py_ssize_t used = 0, depth = 0;
    int ascii = 1;
    PyObject *ins = NULL; /* held: the renderer runs Python code, which could change the body */
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(body); i++, line++) {
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
        if ((slot->flags & CLOSES) && depth > 0)
            depth--;

        /* The text: the op's own spelling, its integers, or a str from the cache or the renderer. */
        Py_ssize_t count = PyTuple_GET_SIZE(imm);
        long long integers[4];
        int spelled = 0;
        if (count <= 4 && (count == 0 || (slot->flags & integer_flags))) {
            spelled = all_small_ints(imm, integers, count);
            if (spelled < 0)
                goto fail;
        }
        PyObject *text = NULL;
        const char *utf8 = slot->utf8;
        Py_ssize_t text_len = slot->len;
        if (!spelled) {
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
            ascii &= PyUnicode_IS_ASCII(text);
        } else {
            ascii &= PyUnicode_IS_ASCII(PyTuple_GET_ITEM(ins, 0));
        }

        int digits = 1;
        while (digits < 16 && (value >> (4 * digits)) != 0)
            digits++;
        Py_ssize_t width = digits > self->width ? digits : self->width;
        /* "  0x" offset ": " indent text (or op and up to 4 integers) "\n" */
        if (depth > (PY_SSIZE_T_MAX - 256 - text_len) / 2
            || reserve(self, used, 4 + width + 2 + 2 * depth + text_len + 4 * 21 + 1) < 0) {
            Py_XDECREF(text);
            if (!PyErr_Occurred())
                PyErr_NoMemory();
            goto fail;
        }
        char *p = self->buf + used;
        memcpy(p, "  0x", 4);
        p += 4;
        for (Py_ssize_t d = width - 1; d >= 0; d--, value >>= 4)
            p[d] = HEX[value & 0xf];
        p += width;
        *p++ = ':';
        *p++ = ' ';
        memset(p, ' ', (size_t)(2 * depth));
        p += 2 * depth;
        memcpy(p, utf8, (size_t)text_len);
        p += text_len;
        if (spelled) {
            for (Py_ssize_t k = 0; k < count; k++) {
                *p++ = ' ';
                p = write_decimal(p, integers[k]);
            }
        }
        *p++ = '\n';
        used = p - self->buf;
        Py_XDECREF(text);
        if (slot->flags & OPENS)
            depth++;

        PyObject *line_obj = PyLong_FromSsize_t(line);
        if (line_obj == NULL)
            goto fail;
        int rc = PyList_Append(self->offsets, offset) < 0 || PyList_Append(self->lines, line_obj) < 0;
        Py_DECREF(line_obj);
        if (rc)
            goto fail;
    }
    Py_XDECREF(ins);
    Py_DECREF(body);
    if (!ascii)
        return PyUnicode_DecodeUTF8(self->buf, used, "strict");
    PyObject *rows = PyUnicode_New(used, 127);
    if (rows != NULL && used > 0)
        memcpy(PyUnicode_DATA(rows), self->buf, (size_t)used);
    return rows;
fail:
    Py_XDECREF(ins);
    Py_DECREF(body);
    return NULL;
}

static PyMethodDef rows_methods[] = {
    {"body", (PyCFunction)(void (*)(void))rows_body, METH_FASTCALL,
     "body(func_index, body, first_line, named_locals) -> str: a body's rows, each ending in a newline; records "
     "every instruction's offset and line (lines count from first_line)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RowsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "emitter.wasm._listing.Rows",
    .tp_doc = PyDoc_STR("Rows(width, flags, instr, offsets, lines): renders the listing rows of function bodies."),
    .tp_basicsize = sizeof(RowsObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)rows_init,
    .tp_dealloc = (destructor)rows_dealloc,
    .tp_traverse = (traverseproc)rows_traverse,
    .tp_clear = (inquiry)rows_clear,
    .tp_methods = rows_methods,
};

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
    for (Py_ssize_t i = 1; i < count; i++) {
        if (offset_array[i] < offset_array[i - 1]) {
            PyMem_Free(offset_array);
            PyMem_Free(line_array);
            PyErr_SetString(PyExc_ValueError, "instruction offsets must be sorted");
            return -1;
        }
    }
    PyMem_Free(self->offsets);
    PyMem_Free(self->lines);
    self->offsets = offset_array;
    self->lines = line_array;
    self->count = count;
    self->next = 0;
    return 0;
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

static PyMethodDef line_index_methods[] = {
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

static struct PyModuleDef listing_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "emitter.wasm._listing",
    .m_doc = PyDoc_STR("The listing's per-instruction rows (see emitter/wasm/listing.py)."),
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__listing(void)
{
    if (PyType_Ready(&RowsType) < 0 || PyType_Ready(&LineIndexType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&listing_module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddObjectRef(m, "Rows", (PyObject *)&RowsType) < 0
        || PyModule_AddObjectRef(m, "LineIndex", (PyObject *)&LineIndexType) < 0
        || PyModule_AddIntConstant(m, "CLOSES", CLOSES) < 0
        || PyModule_AddIntConstant(m, "OPENS", OPENS) < 0 || PyModule_AddIntConstant(m, "LOCAL", LOCAL) < 0
        || PyModule_AddIntConstant(m, "INTEGERS", INTEGERS) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
