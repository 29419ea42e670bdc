/* The DIE decoder of the producer-DWARF reader (producer_reader.Unit), part of emitter.dwarf._translate.
 *
 * A module's units hold hundreds of thousands of DIEs, each read once into a tree of ``Die`` objects with their
 * ``Attribute``s (the model producer_reader.py describes: DWARF names, raw and meant values); in Python the
 * decoding loop was a sixth of the translation and most of the fusion barriers' time. The objects are the same
 * as before, made here: ``Die`` and ``Attribute`` are this file's types.
 *
 * Every read is bounds-checked against ``.debug_info`` (and the string sections): malformed input raises the
 * reader's ProducerDwarfError (or ValueError), which the translation turns into a dropped unit and a warning.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <stdint.h>
#include <string.h>

#include "_leb128.h"
#include "_translate_dies.h"

/* -- Attribute ---------------------------------------------------------------------------------------------------- */

typedef TranslateAttribute Attribute; /* _translate_dies.h */

static void attribute_dealloc(Attribute *self) {
    Py_XDECREF(self->form);
    Py_XDECREF(self->raw_value);
    Py_XDECREF(self->value);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *attribute_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static char *names[] = {"form", "raw_value", "value", NULL};
    PyObject *form, *raw, *value;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO", names, &form, &raw, &value)) {
        return NULL;
    }
    Attribute *self = (Attribute *)type->tp_alloc(type, 0);
    if (self != NULL) {
        self->form = Py_NewRef(form);
        self->raw_value = Py_NewRef(raw);
        self->value = Py_NewRef(value);
    }
    return (PyObject *)self;
}

static PyMemberDef attribute_members[] = {
    {"form", T_OBJECT_EX, offsetof(Attribute, form), 0, "The form's DWARF name (DW_FORM_*)."},
    {"raw_value", T_OBJECT_EX, offsetof(Attribute, raw_value), 0, "The value as encoded."},
    {"value", T_OBJECT_EX, offsetof(Attribute, value), 0,
     "The value as meant: strings as bytes, unit-relative references as .debug_info offsets, flags as bool."},
    {NULL, 0, 0, 0, NULL},
};

PyTypeObject TranslateAttributeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "emitter.dwarf._translate.Attribute",
    .tp_basicsize = sizeof(Attribute),
    .tp_dealloc = (destructor)attribute_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Attribute(form, raw_value, value): one attribute of a DIE.",
    .tp_members = attribute_members,
    .tp_new = attribute_new,
};

static Attribute *make_attribute(PyObject *form, PyObject *raw, PyObject *value) {
    /* Steals raw and value (either may be NULL after a failed allocation: then NULL is returned). */
    if (raw == NULL || value == NULL) {
        Py_XDECREF(raw);
        Py_XDECREF(value);
        return NULL;
    }
    Attribute *self = PyObject_New(Attribute, &TranslateAttributeType);
    if (self == NULL) {
        Py_DECREF(raw);
        Py_DECREF(value);
        return NULL;
    }
    self->form = Py_NewRef(form);
    self->raw_value = raw;
    self->value = value;
    return self;
}

/* -- Die ----------------------------------------------------------------------------------------------------------- */

typedef TranslateDie Die; /* _translate_dies.h: the translation's C loops read its fields too */

static int die_traverse(Die *self, visitproc visit, void *arg) {
    Py_VISIT(self->offset);
    Py_VISIT(self->tag);
    Py_VISIT(self->attributes);
    Py_VISIT(self->cu);
    Py_VISIT(self->parent);
    Py_VISIT(self->children);
    return 0;
}

static int die_clear(Die *self) {
    Py_CLEAR(self->offset);
    Py_CLEAR(self->tag);
    Py_CLEAR(self->attributes);
    Py_CLEAR(self->cu);
    Py_CLEAR(self->parent);
    Py_CLEAR(self->children);
    return 0;
}

