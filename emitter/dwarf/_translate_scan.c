/* The DIE-free scan of producer DWARF, part of emitter.dwarf._translate: what code generation needs to know of the
 * producer's DWARF before any code exists (fusion_barriers.py), read without making a Die or an Attribute.
 *
 * Code generation needs every address the producer's DIEs name (DW_AT_low_pc/high_pc, other address forms, range
 * and location list entries) and the location expressions that may name the Wasm operand stack. Decoding every
 * DIE into objects for that (``decode_dies``) was a fifth of the compile of a module whose DWARF is mostly its
 * standard library's (a Rust program: 180,000 DIEs for 125 KB of code), paid again by the translation later.
 * Here each attribute is skipped or read in place from the abbreviation's forms; only the addresses found and
 * the expressions (for ``fusion_barriers._names_stack``, in Python: one decoder of expressions) become objects.
 *
 * The values are those producer_reader.py's objects carry (indexed addresses and list offsets resolved as there,
 * base addresses applied as fusion_barriers.py applies them); malformed input raises ``error``, as the reader
 * does, so the caller's answer (no fusion limits at all) is the same.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

#include "_leb128.h"
#include "_translate_scan.h"

/* DWARF 5 section 7.5.6 form codes, and GNU's (as in _translate_dies.c). */
enum {
    S_addr = 0x01, S_block2 = 0x03, S_block4 = 0x04, S_data2 = 0x05, S_data4 = 0x06, S_data8 = 0x07,
    S_string = 0x08, S_block = 0x09, S_block1 = 0x0a, S_data1 = 0x0b, S_flag = 0x0c, S_sdata = 0x0d,
    S_strp = 0x0e, S_udata = 0x0f, S_ref_addr = 0x10, S_ref1 = 0x11, S_ref2 = 0x12, S_ref4 = 0x13,
    S_ref8 = 0x14, S_ref_udata = 0x15, S_indirect = 0x16, S_sec_offset = 0x17, S_exprloc = 0x18,
    S_flag_present = 0x19, S_strx = 0x1a, S_addrx = 0x1b, S_ref_sup4 = 0x1c, S_strp_sup = 0x1d, S_data16 = 0x1e,
    S_line_strp = 0x1f, S_ref_sig8 = 0x20, S_implicit_const = 0x21, S_loclistx = 0x22, S_rnglistx = 0x23,
    S_ref_sup8 = 0x24, S_strx1 = 0x25, S_strx2 = 0x26, S_strx3 = 0x27, S_strx4 = 0x28, S_addrx1 = 0x29,
    S_addrx2 = 0x2a, S_addrx3 = 0x2b, S_addrx4 = 0x2c, S_GNU_addr_index = 0x1f01, S_GNU_str_index = 0x1f02,
    S_GNU_ref_alt = 0x1f20, S_GNU_strp_alt = 0x1f21,
};

static int scan_fixed_size(long form) {
    switch (form) {
    case S_data1: case S_ref1: case S_flag: case S_strx1: case S_addrx1:
        return 1;
    case S_data2: case S_ref2: case S_strx2: case S_addrx2:
        return 2;
    case S_strx3: case S_addrx3:
        return 3;
    case S_addr: case S_data4: case S_ref4: case S_ref_addr: case S_ref_sup4: case S_sec_offset: case S_strp:
    case S_line_strp: case S_strp_sup: case S_GNU_strp_alt: case S_GNU_ref_alt: case S_strx4: case S_addrx4:
        return 4;
    case S_data8: case S_ref8: case S_ref_sig8: case S_ref_sup8:
        return 8;
    default:
        return 0;
    }
}

static int scan_uleb_form(long form) {
    return form == S_udata || form == S_ref_udata || form == S_strx || form == S_addrx || form == S_loclistx ||
           form == S_rnglistx || form == S_GNU_addr_index || form == S_GNU_str_index;
}

/* fusion_barriers._ADDRESS_FORMS */
static int is_address_form(long form) {
    return form == S_addr || form == S_addrx || form == S_addrx1 || form == S_addrx2 || form == S_addrx3 ||
           form == S_addrx4;
}

/* fusion_barriers._LIST_FORMS */
static int is_list_form(long form) {
    return form == S_sec_offset || form == S_data4 || form == S_loclistx || form == S_rnglistx;
}

/* Whether the reader's value of the form is a string (bytes), not a number. */
static int is_string_form(long form) {
    return form == S_string || form == S_strp || form == S_line_strp || form == S_strx || form == S_strx1 ||
           form == S_strx2 || form == S_strx3 || form == S_strx4 || form == S_GNU_str_index;
}

/* What an attribute is to the scan. */
enum { ROLE_OTHER, ROLE_LOW_PC, ROLE_HIGH_PC, ROLE_RANGES, ROLE_LOCATION };

typedef struct {
    long form;
    int role;
    PyObject *implicit; /* borrowed from the abbreviation table */
} ScanSpec;

/* What a DIE's tag is to the scan of discarded functions. */
enum { TAG_OTHER, TAG_SUBPROGRAM, TAG_CALL_SITE };

typedef struct {
    uint64_t code;
    int has_children;
    int tag;
    Py_ssize_t first, count; /* into the specs */
} ScanAbbrev;

typedef struct {
    ScanAbbrev *abbrevs;
    Py_ssize_t abbrev_count;
    ScanSpec *specs;
} ScanTable;

static int compare_abbrevs(const void *a, const void *b) {
    uint64_t x = ((const ScanAbbrev *)a)->code, y = ((const ScanAbbrev *)b)->code;
    return x < y ? -1 : x > y;
}

static void table_free(ScanTable *table) {
    PyMem_Free(table->abbrevs);
    PyMem_Free(table->specs);
}

