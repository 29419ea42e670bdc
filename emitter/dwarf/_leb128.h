/* LEB128 decoding for emitter.dwarf._translate: the one reader of its line-program and DIE decoders, which differ
   only in how they report a failure. Bounds-checked: nothing is read at or past ``length``. */
#ifndef JITDEBUG_LEB128_H
#define JITDEBUG_LEB128_H

#include <Python.h>

#include <stdint.h>
#include <string.h>

typedef enum {
    LEB_OK = 0,
    /* The number runs past ``length`` (``*at`` is where the missing byte would be). */
    LEB_TRUNCATED,
    /* Its value does not fit 64 bits (``*at`` is just past the offending byte). */
    LEB_TOO_WIDE,
} LebStatus;

static inline LebStatus leb_unsigned(const unsigned char *data, Py_ssize_t length, Py_ssize_t *at,
                                     uint64_t *value) {
    uint64_t result = 0;
    for (int shift = 0;; shift += 7) {
        if (*at < 0 || *at >= length) {
            return LEB_TRUNCATED;
        }
        unsigned byte = data[(*at)++];
        uint64_t bits = byte & 0x7F;
        if (shift >= 64 ? bits != 0 : shift > 57 && (bits >> (64 - shift)) != 0) {
            return LEB_TOO_WIDE;
        }
        if (shift < 64) {
            result |= bits << shift;
        }
        if (byte < 0x80) {
            *value = result;
            return LEB_OK;
        }
    }
}

static inline LebStatus leb_signed(const unsigned char *data, Py_ssize_t length, Py_ssize_t *at,
                                   int64_t *value) {
    uint64_t result = 0;
    for (int shift = 0;; shift += 7) {
        if (*at < 0 || *at >= length) {
            return LEB_TRUNCATED;
        }
        unsigned byte = data[(*at)++];
        unsigned bits = byte & 0x7F;
        if (shift >= 63) {
            /* Only a sign extension fits now: at bit 63 a byte of 0x00 or 0x7F (its low bit is bit 63), past it
               the byte that repeats bit 63. */
            unsigned sign = shift == 63 ? (bits & 1 ? 0x7F : 0) : (result >> 63 ? 0x7F : 0);
            if (bits != sign) {
                return LEB_TOO_WIDE;
            }
            if (shift == 63) {
                result |= (uint64_t)(bits & 1) << 63;
            }
        } else {
            result |= (uint64_t)bits << shift;
        }
        if (byte < 0x80) {
            if (shift + 7 < 64 && (byte & 0x40)) {
                result |= ~(uint64_t)0 << (shift + 7);
            }
            memcpy(value, &result, sizeof *value);
            return LEB_OK;
        }
    }
}

#endif