static void die_dealloc(Die *self) {
    PyObject_GC_UnTrack(self);
    die_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static Die *make_die(PyObject *offset, PyObject *tag, PyObject *attributes, PyObject *cu, PyObject *parent) {
    /* Steals offset and attributes. */
    PyObject *children = PyList_New(0);
    Die *self = children != NULL ? PyObject_GC_New(Die, &TranslateDieType) : NULL;
    if (self == NULL) {
        Py_XDECREF(children);
        Py_XDECREF(offset);
        Py_XDECREF(attributes);
        return NULL;
    }
    self->offset = offset;
    self->tag = Py_NewRef(tag);
    self->attributes = attributes;
    self->cu = Py_NewRef(cu);
    self->parent = Py_NewRef(parent);
    self->children = children;
    PyObject_GC_Track(self);
    return self;
}

static PyObject *die_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    (void)type;
    static char *names[] = {"offset", "tag", "attributes", "cu", "parent", NULL};
    PyObject *offset, *tag, *attributes, *cu, *parent;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO!OO", names, &offset, &tag, &PyDict_Type, &attributes, &cu,
                                     &parent)) {
        return NULL;
    }
    return (PyObject *)make_die(Py_NewRef(offset), tag, Py_NewRef(attributes), cu, parent);
}

static PyObject *die_get_parent(Die *self, PyObject *ignored) {
    (void)ignored;
    return Py_NewRef(self->parent);
}

static PyObject *die_iter_children(Die *self, PyObject *ignored) {
    (void)ignored;
    return PyObject_GetIter(self->children);
}