static int role_of(PyObject *name) {
    static const char *names[] = {"DW_AT_low_pc", "DW_AT_high_pc", "DW_AT_ranges", "DW_AT_location",
                                  "DW_AT_frame_base"};
    static const int roles[] = {ROLE_LOW_PC, ROLE_HIGH_PC, ROLE_RANGES, ROLE_LOCATION, ROLE_LOCATION};
    if (!PyUnicode_Check(name)) {
        return ROLE_OTHER;
    }
    for (int i = 0; i < 5; i++) {
        if (PyUnicode_CompareWithASCIIString(name, names[i]) == 0) {
            return roles[i];
        }
    }
    return ROLE_OTHER;
}

static int tag_of(PyObject *name) {
    static const char *call_sites[] = {"DW_TAG_GNU_call_site", "DW_TAG_call_site", "DW_TAG_GNU_call_site_parameter",
                                       "DW_TAG_call_site_parameter"};
    if (!PyUnicode_Check(name)) {
        return TAG_OTHER;
    }
    if (PyUnicode_CompareWithASCIIString(name, "DW_TAG_subprogram") == 0) {
        return TAG_SUBPROGRAM;
    }
    for (int i = 0; i < 4; i++) {
        if (PyUnicode_CompareWithASCIIString(name, call_sites[i]) == 0) {
            return TAG_CALL_SITE;
        }
    }
    return TAG_OTHER;
}

/* The abbreviation table as read_abbreviations makes it (code -> (tag, has_children, specs)), in C arrays. */
static int table_read(PyObject *abbreviations, ScanTable *table) {
    table->abbrevs = NULL;
    table->specs = NULL;
    table->abbrev_count = 0;
    if (!PyDict_Check(abbreviations)) {
        PyErr_SetString(PyExc_TypeError, "scan: abbreviations in a dict");
        return -1;
    }
    Py_ssize_t total = 0, position = 0;
    PyObject *key, *value;
    while (PyDict_Next(abbreviations, &position, &key, &value)) {
        if (!PyTuple_Check(value) || PyTuple_GET_SIZE(value) != 3 || !PyTuple_Check(PyTuple_GET_ITEM(value, 2))) {
            PyErr_SetString(PyExc_TypeError, "scan: an abbreviation is (tag, has_children, specs)");
            return -1;
        }
        total += PyTuple_GET_SIZE(PyTuple_GET_ITEM(value, 2));
    }
    Py_ssize_t count = PyDict_GET_SIZE(abbreviations);
    table->abbrevs = PyMem_New(ScanAbbrev, count ? count : 1);
    table->specs = PyMem_New(ScanSpec, total ? total : 1);
    if (table->abbrevs == NULL || table->specs == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t next = 0;
    position = 0;
    while (PyDict_Next(abbreviations, &position, &key, &value)) {
        ScanAbbrev *abbrev = &table->abbrevs[table->abbrev_count++];
        abbrev->code = PyLong_AsUnsignedLongLong(key);
        int children = PyObject_IsTrue(PyTuple_GET_ITEM(value, 1));
        if (PyErr_Occurred() || children < 0) {
            return -1;
        }
        abbrev->has_children = children;
        abbrev->tag = tag_of(PyTuple_GET_ITEM(value, 0));
        PyObject *specs = PyTuple_GET_ITEM(value, 2);
        abbrev->first = next;
        abbrev->count = PyTuple_GET_SIZE(specs);
        for (Py_ssize_t i = 0; i < abbrev->count; i++) {
            PyObject *spec = PyTuple_GET_ITEM(specs, i);
            if (!PyTuple_Check(spec) || PyTuple_GET_SIZE(spec) != 4) {
                PyErr_SetString(PyExc_TypeError, "scan: a spec is (name, form name, form code, implicit)");
                return -1;
            }
            ScanSpec *out = &table->specs[next++];
            out->form = PyLong_AsLong(PyTuple_GET_ITEM(spec, 2));
            if (out->form == -1 && PyErr_Occurred()) {
                return -1;
            }
            out->role = role_of(PyTuple_GET_ITEM(spec, 0));
            out->implicit = PyTuple_GET_ITEM(spec, 3);
        }
    }
    qsort(table->abbrevs, (size_t)table->abbrev_count, sizeof(ScanAbbrev), compare_abbrevs);
    return 0;
}

static const ScanAbbrev *table_find(const ScanTable *table, uint64_t code) {
    Py_ssize_t lo = 0, hi = table->abbrev_count;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (table->abbrevs[mid].code < code) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < table->abbrev_count && table->abbrevs[lo].code == code ? &table->abbrevs[lo] : NULL;
}

/* A section the scan reads (NULL data when absent). */
typedef struct {
    const unsigned char *data;
    Py_ssize_t length;
    Py_buffer view;
    const char *name;
} Section;

typedef struct {
    const unsigned char *data; /* .debug_info */
    Py_ssize_t length;
    PyObject *error;
    Section addresses, loc, ranges, loclists, rnglists;
    int64_t addr_base, loclists_base, rnglists_base, cu_base;
    int version;
    PyObject *barriers;    /* set: code-relative addresses */
    PyObject *expressions; /* set: every DW_FORM_exprloc value */
    PyObject *entries;     /* list: (begin, end, expression) of location-list entries with an expression */
} Scan;

static int scan_error(const Scan *scan, const char *what, Py_ssize_t at) {
    PyErr_Format(scan->error, "%s at %#zx", what, at);
    return -1;
}

static int section_open(PyObject *object, Section *section, const char *name) {
    section->data = NULL;
    section->length = 0;
    section->view.obj = NULL;
    section->name = name;
    if (object == Py_None) {
        return 0;
    }
    if (PyObject_GetBuffer(object, &section->view, PyBUF_SIMPLE) < 0) {
        return -1;
    }
    section->data = section->view.buf;
    section->length = section->view.len;
    return 0;
}

/* The sections of a scan, in the order its callers pass them. */
static const char *const SECTION_NAMES[] = {".debug_addr", ".debug_loc", ".debug_ranges", ".debug_loclists",
                                            ".debug_rnglists"};

static void section_close(Section *section) {
    if (section->view.obj != NULL) {
        PyBuffer_Release(&section->view);
    }
}

static uint64_t scan_little(const unsigned char *data, int size) {
    uint64_t value = 0;
    for (int i = 0; i < size; i++) {
        value |= (uint64_t)data[i] << (8 * i);
    }
    return value;
}

/* A u32 at ``at`` of a section (struct.unpack_from("<I", ...)), for indexed values. */
static int section_u32(const Scan *scan, const Section *section, int64_t at, uint32_t *value, const char *what) {
    if (section->data == NULL) {
        PyErr_Format(scan->error, "%s and no %s", what, section->name);
        return -1;
    }
    if (at < 0 || at > (int64_t)section->length - 4) {
        PyErr_Format(scan->error, "%s outside %s", what, section->name);
        return -1;
    }
    *value = (uint32_t)scan_little(section->data + at, 4);
    return 0;
}

/* Unit.get_addr */
static int indexed_address(const Scan *scan, uint64_t index, int64_t *value) {
    uint32_t address;
    if (index > (uint64_t)INT32_MAX ||
        section_u32(scan, &scan->addresses, scan->addr_base + 4 * (int64_t)index, &address, "an indexed address") < 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(scan->error, "an address index out of range");
        }
        return -1;
    }
    *value = address;
    return 0;
}

