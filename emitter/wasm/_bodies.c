/* Function bodies decoded and typed in one pass, in C: the decoder's `_Reader.body` and the validator's
 * `_BodyValidator` (emitter/wasm/decoder.py, validate.py) are the model, and this is their fast path for the
 * common instructions. Decoding and validation are a large share of a cold start (one Python call per
 * instruction in each), and a module has one `Instr` per instruction either way.
 *
 * The contract is one-sided, so that every error stays the model's: `body` returns the very `Instr` list the
 * model's decoder builds, or None when it meets anything it does not decode (an immediate kind it leaves to the
 * model, an opcode it does not know, malformed bytes of any kind), and then the caller decodes the body in Python,
 * which raises the error or decodes the rare instruction. With the list it says whether the body is valid: True
 * only when it typed every instruction by the model's rules and found nothing wrong; False when it met an
 * instruction it does not type, a type it leaves to the model (drop/select of non-numeric values: the model
 * records v128 operands), or an error. False means "validate in Python", never "invalid".
 *
 * All reads are bounded by the body's end; every loop consumes at least one byte per iteration; the stacks grow
 * by doubling with checked allocation.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

/* Immediate kinds (the decoder's OpInfo.immediate), as the Python side maps them: IMM_BAIL = left to the model. */
enum { IMM_BAIL, IMM_NONE, IMM_U32, IMM_MEMIDX, IMM_I32, IMM_I64, IMM_F32, IMM_F64, IMM_MEMARG, IMM_BLOCK,
       IMM_BR_TABLE, IMM_TWO_U32, IMM_MEMORY_INIT, IMM_MEMORY_COPY };

/* How an instruction is typed: V_BAIL = by the model only. */
enum { V_BAIL, V_SIG, V_NOP, V_UNREACHABLE, V_BLOCK, V_LOOP, V_IF, V_ELSE, V_END, V_BR, V_BR_IF, V_BR_TABLE,
       V_RETURN, V_CALL, V_CALL_INDIRECT, V_DROP, V_SELECT, V_LOCAL_GET, V_LOCAL_SET, V_LOCAL_TEE, V_GLOBAL_GET,
       V_GLOBAL_SET, V_MEMORY_SIZE, V_MEMORY_GROW, V_MEMORY_COPY, V_MEMORY_FILL, V_MEMORY_INIT, V_DATA_DROP };

/* Nesting, as the model's decoder counts it. */
enum { NEST_NONE, NEST_OPEN, NEST_CLOSE };

#define MAX_SIG 4
#define T_I32 0x7F
#define T_I64 0x7E
#define T_F32 0x7D
#define T_F64 0x7C
#define T_V128 0x7B
#define T_FUNCREF 0x70

typedef struct {
    PyObject *name; /* NULL: no such opcode here */
    uint8_t imm, vkind, nest, align, nparams, nresults;
    uint8_t params[MAX_SIG], results[MAX_SIG];
} Op;

#define MISC_COUNT 32

typedef struct {
    PyObject_HEAD
    Op ops[256];
    Op misc[MISC_COUNT];
    PyObject *instr_type;   /* emitter.wasm.module.Instr */
    PyObject *block_empty;  /* BlockType() */
    PyObject *block_values; /* dict: value type byte -> BlockType(result=...) */
    PyObject *block_index;  /* callable: type index -> BlockType(type_index=...) */
} TablesObject;

/* ---- Context: the module facts a body is typed against (validate.py's _Context). -------------------------- */

typedef struct {
    PyObject_HEAD
    Py_ssize_t ntypes;
    uint8_t **params, **results; /* per type: its value type bytes */
    Py_ssize_t *nparams, *nresults;
    Py_ssize_t nfuncs;
    uint32_t *func_types;
    Py_ssize_t nglobals;
    uint8_t *global_types, *global_mutable;
    Py_ssize_t ntables;
    uint8_t *table_types, *table_index64;
    Py_ssize_t nmemories;
    uint8_t *memory64;
    long long data_count; /* -1: no data count section */
    PyObject *keep;       /* the bytes objects the pointers point into */
} ContextObject;