static PyMethodDef die_methods[] = {
    {"get_parent", (PyCFunction)die_get_parent, METH_NOARGS, "The parent DIE, None for the unit's top DIE."},
    {"iter_children", (PyCFunction)die_iter_children, METH_NOARGS, "An iterator over the children."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef die_members[] = {
    {"offset", T_OBJECT_EX, offsetof(Die, offset), 0, "Offset in .debug_info."},
    {"tag", T_OBJECT_EX, offsetof(Die, tag), 0, "The DW_TAG_* name (a number when unnamed)."},
    {"attributes", T_OBJECT_EX, offsetof(Die, attributes), 0, "Attributes by DW_AT_* name, in encoded order."},
    {"cu", T_OBJECT_EX, offsetof(Die, cu), 0, "The unit holding the DIE."},
    {"parent", T_OBJECT_EX, offsetof(Die, parent), 0, "The parent DIE or None."},
    {"children", T_OBJECT_EX, offsetof(Die, children), 0, "The children, in order."},
    {NULL, 0, 0, 0, NULL},
};

PyTypeObject TranslateDieType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "emitter.dwarf._translate.Die",
    .tp_basicsize = sizeof(Die),
    .tp_dealloc = (destructor)die_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Die(offset, tag, attributes, cu, parent): a debugging information entry.",
    .tp_traverse = (traverseproc)die_traverse,
    .tp_clear = (inquiry)die_clear,
    .tp_methods = die_methods,
    .tp_members = die_members,
    .tp_new = die_new,
};

/* -- decoding ------------------------------------------------------------------------------------------------------ */

/* DWARF 5 section 7.5.6 form codes, and GNU's. */
enum {
    F_addr = 0x01, F_block2 = 0x03, F_block4 = 0x04, F_data2 = 0x05, F_data4 = 0x06, F_data8 = 0x07,
    F_string = 0x08, F_block = 0x09, F_block1 = 0x0a, F_data1 = 0x0b, F_flag = 0x0c, F_sdata = 0x0d,
    F_strp = 0x0e, F_udata = 0x0f, F_ref_addr = 0x10, F_ref1 = 0x11, F_ref2 = 0x12, F_ref4 = 0x13,
    F_ref8 = 0x14, F_ref_udata = 0x15, F_indirect = 0x16, F_sec_offset = 0x17, F_exprloc = 0x18,
    F_flag_present = 0x19, F_strx = 0x1a, F_addrx = 0x1b, F_ref_sup4 = 0x1c, F_strp_sup = 0x1d, F_data16 = 0x1e,
    F_line_strp = 0x1f, F_ref_sig8 = 0x20, F_implicit_const = 0x21, F_loclistx = 0x22, F_rnglistx = 0x23,
    F_ref_sup8 = 0x24, F_strx1 = 0x25, F_strx2 = 0x26, F_strx3 = 0x27, F_strx4 = 0x28, F_addrx1 = 0x29,
    F_addrx2 = 0x2a, F_addrx3 = 0x2b, F_addrx4 = 0x2c, F_GNU_addr_index = 0x1f01, F_GNU_str_index = 0x1f02,
    F_GNU_ref_alt = 0x1f20, F_GNU_strp_alt = 0x1f21,
};

/* What a raw value means (producer_reader._kind). */
enum { K_PLAIN, K_STRING, K_RELATIVE, K_FLAG, K_INDEXED, K_LINE_STRING, K_PRESENT };

static int fixed_size(long form) {
    switch (form) {
    case F_data1: case F_ref1: case F_flag: case F_strx1: case F_addrx1:
        return 1;
    case F_data2: case F_ref2: case F_strx2: case F_addrx2:
        return 2;
    case F_addr: case F_data4: case F_ref4: case F_ref_addr: case F_ref_sup4: case F_sec_offset: case F_strp:
    case F_line_strp: case F_strp_sup: case F_GNU_strp_alt: case F_GNU_ref_alt: case F_strx4: case F_addrx4:
        return 4;
    case F_data8: case F_ref8: case F_ref_sig8: case F_ref_sup8:
        return 8;
    default:
        return 0;
    }
}

static int is_uleb_form(long form) {
    return form == F_udata || form == F_ref_udata || form == F_strx || form == F_addrx || form == F_loclistx ||
           form == F_rnglistx || form == F_GNU_addr_index || form == F_GNU_str_index;
}

/* producer_reader._variable_form: the forms read here that are not of a fixed size. */
static int is_variable_form(long form) {
    return is_uleb_form(form) || form == F_block1 || form == F_block2 || form == F_block4 || form == F_sdata ||
           form == F_string || form == F_block || form == F_exprloc || form == F_flag_present ||
           form == F_implicit_const || form == F_data16 || form == F_strx3 || form == F_addrx3;
}

static int kind_of(long form) {
    switch (form) {
    case F_strp:
        return K_STRING;
    case F_ref1: case F_ref2: case F_ref4: case F_ref8: case F_ref_udata:
        return K_RELATIVE;
    case F_flag:
        return K_FLAG;
    case F_strx: case F_strx1: case F_strx2: case F_strx3: case F_strx4: case F_GNU_str_index:
    case F_addrx: case F_addrx1: case F_addrx2: case F_addrx3: case F_addrx4: case F_GNU_addr_index:
    case F_loclistx: case F_rnglistx:
        return K_INDEXED;
    case F_line_strp:
        return K_LINE_STRING;
    case F_flag_present:
        return K_PRESENT;
    default:
        return K_PLAIN;
    }
}

typedef struct {
    const unsigned char *data;
    Py_ssize_t length;
    PyObject *error;        /* ProducerDwarfError */
    PyObject *strings;      /* .debug_str or None */
    PyObject *string_cache; /* dict: offset -> bytes */
    PyObject *line_strings; /* .debug_line_str or None */
    PyObject *form_names;   /* dict: form code -> name */
    long long cu_offset;
    PyObject *cu_offset_object;
    const char *item; /* what is read, and where, for messages: "DIE", ".debug_info" */
    const char *section;
} Decoder;

static int past_end(const Decoder *decoder, Py_ssize_t die_offset) {
    PyErr_Format(decoder->error, "%s at %#zx: a read past the end of %s", decoder->item, die_offset,
                 decoder->section);
    return -1;
}

/* A LEB128 failure as this decoder reports it. */
static int leb_failed(const Decoder *decoder, LebStatus status, Py_ssize_t die_offset) {
    if (status == LEB_TRUNCATED) {
        return past_end(decoder, die_offset);
    }
    PyErr_Format(decoder->error, "%s at %#zx: a LEB128 wider than 64 bits", decoder->item, die_offset);
    return -1;
}

static int read_uleb(const Decoder *decoder, Py_ssize_t *at, uint64_t *value, Py_ssize_t die_offset) {
    LebStatus status = leb_unsigned(decoder->data, decoder->length, at, value);
    return status == LEB_OK ? 0 : leb_failed(decoder, status, die_offset);
}

static int read_sleb(const Decoder *decoder, Py_ssize_t *at, int64_t *value, Py_ssize_t die_offset) {
    LebStatus status = leb_signed(decoder->data, decoder->length, at, value);
    return status == LEB_OK ? 0 : leb_failed(decoder, status, die_offset);
}

static uint64_t little(const unsigned char *data, int size) {
    uint64_t value = 0;
    for (int i = 0; i < size; i++) {
        value |= (uint64_t)data[i] << (8 * i);
    }
    return value;
}

/* A NUL-terminated string at ``offset`` of a string section (ProducerDwarf.string / line_string). */
static PyObject *section_string(const Decoder *decoder, PyObject *section, uint64_t offset, const char *name) {
    if (section == Py_None || !PyBytes_Check(section) || offset >= (uint64_t)PyBytes_GET_SIZE(section)) {
        return PyErr_Format(decoder->error, "string at %#llx: outside %s", (unsigned long long)offset, name);
    }
    const char *start = PyBytes_AS_STRING(section) + offset;
    const char *end = memchr(start, 0, (size_t)(PyBytes_GET_SIZE(section) - (Py_ssize_t)offset));
    if (end == NULL) {
        return PyErr_Format(decoder->error, "string at %#llx: no NUL before the end of %s",
                            (unsigned long long)offset, name);
    }
    return PyBytes_FromStringAndSize(start, end - start);
}

static PyObject *debug_string(const Decoder *decoder, uint64_t offset) {
    PyObject *key = PyLong_FromUnsignedLongLong(offset);
    if (key == NULL) {
        return NULL;
    }
    PyObject *text = PyDict_GetItemWithError(decoder->string_cache, key);
    if (text != NULL) {
        Py_DECREF(key);
        return Py_NewRef(text);
    }
    if (PyErr_Occurred() || (text = section_string(decoder, decoder->strings, offset, ".debug_str")) == NULL) {
        Py_DECREF(key);
        return NULL;
    }
    int failed = PyDict_SetItem(decoder->string_cache, key, text);
    Py_DECREF(key);
    if (failed) {
        Py_DECREF(text);
        return NULL;
    }
    return text;
}

/* One attribute's value at *at, of form ``form`` (its name ``form_name``), the abbreviation's implicit constant
 * given; appended to ``deferred`` when indexed (resolved by the caller once the top DIE is read). */
static Attribute *read_attribute(const Decoder *decoder, Py_ssize_t *at, long form, PyObject *form_name,
                                 PyObject *implicit, PyObject *deferred, Py_ssize_t die_offset) {
    if (form == F_indirect) {
        uint64_t real;
        if (read_uleb(decoder, at, &real, die_offset) < 0) {
            return NULL;
        }
        PyObject *code = PyLong_FromUnsignedLongLong(real);
        if (code == NULL) {
            return NULL;
        }
        PyObject *name = PyDict_GetItemWithError(decoder->form_names, code);
        Py_DECREF(code);
        if (name == NULL && PyErr_Occurred()) {
            return NULL;
        }
        if (name == NULL || real == F_indirect || (!fixed_size((long)real) && !is_variable_form((long)real))) {
            PyErr_Format(decoder->error, "DIE at %#zx: indirect form %#llx", die_offset, (unsigned long long)real);
            return NULL;
        }
        form = (long)real;
        form_name = name;
    }
    int kind = kind_of(form);
    PyObject *raw = NULL;
    int size = fixed_size(form);
    if (size) {
        if (*at > decoder->length - size) {
            past_end(decoder, die_offset);
            return NULL;
        }
        raw = PyLong_FromUnsignedLongLong(little(decoder->data + *at, size));
        *at += size;
    } else if (is_uleb_form(form)) {
        uint64_t value;
        if (read_uleb(decoder, at, &value, die_offset) < 0) {
            return NULL;
        }
        raw = PyLong_FromUnsignedLongLong(value);
    } else if (form == F_sdata) {
        int64_t value;
        if (read_sleb(decoder, at, &value, die_offset) < 0) {
            return NULL;
        }
        raw = PyLong_FromLongLong(value);
    } else if (form == F_string) {
        const unsigned char *start = decoder->data + *at;
        const unsigned char *end = *at < decoder->length ? memchr(start, 0, (size_t)(decoder->length - *at)) : NULL;
        if (end == NULL) {
            PyErr_Format(decoder->error, "DIE at %#zx: a string runs past the end of .debug_info", die_offset);
            return NULL;
        }
        raw = PyBytes_FromStringAndSize((const char *)start, end - start);
        *at += end - start + 1;
    } else if (form == F_block || form == F_exprloc || form == F_block1 || form == F_block2 || form == F_block4 ||
               form == F_data16) {
        uint64_t length;
        if (form == F_block || form == F_exprloc) {
            if (read_uleb(decoder, at, &length, die_offset) < 0) {
                return NULL;
            }
        } else {
            int width = form == F_block1 ? 1 : form == F_block2 ? 2 : form == F_block4 ? 4 : 0;
            if (*at > decoder->length - width) {
                past_end(decoder, die_offset);
                return NULL;
            }
            length = form == F_data16 ? 16 : little(decoder->data + *at, width);
            *at += width;
        }
        if (length > (uint64_t)(decoder->length - *at)) {
            PyErr_Format(decoder->error, "DIE at %#zx: a block past the end of .debug_info", die_offset);
            return NULL;
        }
        raw = PyBytes_FromStringAndSize((const char *)decoder->data + *at, (Py_ssize_t)length);
        *at += (Py_ssize_t)length;
    } else if (form == F_flag_present) {
        raw = Py_NewRef(Py_True);
    } else if (form == F_implicit_const) {
        raw = Py_NewRef(implicit);
    } else if (form == F_strx3 || form == F_addrx3) {
        if (*at > decoder->length - 3) {
            PyErr_Format(decoder->error, "DIE at %#zx: a 3-byte index past the end of .debug_info", die_offset);
            return NULL;
        }
        raw = PyLong_FromUnsignedLongLong(little(decoder->data + *at, 3));
        *at += 3;
    } else {
        PyErr_Format(decoder->error, "DIE at %#zx: form %U is not read", die_offset, form_name);
        return NULL;
    }
    if (raw == NULL) {
        return NULL;
    }
    PyObject *value;
    switch (kind) {
    case K_STRING:
        value = debug_string(decoder, PyLong_AsUnsignedLongLong(raw));
        break;
    case K_RELATIVE:
        value = PyNumber_Add(raw, decoder->cu_offset_object);
        break;
    case K_FLAG:
        value = PyBool_FromLong(PyObject_IsTrue(raw));
        break;
    case K_LINE_STRING:
        value = section_string(decoder, decoder->line_strings, PyLong_AsUnsignedLongLong(raw), ".debug_line_str");
        break;
    case K_PRESENT:
        value = Py_NewRef(Py_True);
        break;
    default:
        value = Py_NewRef(raw);
    }
    Attribute *attribute = make_attribute(form_name, raw, value);
    if (attribute != NULL && kind == K_INDEXED && PyList_Append(deferred, (PyObject *)attribute) < 0) {
        Py_DECREF(attribute);
        return NULL;
    }
    return attribute;
}

const char translate_read_abbreviations_doc[] =
"read_abbreviations(data, at, tag_names, attribute_names, form_names, error, /)\n--\n\n"
"The abbreviation table at ``at`` of ``.debug_abbrev`` (``data``) as ``decode_dies`` reads it: code -> (tag,\n"
"has_children, ((attribute name, form name, form code, implicit constant or None), ...)), names by code from the\n"
"three dicts (a number for an unnamed tag or attribute); an unknown form, or a read past the end, raises\n"
"``error``.";

PyObject *translate_read_abbreviations(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 6) {
        PyErr_Format(PyExc_TypeError, "read_abbreviations takes 6 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *tag_names = args[2], *attribute_names = args[3], *form_names = args[4];
    if (!PyDict_Check(tag_names) || !PyDict_Check(attribute_names) || !PyDict_Check(form_names)) {
        PyErr_SetString(PyExc_TypeError, "read_abbreviations: names by code in dicts");
        return NULL;
    }
    Py_ssize_t at = PyLong_AsSsize_t(args[1]);
    if (at == -1 && PyErr_Occurred()) {
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    Decoder decoder = {view.buf, view.len, args[5], NULL, NULL, NULL, NULL, 0, NULL, "abbreviation",
                       ".debug_abbrev"};
    PyObject *table = PyDict_New(), *specs = NULL, *result = NULL;
    if (table == NULL) {
        goto done;
    }
    if (at < 0) {
        PyErr_Format(decoder.error, "abbreviations at %zd: outside .debug_abbrev", at);
        goto done;
    }
    for (;;) {
        uint64_t code, tag_code;
        if (read_uleb(&decoder, &at, &code, at) < 0) {
            goto done;
        }
        if (code == 0) {
            result = Py_NewRef(table);
            goto done;
        }
        if (read_uleb(&decoder, &at, &tag_code, at) < 0) {
            goto done;
        }
        if (at >= decoder.length) {
            past_end(&decoder, at);
            goto done;
        }
        int has_children = decoder.data[at++] != 0;
        specs = PyList_New(0);
        if (specs == NULL) {
            goto done;
        }
        for (;;) {
            uint64_t name_code, form_code;
            if (read_uleb(&decoder, &at, &name_code, at) < 0 || read_uleb(&decoder, &at, &form_code, at) < 0) {
                goto done;
            }
            if (name_code == 0 && form_code == 0) {
                break;
            }
            PyObject *implicit = Py_NewRef(Py_None);
            if (form_code == F_implicit_const) {
                int64_t value;
                Py_DECREF(implicit);
                if (read_sleb(&decoder, &at, &value, at) < 0 || (implicit = PyLong_FromLongLong(value)) == NULL) {
                    goto done;
                }
            }
            PyObject *form_key = PyLong_FromUnsignedLongLong(form_code);
            PyObject *form = form_key != NULL ? PyDict_GetItemWithError(form_names, form_key) : NULL;
            Py_XDECREF(form_key);
            if (form == NULL) {
                Py_DECREF(implicit);
                if (!PyErr_Occurred()) {
                    PyErr_Format(decoder.error, "abbreviation %llu: unknown form %#llx", (unsigned long long)code,
                                 (unsigned long long)form_code);
                }
                goto done;
            }
            PyObject *name_key = PyLong_FromUnsignedLongLong(name_code);
            PyObject *name = name_key != NULL ? PyDict_GetItemWithError(attribute_names, name_key) : NULL;
            if (name == NULL && !PyErr_Occurred()) {
                name = name_key; /* unnamed: its number */
            }
            PyObject *code_object = PyLong_FromUnsignedLongLong(form_code);
            PyObject *spec = name != NULL && code_object != NULL ? PyTuple_Pack(4, name, form, code_object, implicit)
                                                                  : NULL;
            Py_XDECREF(name_key);
            Py_XDECREF(code_object);
            Py_DECREF(implicit);
            if (spec == NULL || PyList_Append(specs, spec) < 0) {
                Py_XDECREF(spec);
                goto done;
            }
            Py_DECREF(spec);
        }
        PyObject *tag_key = PyLong_FromUnsignedLongLong(tag_code);
        PyObject *tag = tag_key != NULL ? PyDict_GetItemWithError(tag_names, tag_key) : NULL;
        if (tag == NULL && !PyErr_Occurred()) {
            tag = tag_key;
        }
        PyObject *spec_tuple = PyList_AsTuple(specs);
        Py_CLEAR(specs);
        PyObject *entry = tag != NULL && spec_tuple != NULL
                              ? PyTuple_Pack(3, tag, has_children ? Py_True : Py_False, spec_tuple)
                              : NULL;
        Py_XDECREF(tag_key);
        Py_XDECREF(spec_tuple);
        PyObject *key = entry != NULL ? PyLong_FromUnsignedLongLong(code) : NULL;
        int failed = key == NULL || PyDict_SetItem(table, key, entry) < 0;
        Py_XDECREF(key);
        Py_XDECREF(entry);
        if (failed) {
            goto done;
        }
    }
done:
    Py_XDECREF(specs);
    Py_XDECREF(table);
    PyBuffer_Release(&view);
    return result;
}

const char translate_release_dies_doc[] =
"release_dies(dies, /)\n--\n\n"
"Break the links of the DIEs in ``dies`` (parent, children, unit: a tree full of cycles) once nothing reads them\n"
"any more, so reference counting frees them at once instead of the cyclic collector after a scan of them all.";

PyObject *translate_release_dies(PyObject *module, PyObject *dies) {
    (void)module;
    if (!PyList_Check(dies)) {
        PyErr_SetString(PyExc_TypeError, "release_dies takes a list of DIEs");
        return NULL;
    }
    PyObject *empty = PyTuple_New(0);
    if (empty == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(dies); i++) {
        PyObject *item = PyList_GET_ITEM(dies, i);
        if (Py_TYPE(item) != &TranslateDieType) {
            continue;
        }
        Die *die = (Die *)item;
        Py_XSETREF(die->parent, Py_NewRef(Py_None));
        Py_XSETREF(die->cu, Py_NewRef(Py_None));
        Py_XSETREF(die->children, Py_NewRef(empty));
    }
    Py_DECREF(empty);
    Py_RETURN_NONE;
}

const char translate_decode_dies_doc[] =
"decode_dies(unit, data, first, end, abbreviations, top_only, cu_offset, strings, string_cache, line_strings,\n"
"            form_names, error, skip=None, /)\n--\n\n"
"The DIEs of the unit whose DIEs are ``data[first:end]`` (``data``: .debug_info), as a list in order (each with its\n"
"parent and children), and the list of their indexed attributes (DWARF 5 strx/addrx/loclistx/rnglistx), whose\n"
"values the caller resolves. ``abbreviations``: code -> (tag, has_children, ((name, form name, form code,\n"
"implicit constant), ...)); ``top_only``: the first DIE only. Strings are read from ``strings`` (.debug_str,\n"
"cached in ``string_cache``) and ``line_strings``; ``form_names``: code -> name, for DW_FORM_indirect. ``skip``:\n"
"subtrees not decoded, packed sorted int64 (start, end) pairs of .debug_info offsets (a DIE starting at a start\n"
"is not decoded, nor anything before the end, where its next sibling starts). Malformed input raises ``error``.";

PyObject *translate_decode_dies(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 12 && nargs != 13) {
        PyErr_Format(PyExc_TypeError, "decode_dies takes 12 or 13 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *unit = args[0], *abbreviations = args[4];
    Decoder decoder = {NULL, 0, args[11], args[7], args[8], args[9], args[10], 0, args[6], "DIE", ".debug_info"};
    Py_ssize_t at = PyLong_AsSsize_t(args[2]), end = PyLong_AsSsize_t(args[3]);
    int top_only = PyObject_IsTrue(args[5]);
    decoder.cu_offset = PyLong_AsLongLong(args[6]);
    if (PyErr_Occurred() || top_only < 0) {
        return NULL;
    }
    if (!PyLong_Check(decoder.cu_offset_object) || !PyDict_Check(abbreviations) || !PyDict_Check(decoder.string_cache) || !PyDict_Check(decoder.form_names)) {
        PyErr_SetString(PyExc_TypeError, "decode_dies: an int unit offset; abbreviations, string_cache and "
                                         "form_names dicts");
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(args[1], &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    decoder.data = view.buf;
    decoder.length = view.len;
    /* The subtrees not to decode: sorted [start, end) pairs of DIE offsets (translate.py: the functions the
       linker discarded). */
    Py_buffer skip_view;
    skip_view.obj = NULL;
    const int64_t *skip = NULL;
    Py_ssize_t skip_count = 0, next_skip = 0;
    PyObject *dies = NULL, *deferred = NULL, *result = NULL;
    if (nargs == 13 && args[12] != Py_None) {
        if (PyObject_GetBuffer(args[12], &skip_view, PyBUF_SIMPLE) < 0) {
            skip_view.obj = NULL;
            PyBuffer_Release(&view);
            return NULL;
        }
        if (skip_view.len % 16) {
            PyErr_SetString(PyExc_ValueError, "decode_dies: the subtrees to skip are packed int64 pairs");
            PyBuffer_Release(&skip_view);
            PyBuffer_Release(&view);
            return NULL;
        }
        skip = skip_view.buf;
        skip_count = skip_view.len / 16;
    }
    dies = PyList_New(0);
    deferred = PyList_New(0);
    Py_ssize_t depth = 0, capacity = 64;
    PyObject **parents = PyMem_New(PyObject *, capacity); /* borrowed: ``dies`` holds them */
    if (dies == NULL || deferred == NULL || parents == NULL) {
        if (parents == NULL) {
            PyErr_NoMemory();
        }
        goto done;
    }
    if (at < 0 || end > decoder.length) {
        PyErr_Format(decoder.error, "unit at %#llx runs past the end of .debug_info", decoder.cu_offset);
        goto done;
    }
    while (at < end) {
        Py_ssize_t die_offset = at;
        while (next_skip < skip_count && skip[2 * next_skip] < die_offset) {
            next_skip++;
        }
        if (next_skip < skip_count && skip[2 * next_skip] == die_offset && skip[2 * next_skip + 1] > at &&
            skip[2 * next_skip + 1] <= end && !top_only && PyList_GET_SIZE(dies) > 0) {
            at = (Py_ssize_t)skip[2 * next_skip + 1]; /* past the subtree: its next sibling, at the same depth */
            next_skip++;
            continue;
        }
        uint64_t code;
        if (read_uleb(&decoder, &at, &code, die_offset) < 0) {
            goto done;
        }
        if (code == 0) {
            if (depth > 0) {
                depth--;
            }
            continue;
        }
        PyObject *key = PyLong_FromUnsignedLongLong(code);
        if (key == NULL) {
            goto done;
        }
        PyObject *abbreviation = PyDict_GetItemWithError(abbreviations, key);
        Py_DECREF(key);
        if (abbreviation == NULL) {
            if (!PyErr_Occurred()) {
                PyErr_Format(decoder.error, "DIE at %#zx: no abbreviation %llu", die_offset,
                             (unsigned long long)code);
            }
            goto done;
        }
        PyObject *specs;
        if (!PyTuple_Check(abbreviation) || PyTuple_GET_SIZE(abbreviation) != 3 ||
            !PyTuple_Check(specs = PyTuple_GET_ITEM(abbreviation, 2))) {
            PyErr_SetString(PyExc_TypeError, "decode_dies: an abbreviation is (tag, has_children, specs)");
            goto done;
        }
        PyObject *attributes = PyDict_New();
        PyObject *offset = PyLong_FromSsize_t(die_offset);
        Die *die = make_die(offset, PyTuple_GET_ITEM(abbreviation, 0), attributes, unit,
                            depth ? parents[depth - 1] : Py_None);
        if (die == NULL) {
            goto done;
        }
        int appended = PyList_Append(dies, (PyObject *)die);
        Py_DECREF(die); /* ``dies`` holds it */
        if (appended < 0) {
            goto done;
        }
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(specs); i++) {
            PyObject *spec = PyTuple_GET_ITEM(specs, i);
            if (!PyTuple_Check(spec) || PyTuple_GET_SIZE(spec) != 4) {
                PyErr_SetString(PyExc_TypeError, "decode_dies: a spec is (name, form name, form code, implicit)");
                goto done;
            }
            long form = PyLong_AsLong(PyTuple_GET_ITEM(spec, 2));
            if (form == -1 && PyErr_Occurred()) {
                goto done;
            }
            Attribute *attribute = read_attribute(&decoder, &at, form, PyTuple_GET_ITEM(spec, 1),
                                                  PyTuple_GET_ITEM(spec, 3), deferred, die_offset);
            if (attribute == NULL) {
                goto done;
            }
            int stored = PyDict_SetItem(attributes, PyTuple_GET_ITEM(spec, 0), (PyObject *)attribute);
            Py_DECREF(attribute);
            if (stored < 0) {
                goto done;
            }
        }
        if (depth && PyList_Append(((Die *)parents[depth - 1])->children, (PyObject *)die) < 0) {
            goto done;
        }
        if (top_only) {
            break;
        }
        if (PyObject_IsTrue(PyTuple_GET_ITEM(abbreviation, 1))) {
            if (depth == capacity) {
                capacity *= 2;
                PyObject **grown = PyMem_Resize(parents, PyObject *, capacity);
                if (grown == NULL) {
                    PyErr_NoMemory();
                    goto done;
                }
                parents = grown;
            }
            parents[depth++] = (PyObject *)die;
        }
    }
    if (at > end) {
        PyErr_Format(decoder.error, "unit at %#llx: its last DIE runs past the unit's end", decoder.cu_offset);
        goto done;
    }
    if (PyList_GET_SIZE(dies) == 0) {
        PyErr_Format(decoder.error, "unit at %#llx has no DIE", decoder.cu_offset);
        goto done;
    }
    result = PyTuple_Pack(2, dies, deferred);
done:
    PyMem_Free(parents);
    Py_XDECREF(dies);
    Py_XDECREF(deferred);
    if (skip_view.obj != NULL) {
        PyBuffer_Release(&skip_view);
    }
    PyBuffer_Release(&view);
    return result;
}