/* Unit._list_offset */
static int indexed_list(const Scan *scan, int locations, uint64_t index, int64_t *value) {
    const Section *section = locations ? &scan->loclists : &scan->rnglists;
    int64_t base = locations ? scan->loclists_base : scan->rnglists_base;
    uint32_t offset;
    if (index > (uint64_t)INT32_MAX ||
        section_u32(scan, section, base + 4 * (int64_t)index, &offset, "a list index") < 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(scan->error, "a list index out of range");
        }
        return -1;
    }
    *value = base + offset;
    return 0;
}

/* ``value`` + ``base``, clamped to int64 (the reader's integers are unbounded; no code offset is near either end). */
static int64_t plus(int64_t value, int64_t base) {
    if (base > 0 && value > INT64_MAX - base) {
        return INT64_MAX;
    }
    if (base < 0 && value < INT64_MIN - base) {
        return INT64_MIN;
    }
    return value + base;
}

static int64_t unsigned_value(uint64_t value) { return value > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)value; }

static int add_barrier(const Scan *scan, int64_t address) {
    PyObject *key = PyLong_FromLongLong(address);
    if (key == NULL) {
        return -1;
    }
    int failed = PySet_Add(scan->barriers, key);
    Py_DECREF(key);
    return failed;
}

static int list_uleb(const Scan *scan, const Section *section, Py_ssize_t *at, uint64_t *value) {
    Py_ssize_t start = *at;
    LebStatus status = leb_unsigned(section->data, section->length, at, value);
    if (status == LEB_TRUNCATED) {
        return scan_error(scan, "a list entry past the end of its section", start);
    }
    if (status == LEB_TOO_WIDE) {
        return scan_error(scan, "a list entry's LEB128 wider than 64 bits", start);
    }
    return 0;
}

static int list_u32(const Scan *scan, const Section *section, Py_ssize_t *at, uint32_t *value) {
    if (*at < 0 || section->length - *at < 4) {
        return scan_error(scan, "a list entry past the end of its section", *at);
    }
    *value = (uint32_t)scan_little(section->data + *at, 4);
    *at += 4;
    return 0;
}

/* One list (producer_reader._v4_list / _v5_list, then fusion_barriers._list): every entry's begin and end are
 * barriers; a location entry's expression goes to ``entries`` with its range. */