static void
context_dealloc(ContextObject *self)
{
    PyMem_Free(self->params);
    PyMem_Free(self->results);
    PyMem_Free(self->nparams);
    PyMem_Free(self->nresults);
    PyMem_Free(self->func_types);
    Py_XDECREF(self->keep);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Context(types, func_types, globals, tables, memories, data_count):
 *   types: list of (params bytes, results bytes); func_types: list of int;
 *   globals: bytes, two per global (type, mutable); tables: bytes, two per table (element type, 64-bit);
 *   memories: bytes, one per memory (64-bit); data_count: int, -1 for none. */
static PyObject *
context_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *types, *func_types, *globals, *tables, *memories;
    long long data_count;
    (void)kwargs;
    if (!PyArg_ParseTuple(args, "O!O!SSSL", &PyList_Type, &types, &PyList_Type, &func_types, &globals, &tables,
                          &memories, &data_count))
        return NULL;
    ContextObject *self = (ContextObject *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->keep = PyTuple_Pack(4, types, globals, tables, memories);
    if (self->keep == NULL)
        goto fail;
    Py_ssize_t n = PyList_GET_SIZE(types);
    self->ntypes = n;
    self->params = PyMem_Calloc(n + 1, sizeof(uint8_t *));
    self->results = PyMem_Calloc(n + 1, sizeof(uint8_t *));
    self->nparams = PyMem_Calloc(n + 1, sizeof(Py_ssize_t));
    self->nresults = PyMem_Calloc(n + 1, sizeof(Py_ssize_t));
    if (!self->params || !self->results || !self->nparams || !self->nresults) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(types, i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2 || !PyBytes_Check(PyTuple_GET_ITEM(item, 0))
            || !PyBytes_Check(PyTuple_GET_ITEM(item, 1))) {
            PyErr_SetString(PyExc_TypeError, "a type is a (params bytes, results bytes) pair");
            goto fail;
        }
        self->params[i] = (uint8_t *)PyBytes_AS_STRING(PyTuple_GET_ITEM(item, 0));
        self->nparams[i] = PyBytes_GET_SIZE(PyTuple_GET_ITEM(item, 0));
        self->results[i] = (uint8_t *)PyBytes_AS_STRING(PyTuple_GET_ITEM(item, 1));
        self->nresults[i] = PyBytes_GET_SIZE(PyTuple_GET_ITEM(item, 1));
    }
    n = PyList_GET_SIZE(func_types);
    self->nfuncs = n;
    self->func_types = PyMem_Calloc(n + 1, sizeof(uint32_t));
    if (!self->func_types) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned long v = PyLong_AsUnsignedLong(PyList_GET_ITEM(func_types, i));
        if (v == (unsigned long)-1 && PyErr_Occurred())
            goto fail;
        /* A type index past the types fails the model's module checks before any body is typed; here it is
         * simply an unknown type. */
        self->func_types[i] = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    }
    self->nglobals = PyBytes_GET_SIZE(globals) / 2;
    self->global_types = (uint8_t *)PyBytes_AS_STRING(globals);
    self->global_mutable = self->global_types + 1;
    self->ntables = PyBytes_GET_SIZE(tables) / 2;
    self->table_types = (uint8_t *)PyBytes_AS_STRING(tables);
    self->table_index64 = self->table_types + 1;
    self->nmemories = PyBytes_GET_SIZE(memories);
    self->memory64 = (uint8_t *)PyBytes_AS_STRING(memories);
    self->data_count = data_count;
    return (PyObject *)self;
fail:
    Py_DECREF(self);
    return NULL;
}

static PyTypeObject ContextType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "emitter.wasm._bodies.Context",
    .tp_basicsize = sizeof(ContextObject),
    .tp_dealloc = (destructor)context_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = context_new,
    .tp_doc = "The module facts function bodies are typed against.",
};

/* ---- Tables ----------------------------------------------------------------------------------------------- */

static void
tables_dealloc(TablesObject *self)
{
    for (int i = 0; i < 256; i++)
        Py_XDECREF(self->ops[i].name);
    for (int i = 0; i < MISC_COUNT; i++)
        Py_XDECREF(self->misc[i].name);
    Py_XDECREF(self->instr_type);
    Py_XDECREF(self->block_empty);
    Py_XDECREF(self->block_values);
    Py_XDECREF(self->block_index);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
fill_ops(Op *ops, Py_ssize_t count, PyObject *dict)
{
    /* dict: code -> (name str, imm kind, validation kind, nest, natural align, params bytes, results bytes) */
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(dict, &pos, &key, &value)) {
        long code = PyLong_AsLong(key);
        if (code == -1 && PyErr_Occurred())
            return -1;
        if (code < 0 || code >= count) {
            PyErr_Format(PyExc_ValueError, "opcode %ld out of the table", code);
            return -1;
        }
        PyObject *name, *params, *results;
        int imm, vkind, nest, align;
        if (!PyArg_ParseTuple(value, "UiiiiSS", &name, &imm, &vkind, &nest, &align, &params, &results))
            return -1;
        Op *op = &ops[code];
        if (PyBytes_GET_SIZE(params) > MAX_SIG || PyBytes_GET_SIZE(results) > MAX_SIG) {
            PyErr_SetString(PyExc_ValueError, "signature too long");
            return -1;
        }
        Py_INCREF(name);
        Py_XSETREF(op->name, name);
        op->imm = (uint8_t)imm;
        op->vkind = (uint8_t)vkind;
        op->nest = (uint8_t)nest;
        op->align = (uint8_t)align;
        op->nparams = (uint8_t)PyBytes_GET_SIZE(params);
        op->nresults = (uint8_t)PyBytes_GET_SIZE(results);
        memcpy(op->params, PyBytes_AS_STRING(params), op->nparams);
        memcpy(op->results, PyBytes_AS_STRING(results), op->nresults);
    }
    return 0;
}

