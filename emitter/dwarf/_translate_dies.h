/* The DIE decoder of emitter.dwarf._translate (_translate_dies.c): its types and its function. */
#ifndef JITDEBUG_TRANSLATE_DIES_H
#define JITDEBUG_TRANSLATE_DIES_H

#include <Python.h>

/* An Attribute object (producer_reader.Attribute). */
typedef struct {
    PyObject_HEAD
    PyObject *form;
    PyObject *raw_value;
    PyObject *value;
} TranslateAttribute;

/* A Die object (producer_reader.Die): its fields, read directly by the translation's C loops. */
typedef struct {
    PyObject_HEAD
    PyObject *offset;
    PyObject *tag;
    PyObject *attributes; /* dict: name -> Attribute */
    PyObject *cu;
    PyObject *parent;
    PyObject *children; /* list of Die */
} TranslateDie;

extern PyTypeObject TranslateAttributeType;
extern PyTypeObject TranslateDieType;
extern const char translate_decode_dies_doc[];
PyObject *translate_decode_dies(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
extern const char translate_read_abbreviations_doc[];
PyObject *translate_read_abbreviations(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
extern const char translate_release_dies_doc[];
PyObject *translate_release_dies(PyObject *module, PyObject *dies);

#endif