static int scan_list(const Scan *scan, int locations, int64_t offset) {
    const Section *section = scan->version >= 5 ? (locations ? &scan->loclists : &scan->rnglists)
                                                : (locations ? &scan->loc : &scan->ranges);
    if (section->data == NULL) {
        PyErr_Format(scan->error, "a list in %s, which is absent", section->name);
        return -1;
    }
    if (offset < 0 || offset >= section->length) {
        return scan_error(scan, "a list outside its section", (Py_ssize_t)(offset < 0 ? 0 : offset));
    }
    Py_ssize_t at = (Py_ssize_t)offset;
    int64_t base = scan->cu_base;
    for (;;) {
        int64_t begin, end;
        int absolute = 0;
        if (scan->version < 5) {
            uint32_t low, high;
            if (list_u32(scan, section, &at, &low) < 0 || list_u32(scan, section, &at, &high) < 0) {
                return -1;
            }
            if (low == 0 && high == 0) {
                return 0;
            }
            if (low == UINT32_MAX) {
                base = high;
                continue;
            }
            begin = low;
            end = high;
        } else {
            if (at >= section->length) {
                return scan_error(scan, "a list entry past the end of its section", at);
            }
            Py_ssize_t kind_at = at;
            unsigned kind = section->data[at++];
            /* DW_RLE_* and DW_LLE_* agree up to 4; then locations have default_location at 5, the rest one on. */
            if (!locations && kind >= 5) {
                kind = kind + 1;
            }
            uint64_t first, second;
            uint32_t word, other;
            absolute = 1;
            switch (kind) {
            case 0:
                return 0;
            case 1:
                if (list_uleb(scan, section, &at, &first) < 0 || indexed_address(scan, first, &base) < 0) {
                    return -1;
                }
                continue;
            case 2:
                if (list_uleb(scan, section, &at, &first) < 0 || list_uleb(scan, section, &at, &second) < 0 ||
                    indexed_address(scan, first, &begin) < 0 || indexed_address(scan, second, &end) < 0) {
                    return -1;
                }
                break;
            case 3:
                if (list_uleb(scan, section, &at, &first) < 0 || list_uleb(scan, section, &at, &second) < 0 ||
                    indexed_address(scan, first, &begin) < 0) {
                    return -1;
                }
                end = plus(unsigned_value(second), begin);
                break;
            case 4:
                if (list_uleb(scan, section, &at, &first) < 0 || list_uleb(scan, section, &at, &second) < 0) {
                    return -1;
                }
                begin = unsigned_value(first);
                end = unsigned_value(second);
                absolute = 0;
                break;
            case 5: /* default_location: no range of its own */
                begin = end = -1;
                break;
            case 6:
                if (list_u32(scan, section, &at, &word) < 0) {
                    return -1;
                }
                base = word;
                continue;
            case 7:
                if (list_u32(scan, section, &at, &word) < 0 || list_u32(scan, section, &at, &other) < 0) {
                    return -1;
                }
                begin = word;
                end = other;
                break;
            case 8:
                if (list_u32(scan, section, &at, &word) < 0 || list_uleb(scan, section, &at, &second) < 0) {
                    return -1;
                }
                begin = word;
                end = plus(unsigned_value(second), word);
                break;
            default:
                return scan_error(scan, "an unknown list entry kind", kind_at);
            }
        }
        int64_t shift = absolute ? 0 : base;
        begin = plus(begin, shift);
        end = plus(end, shift);
        if (add_barrier(scan, begin) < 0 || add_barrier(scan, end) < 0) {
            return -1;
        }
        if (!locations) {
            continue;
        }
        uint64_t length;
        if (scan->version < 5) {
            if (section->length - at < 2) {
                return scan_error(scan, "a location list entry past the end of its section", at);
            }
            length = (uint64_t)section->data[at] | (uint64_t)section->data[at + 1] << 8;
            at += 2;
        } else if (list_uleb(scan, section, &at, &length) < 0) {
            return -1;
        }
        if (length > (uint64_t)(section->length - at)) {
            return scan_error(scan, "a location list entry past the end of its section", at);
        }
        if (length) {
            PyObject *entry = Py_BuildValue("(LLy#)", (long long)begin, (long long)end,
                                            (const char *)section->data + at, (Py_ssize_t)length);
            if (entry == NULL || PyList_Append(scan->entries, entry) < 0) {
                Py_XDECREF(entry);
                return -1;
            }
            Py_DECREF(entry);
        }
        at += (Py_ssize_t)length;
    }
}

/* One attribute's value: a number (``is_number``; resolved for indexed addresses and lists) or a block. */
typedef struct {
    int is_number;
    int64_t number;
    const unsigned char *block;
    Py_ssize_t block_length;
} Value;

static int read_value(const Scan *scan, Py_ssize_t *at, long *form, PyObject *implicit, Value *value,
                      Py_ssize_t die_offset) {
    const unsigned char *data = scan->data;
    Py_ssize_t length = scan->length;
    value->is_number = 0;
    value->block = NULL;
    value->block_length = 0;
    if (*form == S_indirect) {
        uint64_t real;
        if (leb_unsigned(data, length, at, &real) != LEB_OK) {
            return scan_error(scan, "DIE: a read past the end of .debug_info", die_offset);
        }
        if (real == S_indirect || real > 0x7fffffff) {
            return scan_error(scan, "DIE: an indirect form", die_offset);
        }
        *form = (long)real;
    }
    long f = *form;
    int size = scan_fixed_size(f);
    if (size) {
        if (*at > length - size) {
            return scan_error(scan, "DIE: a read past the end of .debug_info", die_offset);
        }
        value->number = (int64_t)scan_little(data + *at, size);
        value->is_number = !is_string_form(f);
        *at += size;
    } else if (scan_uleb_form(f)) {
        uint64_t number;
        LebStatus status = leb_unsigned(data, length, at, &number);
        if (status != LEB_OK) {
            return scan_error(scan, status == LEB_TRUNCATED ? "DIE: a read past the end of .debug_info"
                                                            : "DIE: a LEB128 wider than 64 bits", die_offset);
        }
        value->number = unsigned_value(number);
        value->is_number = !is_string_form(f);
    } else if (f == S_sdata) {
        int64_t number;
        LebStatus status = leb_signed(data, length, at, &number);
        if (status != LEB_OK) {
            return scan_error(scan, status == LEB_TRUNCATED ? "DIE: a read past the end of .debug_info"
                                                            : "DIE: a LEB128 wider than 64 bits", die_offset);
        }
        value->number = number;
        value->is_number = 1;
    } else if (f == S_string) {
        const unsigned char *end = *at < length ? memchr(data + *at, 0, (size_t)(length - *at)) : NULL;
        if (end == NULL) {
            return scan_error(scan, "DIE: a string runs past the end of .debug_info", die_offset);
        }
        *at = end - data + 1;
    } else if (f == S_block || f == S_exprloc || f == S_block1 || f == S_block2 || f == S_block4 ||
               f == S_data16) {
        uint64_t size_of_block;
        if (f == S_block || f == S_exprloc) {
            if (leb_unsigned(data, length, at, &size_of_block) != LEB_OK) {
                return scan_error(scan, "DIE: a read past the end of .debug_info", die_offset);
            }
        } else {
            int width = f == S_block1 ? 1 : f == S_block2 ? 2 : f == S_block4 ? 4 : 0;
            if (*at > length - width) {
                return scan_error(scan, "DIE: a read past the end of .debug_info", die_offset);
            }
            size_of_block = f == S_data16 ? 16 : scan_little(data + *at, width);
            *at += width;
        }
        if (size_of_block > (uint64_t)(length - *at)) {
            return scan_error(scan, "DIE: a block past the end of .debug_info", die_offset);
        }
        value->block = data + *at;
        value->block_length = (Py_ssize_t)size_of_block;
        *at += (Py_ssize_t)size_of_block;
    } else if (f == S_flag_present) {
        value->number = 1;
        value->is_number = 1;
    } else if (f == S_implicit_const) {
        if (!PyLong_Check(implicit)) {
            return scan_error(scan, "DIE: an implicit constant without a value", die_offset);
        }
        value->number = PyLong_AsLongLong(implicit);
        if (value->number == -1 && PyErr_Occurred()) {
            return -1;
        }
        value->is_number = 1;
    } else {
        return scan_error(scan, "DIE: a form that is not read", die_offset);
    }
    /* Indexed values as the reader resolves them. */
    if (f == S_addrx || f == S_addrx1 || f == S_addrx2 || f == S_addrx3 || f == S_addrx4 ||
        f == S_GNU_addr_index) {
        return indexed_address(scan, (uint64_t)value->number, &value->number);
    }
    if (f == S_loclistx || f == S_rnglistx) {
        return indexed_list(scan, f == S_loclistx, (uint64_t)value->number, &value->number);
    }
    return 0;
}

