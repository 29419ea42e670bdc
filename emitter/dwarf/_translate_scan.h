/* The DIE-free scan of emitter.dwarf._translate (_translate_scan.c): its functions. */
#ifndef JITDEBUG_TRANSLATE_SCAN_H
#define JITDEBUG_TRANSLATE_SCAN_H

#include <Python.h>

extern const char translate_scan_barriers_doc[];
PyObject *translate_scan_barriers(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
extern const char translate_scan_discarded_doc[];
PyObject *translate_scan_discarded(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
extern const char translate_discarded_ranges_doc[];
PyObject *translate_discarded_ranges(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

#endif