/* Tables(ops, misc, Instr, BlockType(), {valtype byte: BlockType(result=...)}, type index -> BlockType) */
static PyObject *
tables_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *ops, *misc, *instr_type, *block_empty, *block_values, *block_index;
    (void)kwargs;
    if (!PyArg_ParseTuple(args, "O!O!OOO!O", &PyDict_Type, &ops, &PyDict_Type, &misc, &instr_type, &block_empty,
                          &PyDict_Type, &block_values, &block_index))
        return NULL;
    if (!PyType_Check(instr_type) || !PyType_IsSubtype((PyTypeObject *)instr_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "Instr must be a tuple type");
        return NULL;
    }
    TablesObject *self = (TablesObject *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    Py_INCREF(instr_type);
    self->instr_type = instr_type;
    Py_INCREF(block_empty);
    self->block_empty = block_empty;
    Py_INCREF(block_values);
    self->block_values = block_values;
    Py_INCREF(block_index);
    self->block_index = block_index;
    if (fill_ops(self->ops, 256, ops) < 0 || fill_ops(self->misc, MISC_COUNT, misc) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

/* ---- The pass --------------------------------------------------------------------------------------------- */

typedef struct {
    uint8_t kind; /* V_BLOCK, V_LOOP, V_IF, V_ELSE; V_END for the function's frame */
    uint8_t unreachable;
    const uint8_t *start, *end;
    Py_ssize_t nstart, nend;
    Py_ssize_t height;
} Frame;

typedef struct {
    const uint8_t *data;
    Py_ssize_t pos, end;
    int bail;  /* decoding left to the model */
    int vfail; /* typing left to the model */
    /* the validator's stacks */
    uint8_t *vals;
    Py_ssize_t nvals, capvals;
    Frame *ctrls;
    Py_ssize_t nctrls, capctrls;
} Pass;

static uint8_t VALUE_TYPE_BYTES[256];

static int
u32(Pass *p, uint32_t *out)
{
    uint64_t result = 0;
    for (int i = 0; i < 5; i++) {
        if (p->pos >= p->end)
            return -1;
        uint8_t b = p->data[p->pos++];
        if (i == 4 && (b & 0x80 || b >> 4))
            return -1;
        result |= (uint64_t)(b & 0x7F) << (7 * i);
        if (b < 0x80) {
            *out = (uint32_t)result;
            return 0;
        }
    }
    return -1;
}

/* A signed LEB128 of `bits` (32, 33 or 64) bits, as the model's `sleb` accepts it. */
static int
sleb(Pass *p, int bits, int64_t *out)
{
    int max_bytes = (bits + 6) / 7;
    uint64_t result = 0;
    for (int i = 0; i < max_bytes; i++) {
        if (p->pos >= p->end)
            return -1;
        uint8_t b = p->data[p->pos++];
        int shift = 7 * i;
        if (i == max_bytes - 1) {
            if (b & 0x80)
                return -1;
            int used = bits - shift; /* value bits in this byte, the sign bit included */
            uint8_t unused = (uint8_t)((0x7F >> (used - 1)) << (used - 1));
            if ((b & unused) != 0 && (b & unused) != unused)
                return -1;
        }
        result |= (uint64_t)(b & 0x7F) << shift;
        if (b < 0x80) {
            if (b & 0x40 && shift + 7 < 64)
                result |= ~(uint64_t)0 << (shift + 7);
            *out = (int64_t)result;
            return 0;
        }
    }
    return -1;
}

/* ---- the validator's operand and control stacks (validate.py's _BodyValidator) ---- */

static int
push(Pass *p, uint8_t t)
{
    if (p->nvals == p->capvals) {
        Py_ssize_t cap = p->capvals ? p->capvals * 2 : 64;
        uint8_t *vals = PyMem_Realloc(p->vals, cap);
        if (vals == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        p->vals = vals;
        p->capvals = cap;
    }
    p->vals[p->nvals++] = t;
    return 0;
}

static int
push_types(Pass *p, const uint8_t *types, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        if (push(p, types[i]) < 0)
            return -1;
    return 0;
}

/* pop(expect): the popped type, 0 (unknown) below an unreachable point; sets vfail on a mismatch. */
static uint8_t
pop(Pass *p, uint8_t expect)
{
    Frame *frame = &p->ctrls[p->nctrls - 1];
    if (p->nvals == frame->height) {
        if (!frame->unreachable)
            p->vfail = 1;
        return expect;
    }
    uint8_t actual = p->vals[--p->nvals];
    if (expect && actual && actual != expect)
        p->vfail = 1;
    return actual ? actual : expect;
}

static void
pop_types(Pass *p, const uint8_t *types, Py_ssize_t n)
{
    for (Py_ssize_t i = n - 1; i >= 0; i--)
        pop(p, types[i]);
}

static int
push_ctrl(Pass *p, uint8_t kind, const uint8_t *start, Py_ssize_t nstart, const uint8_t *end, Py_ssize_t nend)
{
    if (p->nctrls == p->capctrls) {
        Py_ssize_t cap = p->capctrls ? p->capctrls * 2 : 16;
        Frame *ctrls = PyMem_Realloc(p->ctrls, cap * sizeof(Frame));
        if (ctrls == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        p->ctrls = ctrls;
        p->capctrls = cap;
    }
    Frame *f = &p->ctrls[p->nctrls++];
    f->kind = kind;
    f->unreachable = 0;
    f->start = start;
    f->nstart = nstart;
    f->end = end;
    f->nend = nend;
    f->height = p->nvals;
    return push_types(p, start, nstart);
}

/* pop_ctrl: 0 with the frame in *out, or vfail set. */
static int
pop_ctrl(Pass *p, Frame *out)
{
    Frame *frame = &p->ctrls[p->nctrls - 1];
    pop_types(p, frame->end, frame->nend);
    if (p->nvals != frame->height) {
        p->vfail = 1;
        return -1;
    }
    *out = *frame;
    p->nctrls--;
    return 0;
}

static void
set_unreachable(Pass *p)
{
    Frame *frame = &p->ctrls[p->nctrls - 1];
    p->nvals = frame->height;
    frame->unreachable = 1;
}

static Frame *
label(Pass *p, uint32_t depth)
{
    if ((Py_ssize_t)depth >= p->nctrls) {
        p->vfail = 1;
        return NULL;
    }
    return &p->ctrls[p->nctrls - 1 - depth];
}

static void
label_types(Frame *f, const uint8_t **types, Py_ssize_t *n)
{
    if (f->kind == V_LOOP) {
        *types = f->start;
        *n = f->nstart;
    } else {
        *types = f->end;
        *n = f->nend;
    }
}

static int
numeric(uint8_t t)
{
    return t == 0 || t == T_I32 || t == T_I64 || t == T_F32 || t == T_F64;
}

static int
memory_type(Pass *p, ContextObject *ctx, uint32_t index, uint8_t *address)
{
    if ((Py_ssize_t)index >= ctx->nmemories) {
        p->vfail = 1;
        return -1;
    }
    *address = ctx->memory64[index] ? T_I64 : T_I32;
    return 0;
}

static int
data_index(Pass *p, ContextObject *ctx, uint32_t index)
{
    if (ctx->data_count < 0 || (long long)index >= ctx->data_count) {
        p->vfail = 1;
        return -1;
    }
    return 0;
}

static const uint8_t *
single(uint8_t t)
{
    return &VALUE_TYPE_BYTES[t];
}

/* The block type's decoded form for typing: kind 0 empty, 1 one value type, 2 a type index. */
typedef struct {
    int kind;
    uint8_t value;
    int64_t index;
} Block;

static int
block_types(Pass *p, ContextObject *ctx, Block *b, const uint8_t **params, Py_ssize_t *np, const uint8_t **results,
            Py_ssize_t *nr)
{
    switch (b->kind) {
    case 0:
        *params = *results = NULL;
        *np = *nr = 0;
        return 0;
    case 1:
        *params = NULL;
        *np = 0;
        *results = single(b->value);
        *nr = 1;
        return 0;
    default:
        if (b->index >= ctx->ntypes) {
            p->vfail = 1;
            return -1;
        }
        *params = ctx->params[b->index];
        *np = ctx->nparams[b->index];
        *results = ctx->results[b->index];
        *nr = ctx->nresults[b->index];
        return 0;
    }
}

/* Type one instruction (the model's `_BodyValidator.instr`); `a`, `b` are its integer immediates; `labels` the
 * br_table targets. Returns -1 only on a memory error (a Python exception is set). */
static int
typecheck(Pass *p, ContextObject *ctx, const uint8_t *locals, Py_ssize_t nlocals, const Op *op, uint32_t a,
          uint32_t b, Block *block, const uint32_t *labels, Py_ssize_t nlabels)
{
    const uint8_t *types;
    Py_ssize_t n;
    Frame *f;
    Frame done;
    uint8_t t, t1, t2, address, source;
    switch (op->vkind) {
    case V_SIG: {
        uint8_t params[MAX_SIG];
        memcpy(params, op->params, op->nparams);
        if (op->imm == IMM_MEMARG) {
            /* memory 0 only: the pass leaves a memarg naming another memory to the model */
            if (memory_type(p, ctx, 0, &address) < 0)
                return 0;
            if (a > op->align) {
                p->vfail = 1;
                return 0;
            }
            params[0] = address;
        }
        pop_types(p, params, op->nparams);
        return push_types(p, op->results, op->nresults);
    }
    case V_NOP:
        return 0;
    case V_UNREACHABLE:
        set_unreachable(p);
        return 0;
    case V_BLOCK:
    case V_LOOP:
    case V_IF: {
        const uint8_t *params, *results;
        Py_ssize_t np, nr;
        if (block_types(p, ctx, block, &params, &np, &results, &nr) < 0)
            return 0;
        if (op->vkind == V_IF)
            pop(p, T_I32);
        pop_types(p, params, np);
        return push_ctrl(p, op->vkind, params, np, results, nr);
    }
    case V_ELSE:
        if (p->ctrls[p->nctrls - 1].kind != V_IF) {
            p->vfail = 1;
            return 0;
        }
        if (pop_ctrl(p, &done) < 0)
            return 0;
        return push_ctrl(p, V_ELSE, done.start, done.nstart, done.end, done.nend);
    case V_END:
        if (pop_ctrl(p, &done) < 0)
            return 0;
        if (done.kind == V_IF && (done.nstart != done.nend || memcmp(done.start, done.end, done.nend) != 0)) {
            p->vfail = 1;
            return 0;
        }
        return push_types(p, done.end, done.nend);
    case V_BR:
        if ((f = label(p, a)) == NULL)
            return 0;
        label_types(f, &types, &n);
        pop_types(p, types, n);
        set_unreachable(p);
        return 0;
    case V_BR_IF:
        pop(p, T_I32);
        if ((f = label(p, a)) == NULL)
            return 0;
        label_types(f, &types, &n);
        pop_types(p, types, n);
        return push_types(p, types, n);
    case V_BR_TABLE: {
        pop(p, T_I32);
        if ((f = label(p, b)) == NULL)
            return 0;
        Py_ssize_t arity = f->kind == V_LOOP ? f->nstart : f->nend;
        for (Py_ssize_t k = 0; k < nlabels; k++) {
            if ((f = label(p, labels[k])) == NULL)
                return 0;
            label_types(f, &types, &n);
            if (n != arity) {
                p->vfail = 1;
                return 0;
            }
            /* each target checked against the stack without consuming it; an operand the unreachable stack
             * made up stays unknown when pushed back */
            uint8_t popped[64];
            uint8_t *keep = n <= 64 ? popped : PyMem_Malloc(n);
            if (keep == NULL) {
                PyErr_NoMemory();
                return -1;
            }
            Py_ssize_t height = p->ctrls[p->nctrls - 1].height;
            for (Py_ssize_t i = n - 1, j = 0; i >= 0; i--, j++) {
                int unknown = p->nvals == height || p->vals[p->nvals - 1] == 0;
                uint8_t actual = pop(p, types[i]);
                keep[j] = unknown ? 0 : actual;
            }
            int failed = 0;
            for (Py_ssize_t j = n - 1; j >= 0 && !failed; j--)
                failed = push(p, keep[j]) < 0;
            if (keep != popped)
                PyMem_Free(keep);
            if (failed)
                return -1;
        }
        f = label(p, b);
        label_types(f, &types, &n);
        pop_types(p, types, n);
        set_unreachable(p);
        return 0;
    }
    case V_RETURN:
        pop_types(p, p->ctrls[0].end, p->ctrls[0].nend);
        set_unreachable(p);
        return 0;
    case V_CALL:
        if ((Py_ssize_t)a >= ctx->nfuncs || ctx->func_types[a] >= ctx->ntypes) {
            p->vfail = 1;
            return 0;
        }
        pop_types(p, ctx->params[ctx->func_types[a]], ctx->nparams[ctx->func_types[a]]);
        return push_types(p, ctx->results[ctx->func_types[a]], ctx->nresults[ctx->func_types[a]]);
    case V_CALL_INDIRECT:
        if ((Py_ssize_t)b >= ctx->ntables || ctx->table_types[2 * b] != T_FUNCREF || (Py_ssize_t)a >= ctx->ntypes) {
            p->vfail = 1;
            return 0;
        }
        pop(p, ctx->table_index64[2 * b] ? T_I64 : T_I32);
        pop_types(p, ctx->params[a], ctx->nparams[a]);
        return push_types(p, ctx->results[a], ctx->nresults[a]);
    case V_DROP:
        if (pop(p, 0) == T_V128)
            p->vfail = 1; /* the model records v128 operands */
        return 0;
    case V_SELECT:
        pop(p, T_I32);
        t1 = pop(p, 0);
        t2 = pop(p, 0);
        if (!numeric(t1) || !numeric(t2) || (t1 && t2 && t1 != t2)) {
            p->vfail = 1;
            return 0;
        }
        return push(p, t1 ? t1 : t2);
    case V_LOCAL_GET:
    case V_LOCAL_SET:
    case V_LOCAL_TEE:
        if ((Py_ssize_t)a >= nlocals) {
            p->vfail = 1;
            return 0;
        }
        t = locals[a];
        if (op->vkind == V_LOCAL_GET)
            return push(p, t);
        pop(p, t);
        return op->vkind == V_LOCAL_TEE ? push(p, t) : 0;
    case V_GLOBAL_GET:
        if ((Py_ssize_t)a >= ctx->nglobals) {
            p->vfail = 1;
            return 0;
        }
        return push(p, ctx->global_types[2 * a]);
    case V_GLOBAL_SET:
        if ((Py_ssize_t)a >= ctx->nglobals || !ctx->global_mutable[2 * a]) {
            p->vfail = 1;
            return 0;
        }
        pop(p, ctx->global_types[2 * a]);
        return 0;
    case V_MEMORY_SIZE:
        if (memory_type(p, ctx, a, &address) < 0)
            return 0;
        return push(p, address);
    case V_MEMORY_GROW:
        if (memory_type(p, ctx, a, &address) < 0)
            return 0;
        pop(p, address);
        return push(p, address);
    case V_MEMORY_COPY:
        if (memory_type(p, ctx, a, &address) < 0 || memory_type(p, ctx, b, &source) < 0)
            return 0;
        pop(p, address == T_I32 || source == T_I32 ? T_I32 : T_I64);
        pop(p, source);
        pop(p, address);
        return 0;
    case V_MEMORY_FILL:
        if (memory_type(p, ctx, a, &address) < 0)
            return 0;
        pop(p, address);
        pop(p, T_I32);
        pop(p, address);
        return 0;
    case V_MEMORY_INIT:
        if (data_index(p, ctx, a) < 0 || memory_type(p, ctx, b, &address) < 0)
            return 0;
        pop(p, T_I32);
        pop(p, T_I32);
        pop(p, address);
        return 0;
    case V_DATA_DROP:
        data_index(p, ctx, a);
        return 0;
    default:
        p->vfail = 1;
        return 0;
    }
}

static PyObject *
make_instr(TablesObject *t, PyObject *name, PyObject *imm, Py_ssize_t offset)
{
    if (imm == NULL)
        return NULL;
    PyObject *off = PyLong_FromSsize_t(offset);
    if (off == NULL) {
        Py_DECREF(imm);
        return NULL;
    }
    PyObject *ins = ((PyTypeObject *)t->instr_type)->tp_alloc((PyTypeObject *)t->instr_type, 3);
    if (ins == NULL) {
        Py_DECREF(imm);
        Py_DECREF(off);
        return NULL;
    }
    Py_INCREF(name);
    PyTuple_SET_ITEM(ins, 0, name);
    PyTuple_SET_ITEM(ins, 1, imm);
    PyTuple_SET_ITEM(ins, 2, off);
    return ins;
}

static PyObject *EMPTY;

/* One instruction at p->pos: its Instr (new reference), NULL with p->bail set when it is the model's to decode,
 * NULL with an exception set on a memory error. Types it too unless p->vfail. */
static PyObject *
instruction(TablesObject *t, ContextObject *ctx, Pass *p, const uint8_t *locals, Py_ssize_t nlocals, int *nest)
{
    Py_ssize_t at = p->pos;
    uint8_t code = p->data[p->pos++];
    const Op *op = &t->ops[code];
    if (code == 0xFC) {
        uint32_t sub;
        if (u32(p, &sub) < 0 || sub >= MISC_COUNT || t->misc[sub].name == NULL) {
            p->bail = 1;
            return NULL;
        }
        op = &t->misc[sub];
    }
    if (op->name == NULL) {
        p->bail = 1;
        return NULL;
    }
    *nest = op->nest;
    uint32_t a = 0, b = 0;
    int64_t v;
    Block block = {0, 0, 0};
    uint32_t *labels = NULL;
    Py_ssize_t nlabels = 0;
    PyObject *imm = NULL;
    switch (op->imm) {
    case IMM_NONE:
        Py_INCREF(EMPTY);
        imm = EMPTY;
        break;
    case IMM_U32:
        if (u32(p, &a) < 0)
            goto bail;
        imm = Py_BuildValue("(k)", (unsigned long)a);
        break;
    case IMM_MEMIDX:
        /* one byte below 0x80 reads as that index with multiple memories or without */
        if (p->pos >= p->end || p->data[p->pos] >= 0x80)
            goto bail;
        a = p->data[p->pos++];
        imm = Py_BuildValue("(k)", (unsigned long)a);
        break;
    case IMM_I32:
    case IMM_I64:
        if (sleb(p, op->imm == IMM_I32 ? 32 : 64, &v) < 0)
            goto bail;
        imm = Py_BuildValue("(L)", (long long)v);
        break;
    case IMM_F32:
    case IMM_F64: {
        int size = op->imm == IMM_F32 ? 4 : 8;
        if (p->end - p->pos < size)
            goto bail;
        uint64_t bits = 0;
        for (int i = size - 1; i >= 0; i--)
            bits = bits << 8 | p->data[p->pos + i];
        p->pos += size;
        imm = Py_BuildValue("(K)", (unsigned long long)bits);
        break;
    }
    case IMM_MEMARG:
        /* memory 0 with a 32-bit offset; the memory-index bit, and 64-bit memories' u64 offsets, are the
         * model's */
        if (u32(p, &a) < 0 || a & 0x40 || a >= 32 || ctx->nmemories < 1 || ctx->memory64[0] || u32(p, &b) < 0)
            goto bail;
        imm = Py_BuildValue("(kk)", (unsigned long)a, (unsigned long)b);
        break;
    case IMM_BLOCK: {
        if (p->pos >= p->end)
            goto bail;
        uint8_t first = p->data[p->pos];
        if (first == 0x40) {
            p->pos++;
            imm = PyTuple_Pack(1, t->block_empty);
        } else if (!(first & 0x80) && first & 0x40) {
            PyObject *key = PyLong_FromLong(first);
            if (key == NULL)
                return NULL;
            PyObject *bt = PyDict_GetItemWithError(t->block_values, key);
            Py_DECREF(key);
            if (bt == NULL) {
                if (PyErr_Occurred())
                    return NULL;
                goto bail;
            }
            p->pos++;
            block.kind = 1;
            block.value = first;
            imm = PyTuple_Pack(1, bt);
        } else {
            if (sleb(p, 33, &v) < 0 || v < 0)
                goto bail;
            block.kind = 2;
            block.index = v;
            PyObject *bt = PyObject_CallFunction(t->block_index, "L", (long long)v);
            if (bt == NULL)
                return NULL;
            imm = PyTuple_Pack(1, bt);
            Py_DECREF(bt);
        }
        break;
    }
    case IMM_BR_TABLE: {
        uint32_t count;
        if (u32(p, &count) < 0 || (Py_ssize_t)count > p->end - p->pos)
            goto bail;
        PyObject *targets = PyTuple_New(count);
        if (targets == NULL)
            return NULL;
        labels = PyMem_Malloc((count + 1) * sizeof(uint32_t));
        if (labels == NULL) {
            Py_DECREF(targets);
            PyErr_NoMemory();
            return NULL;
        }
        for (uint32_t i = 0; i < count; i++) {
            PyObject *target;
            if (u32(p, &labels[i]) < 0 || (target = PyLong_FromUnsignedLong(labels[i])) == NULL) {
                Py_DECREF(targets);
                PyMem_Free(labels);
                if (PyErr_Occurred())
                    return NULL;
                goto bail;
            }
            PyTuple_SET_ITEM(targets, i, target);
        }
        nlabels = count;
        if (u32(p, &b) < 0) {
            Py_DECREF(targets);
            PyMem_Free(labels);
            goto bail;
        }
        imm = Py_BuildValue("(Nk)", targets, (unsigned long)b);
        break;
    }
    case IMM_TWO_U32:
        if (u32(p, &a) < 0 || u32(p, &b) < 0)
            goto bail;
        imm = Py_BuildValue("(kk)", (unsigned long)a, (unsigned long)b);
        break;
    case IMM_MEMORY_INIT:
        if (u32(p, &a) < 0 || p->pos >= p->end || p->data[p->pos] >= 0x80)
            goto bail;
        b = p->data[p->pos++];
        imm = Py_BuildValue("(kk)", (unsigned long)a, (unsigned long)b);
        break;
    case IMM_MEMORY_COPY:
        if (p->end - p->pos < 2 || p->data[p->pos] >= 0x80 || p->data[p->pos + 1] >= 0x80)
            goto bail;
        a = p->data[p->pos];
        b = p->data[p->pos + 1];
        p->pos += 2;
        imm = Py_BuildValue("(kk)", (unsigned long)a, (unsigned long)b);
        break;
    default:
        goto bail;
    }
    if (imm == NULL) {
        PyMem_Free(labels);
        return NULL;
    }
    if (!p->vfail && typecheck(p, ctx, locals, nlocals, op, a, b, &block, labels, nlabels) < 0) {
        PyMem_Free(labels);
        Py_DECREF(imm);
        return NULL;
    }
    PyMem_Free(labels);
    return make_instr(t, op->name, imm, at);
bail:
    p->bail = 1;
    return NULL;
}

/* body(data, start, end, locals, results, context) -> (list[Instr], valid) | None
 *   data[start:end]: the instructions of one body (after its locals); locals: the value type bytes of its
 *   parameters and locals; results: of its results. */
static PyObject *
tables_body(TablesObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6 || !PyBytes_Check(args[0]) || !PyBytes_Check(args[3]) || !PyBytes_Check(args[4])
        || !PyObject_TypeCheck(args[5], &ContextType)) {
        PyErr_SetString(PyExc_TypeError, "body(data: bytes, start, end, locals: bytes, results: bytes, Context)");
        return NULL;
    }
    Py_ssize_t start = PyLong_AsSsize_t(args[1]), end = PyLong_AsSsize_t(args[2]);
    if ((start == -1 || end == -1) && PyErr_Occurred())
        return NULL;
    if (start < 0 || end < start || end > PyBytes_GET_SIZE(args[0])) {
        PyErr_SetString(PyExc_ValueError, "body range outside the data");
        return NULL;
    }
    ContextObject *ctx = (ContextObject *)args[5];
    const uint8_t *locals = (const uint8_t *)PyBytes_AS_STRING(args[3]);
    Py_ssize_t nlocals = PyBytes_GET_SIZE(args[3]);
    Pass p;
    memset(&p, 0, sizeof p);
    p.data = (const uint8_t *)PyBytes_AS_STRING(args[0]);
    p.pos = start;
    p.end = end;
    PyObject *list = PyList_New(0);
    if (list == NULL)
        return NULL;
    PyObject *result = NULL;
    if (push_ctrl(&p, V_END, NULL, 0, (const uint8_t *)PyBytes_AS_STRING(args[4]), PyBytes_GET_SIZE(args[4])) < 0)
        goto done;
    int depth = 1;
    while (p.pos < p.end) {
        int nest = NEST_NONE;
        PyObject *ins = instruction(self, ctx, &p, locals, nlocals, &nest);
        if (ins == NULL) {
            if (PyErr_Occurred())
                goto done;
            break; /* bail */
        }
        int failed = PyList_Append(list, ins);
        Py_DECREF(ins);
        if (failed < 0)
            goto done;
        if (nest == NEST_OPEN)
            depth++;
        else if (nest == NEST_CLOSE && --depth == 0)
            break;
    }
    if (p.bail || depth != 0 || p.pos != p.end) {
        /* malformed, unfinished, or an instruction the model decodes: the model's */
        Py_INCREF(Py_None);
        result = Py_None;
        goto done;
    }
    if (p.nctrls != 0)
        p.vfail = 1;
    result = Py_BuildValue("(OO)", list, p.vfail ? Py_False : Py_True);
done:
    Py_DECREF(list);
    PyMem_Free(p.vals);
    PyMem_Free(p.ctrls);
    if (result == NULL && !PyErr_Occurred())
        PyErr_NoMemory();
    return result;
}

static PyMethodDef tables_methods[] = {
    {"body", (PyCFunction)(void (*)(void))tables_body, METH_FASTCALL,
     "body(data, start, end, locals, results, context) -> (list[Instr], valid) | None"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TablesType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "emitter.wasm._bodies.Tables",
    .tp_basicsize = sizeof(TablesObject),
    .tp_dealloc = (destructor)tables_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = tables_new,
    .tp_methods = tables_methods,
    .tp_doc = "The opcode tables of the native body pass.",
};

static struct PyModuleDef bodies_module = {
    PyModuleDef_HEAD_INIT, "emitter.wasm._bodies",
    "Function bodies decoded and typed in one pass (the fast path of decoder.py and validate.py).", -1, NULL, NULL,
    NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__bodies(void)
{
    for (int i = 0; i < 256; i++)
        VALUE_TYPE_BYTES[i] = (uint8_t)i;
    EMPTY = PyTuple_New(0);
    if (EMPTY == NULL || PyType_Ready(&TablesType) < 0 || PyType_Ready(&ContextType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&bodies_module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&TablesType);
    Py_INCREF(&ContextType);
    if (PyModule_AddObject(m, "Tables", (PyObject *)&TablesType) < 0
        || PyModule_AddObject(m, "Context", (PyObject *)&ContextType) < 0)
        return NULL;
    static const struct { const char *name; int value; } constants[] = {
        {"IMM_BAIL", IMM_BAIL}, {"IMM_NONE", IMM_NONE}, {"IMM_U32", IMM_U32}, {"IMM_MEMIDX", IMM_MEMIDX},
        {"IMM_I32", IMM_I32}, {"IMM_I64", IMM_I64}, {"IMM_F32", IMM_F32}, {"IMM_F64", IMM_F64},
        {"IMM_MEMARG", IMM_MEMARG}, {"IMM_BLOCK", IMM_BLOCK}, {"IMM_BR_TABLE", IMM_BR_TABLE},
        {"IMM_TWO_U32", IMM_TWO_U32}, {"IMM_MEMORY_INIT", IMM_MEMORY_INIT}, {"IMM_MEMORY_COPY", IMM_MEMORY_COPY},
        {"V_BAIL", V_BAIL}, {"V_SIG", V_SIG}, {"V_NOP", V_NOP}, {"V_UNREACHABLE", V_UNREACHABLE},
        {"V_BLOCK", V_BLOCK}, {"V_LOOP", V_LOOP}, {"V_IF", V_IF}, {"V_ELSE", V_ELSE}, {"V_END", V_END},
        {"V_BR", V_BR}, {"V_BR_IF", V_BR_IF}, {"V_BR_TABLE", V_BR_TABLE}, {"V_RETURN", V_RETURN},
        {"V_CALL", V_CALL}, {"V_CALL_INDIRECT", V_CALL_INDIRECT}, {"V_DROP", V_DROP}, {"V_SELECT", V_SELECT},
        {"V_LOCAL_GET", V_LOCAL_GET}, {"V_LOCAL_SET", V_LOCAL_SET}, {"V_LOCAL_TEE", V_LOCAL_TEE},
        {"V_GLOBAL_GET", V_GLOBAL_GET}, {"V_GLOBAL_SET", V_GLOBAL_SET}, {"V_MEMORY_SIZE", V_MEMORY_SIZE},
        {"V_MEMORY_GROW", V_MEMORY_GROW}, {"V_MEMORY_COPY", V_MEMORY_COPY}, {"V_MEMORY_FILL", V_MEMORY_FILL},
        {"V_MEMORY_INIT", V_MEMORY_INIT}, {"V_DATA_DROP", V_DATA_DROP},
        {"NEST_NONE", NEST_NONE}, {"NEST_OPEN", NEST_OPEN}, {"NEST_CLOSE", NEST_CLOSE},
        {"MISC_COUNT", MISC_COUNT}, {"MAX_SIG", MAX_SIG},
    };
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
        if (PyModule_AddIntConstant(m, constants[i].name, constants[i].value) < 0)
            return NULL;
    return m;
}