/* fusion_barriers._unit over the DIEs of ``data[at:end]``. */
static int scan_dies(Scan *scan, const ScanTable *table, Py_ssize_t at, Py_ssize_t end, long long cu_offset) {
    int any = 0;
    while (at < end) {
        Py_ssize_t die_offset = at;
        uint64_t code;
        if (leb_unsigned(scan->data, scan->length, &at, &code) != LEB_OK) {
            return scan_error(scan, "DIE: a read past the end of .debug_info", die_offset);
        }
        if (code == 0) {
            continue;
        }
        const ScanAbbrev *abbrev = table_find(table, code);
        if (abbrev == NULL) {
            return scan_error(scan, "DIE: no abbreviation for its code", die_offset);
        }
        any = 1;
        int has_low = 0, has_high = 0, low_number = 0, high_number = 0;
        int64_t low = 0, high = 0;
        for (Py_ssize_t i = 0; i < abbrev->count; i++) {
            const ScanSpec *spec = &table->specs[abbrev->first + i];
            long form = spec->form;
            Value value;
            if (read_value(scan, &at, &form, spec->implicit, &value, die_offset) < 0) {
                return -1;
            }
            if (spec->role == ROLE_LOW_PC) {
                has_low = 1;
                low_number = value.is_number;
                low = value.number;
            }
            if (is_address_form(form)) {
                if (add_barrier(scan, value.number) < 0) {
                    return -1;
                }
            } else if (spec->role == ROLE_HIGH_PC && form != S_exprloc) {
                has_high = 1;
                high_number = value.is_number;
                high = value.number;
            } else if ((spec->role == ROLE_RANGES || spec->role == ROLE_LOCATION) && is_list_form(form)) {
                if (scan_list(scan, spec->role == ROLE_LOCATION, value.number) < 0) {
                    return -1;
                }
            } else if (form == S_exprloc) {
                /* (A DW_AT_high_pc that is an expression is one, as the reader sees it, unless there is a
                   DW_AT_low_pc: then it is an error, below.) */
                has_high |= spec->role == ROLE_HIGH_PC;
                PyObject *expression = PyBytes_FromStringAndSize((const char *)value.block, value.block_length);
                if (expression == NULL || PySet_Add(scan->expressions, expression) < 0) {
                    Py_XDECREF(expression);
                    return -1;
                }
                Py_DECREF(expression);
            }
        }
        if (has_high && has_low) {
            if (!low_number || !high_number) {
                return scan_error(scan, "DIE: DW_AT_high_pc as an offset from a DW_AT_low_pc that is no number",
                                  die_offset);
            }
            if (add_barrier(scan, plus(low, high)) < 0) {
                return -1;
            }
        }
    }
    if (at > end) {
        PyErr_Format(scan->error, "unit at %#llx: its last DIE runs past the unit's end", cu_offset);
        return -1;
    }
    if (!any) {
        PyErr_Format(scan->error, "unit at %#llx has no DIE", cu_offset);
        return -1;
    }
    return 0;
}

const char translate_scan_barriers_doc[] =
"scan_barriers(data, first, end, abbreviations, cu_offset, version, cu_base, sections, bases, error, barriers,\n"
"              expressions, entries, /)\n--\n\n"
"fusion_barriers._unit over the DIEs of one unit (``data[first:end]``, ``data``: .debug_info) without decoding\n"
"them into objects: every code-relative address an attribute names (address forms, DW_AT_high_pc as an offset\n"
"from DW_AT_low_pc, the begin and end of every DW_AT_ranges, DW_AT_location and DW_AT_frame_base list entry,\n"
"the base addresses applied from ``cu_base``) is added to the set ``barriers``; every DW_FORM_exprloc value to\n"
"the set ``expressions``; every location list entry with an expression to the list ``entries`` as (begin, end,\n"
"expression). ``abbreviations`` as read_abbreviations returns them; ``sections``: (.debug_addr, .debug_loc,\n"
".debug_ranges, .debug_loclists, .debug_rnglists), each bytes or None; ``bases``: (addr_base, loclists_base,\n"
"rnglists_base) as Unit reads them. Malformed input raises ``error``.";

PyObject *translate_scan_barriers(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 13) {
        PyErr_Format(PyExc_TypeError, "scan_barriers takes 13 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *sections = args[7], *bases = args[8];
    if (!PyTuple_Check(sections) || PyTuple_GET_SIZE(sections) != 5 || !PyTuple_Check(bases) ||
        PyTuple_GET_SIZE(bases) != 3 || !PySet_Check(args[10]) || !PySet_Check(args[11]) || !PyList_Check(args[12])) {
        PyErr_SetString(PyExc_TypeError, "scan_barriers: 5 sections, 3 bases, two sets and a list");
        return NULL;
    }
    Py_ssize_t first = PyLong_AsSsize_t(args[1]), end = PyLong_AsSsize_t(args[2]);
    long long cu_offset = PyLong_AsLongLong(args[4]);
    long version = PyLong_AsLong(args[5]);
    long long cu_base = PyLong_AsLongLong(args[6]);
    long long addr_base = PyLong_AsLongLong(PyTuple_GET_ITEM(bases, 0));
    long long loclists_base = PyLong_AsLongLong(PyTuple_GET_ITEM(bases, 1));
    long long rnglists_base = PyLong_AsLongLong(PyTuple_GET_ITEM(bases, 2));
    if (PyErr_Occurred()) {
        return NULL;
    }
    Scan scan = {.error = args[9], .addr_base = addr_base, .loclists_base = loclists_base,
                 .rnglists_base = rnglists_base, .cu_base = cu_base, .version = (int)version, .barriers = args[10],
                 .expressions = args[11], .entries = args[12]};
    Section *opened[] = {&scan.addresses, &scan.loc, &scan.ranges, &scan.loclists, &scan.rnglists};
    for (int i = 0; i < 5; i++) {
        opened[i]->view.obj = NULL;
    }
    Py_buffer info;
    info.obj = NULL;
    ScanTable table = {NULL, 0, NULL};
    PyObject *result = NULL;
    for (int i = 0; i < 5; i++) {
        if (section_open(PyTuple_GET_ITEM(sections, i), opened[i], SECTION_NAMES[i]) < 0) {
            goto done;
        }
    }
    if (PyObject_GetBuffer(args[0], &info, PyBUF_SIMPLE) < 0) {
        info.obj = NULL;
        goto done;
    }
    scan.data = info.buf;
    scan.length = info.len;
    if (first < 0 || end > scan.length || first > end) {
        PyErr_Format(scan.error, "unit at %#llx runs past the end of .debug_info", cu_offset);
        goto done;
    }
    if (table_read(args[3], &table) < 0 || scan_dies(&scan, &table, first, end, cu_offset) < 0) {
        goto done;
    }
    result = Py_NewRef(Py_None);
done:
    table_free(&table);
    for (int i = 0; i < 5; i++) {
        section_close(opened[i]);
    }
    if (info.obj != NULL) {
        PyBuffer_Release(&info);
    }
    return result;
}

/* -- the functions the linker discarded ---------------------------------------------------------------------------- */

/* A growable array of int64. */
typedef struct {
    int64_t *items;
    Py_ssize_t count, capacity;
} Int64s;

static int push(Int64s *array, int64_t value) {
    if (array->count == array->capacity) {
        Py_ssize_t grown = array->capacity ? 2 * array->capacity : 256;
        int64_t *bigger = PyMem_Resize(array->items, int64_t, grown);
        if (bigger == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        array->items = bigger;
        array->capacity = grown;
    }
    array->items[array->count++] = value;
    return 0;
}

static PyObject *as_bytes(const Int64s *array) {
    return PyBytes_FromStringAndSize((const char *)array->items, array->count * (Py_ssize_t)sizeof(int64_t));
}

/* translate._Translator._has_code: whether ``address`` lies in a compiled function (``functions``: sorted
 * (start, end) pairs; AddressMap.function_at). */
static int has_code(const int64_t *functions, Py_ssize_t count, int64_t address) {
    Py_ssize_t lo = 0, hi = count; /* bisect_right over the starts */
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (address < functions[2 * mid]) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo > 0 && address < functions[2 * (lo - 1) + 1];
}

/* The scan of translate_discard.discarded_dies's first half over one unit: the subtrees of subprograms whose
 * DW_AT_low_pc has no code ((start, end) pairs in ``ranges``: the outermost only, as the model's owner), the
 * offset of every DIE in them (``members``), and every reference a DIE makes (source, target: unit-relative
 * forms from the unit's start, ref_addr as it is), call sites' apart (the model does not follow those unless
 * their subtree is kept). */
static int scan_discarded_dies(Scan *scan, const ScanTable *table, Py_ssize_t at, Py_ssize_t end, long long cu_offset,
                               const int64_t *functions, Py_ssize_t function_count, Int64s *ranges, Int64s *members,
                               Int64s *references, Int64s *call_references) {
    Py_ssize_t depth = 0, root_depth = -1;
    int64_t root = 0;
    int any = 0;
    while (at < end) {
        Py_ssize_t die_offset = at;
        uint64_t code;
        if (leb_unsigned(scan->data, scan->length, &at, &code) != LEB_OK) {
            return scan_error(scan, "DIE: a read past the end of .debug_info", die_offset);
        }
        if (code == 0) {
            if (depth > 0) {
                depth--;
                if (depth == root_depth) {
                    if (push(ranges, root) < 0 || push(ranges, at) < 0) {
                        return -1;
                    }
                    root_depth = -1;
                }
            }
            continue;
        }
        const ScanAbbrev *abbrev = table_find(table, code);
        if (abbrev == NULL) {
            return scan_error(scan, "DIE: no abbreviation for its code", die_offset);
        }
        any = 1;
        int has_low = 0;
        int64_t low = 0;
        Int64s *out = abbrev->tag == TAG_CALL_SITE ? call_references : references;
        for (Py_ssize_t i = 0; i < abbrev->count; i++) {
            const ScanSpec *spec = &table->specs[abbrev->first + i];
            long form = spec->form;
            Value value;
            if (read_value(scan, &at, &form, spec->implicit, &value, die_offset) < 0) {
                return -1;
            }
            if (spec->role == ROLE_LOW_PC) {
                has_low = value.is_number;
                low = value.number;
            }
            int64_t target = -1;
            if (form == S_ref1 || form == S_ref2 || form == S_ref4 || form == S_ref8 || form == S_ref_udata) {
                target = plus(value.number, cu_offset);
            } else if (form == S_ref_addr) {
                target = value.number;
            }
            if (target >= 0 && (push(out, die_offset) < 0 || push(out, target) < 0)) {
                return -1;
            }
        }
        int inside = root_depth >= 0;
        if (!inside && abbrev->tag == TAG_SUBPROGRAM && has_low && !has_code(functions, function_count, low)) {
            inside = 1;
            root = die_offset;
            if (abbrev->has_children) {
                root_depth = depth;
            } else if (push(ranges, root) < 0 || push(ranges, at) < 0) {
                return -1;
            }
        }
        if (inside && push(members, die_offset) < 0) {
            return -1;
        }
        if (abbrev->has_children) {
            depth++;
        }
    }
    if (at > end) {
        PyErr_Format(scan->error, "unit at %#llx: its last DIE runs past the unit's end", cu_offset);
        return -1;
    }
    if (!any) {
        PyErr_Format(scan->error, "unit at %#llx has no DIE", cu_offset);
        return -1;
    }
    if (root_depth >= 0 && (push(ranges, root) < 0 || push(ranges, end) < 0)) {
        return -1;
    }
    return 0;
}

const char translate_scan_discarded_doc[] =
"scan_discarded(data, first, end, abbreviations, cu_offset, version, sections, bases, functions, error, /)\n"
"--\n\n"
"The first half of translate_discard.discarded_dies over one unit's DIEs (``data[first:end]``), without decoding\n"
"them into objects: (ranges, members, references, call_references), packed int64s. ``ranges``: [start, end) of\n"
"the subtree of each subprogram whose DW_AT_low_pc lies in no function of ``functions`` (packed sorted (start,\n"
"end) pairs of code-relative offsets), the outermost only; ``members``: the offset of every DIE in them;\n"
"``references``: (source DIE, target) of every reference of a DIE not a call site, ``call_references`` those of\n"
"call sites. ``sections`` and ``bases`` as for scan_barriers. Malformed input raises ``error``.";

PyObject *translate_scan_discarded(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 10) {
        PyErr_Format(PyExc_TypeError, "scan_discarded takes 10 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *sections = args[6], *bases = args[7];
    if (!PyTuple_Check(sections) || PyTuple_GET_SIZE(sections) != 5 || !PyTuple_Check(bases) ||
        PyTuple_GET_SIZE(bases) != 3) {
        PyErr_SetString(PyExc_TypeError, "scan_discarded: 5 sections and 3 bases");
        return NULL;
    }
    Py_ssize_t first = PyLong_AsSsize_t(args[1]), end = PyLong_AsSsize_t(args[2]);
    long long cu_offset = PyLong_AsLongLong(args[4]);
    long version = PyLong_AsLong(args[5]);
    long long addr_base = PyLong_AsLongLong(PyTuple_GET_ITEM(bases, 0));
    long long loclists_base = PyLong_AsLongLong(PyTuple_GET_ITEM(bases, 1));
    long long rnglists_base = PyLong_AsLongLong(PyTuple_GET_ITEM(bases, 2));
    if (PyErr_Occurred()) {
        return NULL;
    }
    Scan scan = {.error = args[9], .addr_base = addr_base, .loclists_base = loclists_base,
                 .rnglists_base = rnglists_base, .version = (int)version};
    Section *opened[] = {&scan.addresses, &scan.loc, &scan.ranges, &scan.loclists, &scan.rnglists};
    for (int i = 0; i < 5; i++) {
        opened[i]->view.obj = NULL;
    }
    Py_buffer info, functions;
    info.obj = NULL;
    functions.obj = NULL;
    ScanTable table = {NULL, 0, NULL};
    Int64s ranges = {NULL, 0, 0}, members = {NULL, 0, 0}, references = {NULL, 0, 0}, calls = {NULL, 0, 0};
    PyObject *result = NULL;
    for (int i = 0; i < 5; i++) {
        if (section_open(PyTuple_GET_ITEM(sections, i), opened[i], SECTION_NAMES[i]) < 0) {
            goto done;
        }
    }
    if (PyObject_GetBuffer(args[0], &info, PyBUF_SIMPLE) < 0) {
        info.obj = NULL;
        goto done;
    }
    if (PyObject_GetBuffer(args[8], &functions, PyBUF_SIMPLE) < 0) {
        functions.obj = NULL;
        goto done;
    }
    if (functions.len % 16) {
        PyErr_SetString(PyExc_ValueError, "scan_discarded: functions are packed int64 pairs");
        goto done;
    }
    scan.data = info.buf;
    scan.length = info.len;
    if (first < 0 || end > scan.length || first > end) {
        PyErr_Format(scan.error, "unit at %#llx runs past the end of .debug_info", cu_offset);
        goto done;
    }
    if (table_read(args[3], &table) < 0 ||
        scan_discarded_dies(&scan, &table, first, end, cu_offset, functions.buf, functions.len / 16, &ranges,
                            &members, &references, &calls) < 0) {
        goto done;
    }
    PyObject *parts[4] = {as_bytes(&ranges), as_bytes(&members), as_bytes(&references), as_bytes(&calls)};
    if (parts[0] != NULL && parts[1] != NULL && parts[2] != NULL && parts[3] != NULL) {
        result = PyTuple_Pack(4, parts[0], parts[1], parts[2], parts[3]);
    }
    for (int i = 0; i < 4; i++) {
        Py_XDECREF(parts[i]);
    }
done:
    table_free(&table);
    for (int i = 0; i < 5; i++) {
        section_close(opened[i]);
    }
    if (info.obj != NULL) {
        PyBuffer_Release(&info);
    }
    if (functions.obj != NULL) {
        PyBuffer_Release(&functions);
    }
    PyMem_Free(ranges.items);
    PyMem_Free(members.items);
    PyMem_Free(references.items);
    PyMem_Free(calls.items);
    return result;
}

/* The range of ``ranges`` (sorted, disjoint (start, end) pairs) holding ``offset``, or -1. */
static Py_ssize_t range_holding(const int64_t *ranges, Py_ssize_t count, int64_t offset) {
    Py_ssize_t lo = 0, hi = count;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (offset < ranges[2 * mid]) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo > 0 && offset < ranges[2 * (lo - 1) + 1] ? lo - 1 : -1;
}

static int is_member(const int64_t *members, Py_ssize_t count, int64_t offset) {
    Py_ssize_t lo = 0, hi = count;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (members[mid] < offset) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < count && members[lo] == offset;
}

/* The first reference (pairs sorted by source) whose source is at least ``offset``. */
static Py_ssize_t first_from(const int64_t *references, Py_ssize_t count, int64_t offset) {
    Py_ssize_t lo = 0, hi = count;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (references[2 * mid] < offset) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

typedef struct {
    const int64_t *items;
    Py_ssize_t count; /* pairs, or offsets for members */
    Py_buffer view;
} Packed;

static int packed_open(PyObject *object, Packed *packed, Py_ssize_t width) {
    packed->view.obj = NULL;
    if (PyObject_GetBuffer(object, &packed->view, PyBUF_SIMPLE) < 0) {
        packed->view.obj = NULL;
        return -1;
    }
    if (packed->view.len % (Py_ssize_t)(8 * width)) {
        PyErr_SetString(PyExc_ValueError, "discarded_ranges: packed int64s of the wrong width");
        return -1;
    }
    packed->items = packed->view.buf;
    packed->count = packed->view.len / (8 * width);
    return 0;
}

static void packed_close(Packed *packed) {
    if (packed->view.obj != NULL) {
        PyBuffer_Release(&packed->view);
    }
}

/* Keep range ``k`` if a reference to one of its DIEs makes it kept; ``stack`` holds the ranges kept whose own
 * references are still to follow. */
static int keep_target(const Packed *ranges, const Packed *members, int64_t target, unsigned char *kept,
                       Int64s *stack) {
    Py_ssize_t k = range_holding(ranges->items, ranges->count, target);
    if (k < 0 || kept[k] || !is_member(members->items, members->count, target)) {
        return 0;
    }
    kept[k] = 1;
    return push(stack, k);
}

const char translate_discarded_ranges_doc[] =
"discarded_ranges(ranges, members, references, call_references, /)\n--\n\n"
"The second half of translate_discard.discarded_dies, over all units' scan_discarded parts concatenated in\n"
"unit order: the ranges (packed (start, end) pairs) still discarded once every subtree a written DIE refers into\n"
"is kept whole, and what the kept subtrees refer into in turn (their call sites' references included).";

PyObject *translate_discarded_ranges(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 4) {
        PyErr_Format(PyExc_TypeError, "discarded_ranges takes 4 arguments (%zd given)", nargs);
        return NULL;
    }
    Packed ranges, members, references, calls;
    ranges.view.obj = members.view.obj = references.view.obj = calls.view.obj = NULL;
    unsigned char *kept = NULL;
    Int64s stack = {NULL, 0, 0}, left = {NULL, 0, 0};
    PyObject *result = NULL;
    if (packed_open(args[0], &ranges, 2) < 0 || packed_open(args[1], &members, 1) < 0 ||
        packed_open(args[2], &references, 2) < 0 || packed_open(args[3], &calls, 2) < 0) {
        goto done;
    }
    kept = PyMem_Calloc((size_t)(ranges.count ? ranges.count : 1), 1);
    if (kept == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < references.count; i++) {
        if (range_holding(ranges.items, ranges.count, references.items[2 * i]) < 0 &&
            keep_target(&ranges, &members, references.items[2 * i + 1], kept, &stack) < 0) {
            goto done;
        }
    }
    while (stack.count) {
        Py_ssize_t k = (Py_ssize_t)stack.items[--stack.count];
        const Packed *lists[] = {&references, &calls};
        for (int j = 0; j < 2; j++) {
            const Packed *list = lists[j];
            for (Py_ssize_t i = first_from(list->items, list->count, ranges.items[2 * k]);
                 i < list->count && list->items[2 * i] < ranges.items[2 * k + 1]; i++) {
                if (keep_target(&ranges, &members, list->items[2 * i + 1], kept, &stack) < 0) {
                    goto done;
                }
            }
        }
    }
    for (Py_ssize_t k = 0; k < ranges.count; k++) {
        if (!kept[k] && (push(&left, ranges.items[2 * k]) < 0 || push(&left, ranges.items[2 * k + 1]) < 0)) {
            goto done;
        }
    }
    result = as_bytes(&left);
done:
    packed_close(&ranges);
    packed_close(&members);
    packed_close(&references);
    packed_close(&calls);
    PyMem_Free(kept);
    PyMem_Free(stack.items);
    PyMem_Free(left.items);
    return result;
}
