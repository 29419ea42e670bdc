/* SIMD kernels in C with <wasm_simd128.h> (clang --target=wasm32-wasi -msimd128): hex encoding by swizzle and
 * shuffles, a float dot product, an ARX mix on 32- and 64-bit lanes, and a loop clang vectorises by itself.
 * Prints checksums; tests/test_simd_programs.py compares them with wasmtime's run of the same module. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasm_simd128.h>

static uint32_t next(uint32_t *s) { *s = *s * 1664525u + 1013904223u; return *s; }

/* Hex encoding of 16 bytes a step: nibbles split, mapped through a table with swizzle, interleaved. */
static void hex16(const uint8_t *in, char *out) {
    const v128_t digits = wasm_i8x16_const(48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102);
    v128_t bytes = wasm_v128_load(in);
    v128_t high = wasm_u8x16_shr(bytes, 4), low = wasm_v128_and(bytes, wasm_i8x16_splat(15));
    v128_t h = wasm_i8x16_swizzle(digits, high), l = wasm_i8x16_swizzle(digits, low);
    wasm_v128_store(out, wasm_i8x16_shuffle(h, l, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23));
    wasm_v128_store(out + 16, wasm_i8x16_shuffle(h, l, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31));
}

static float dot(const float *a, const float *b, int n) {
    v128_t acc = wasm_f32x4_splat(0.0f);
    for (int i = 0; i < n; i += 4)
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    acc = wasm_f32x4_add(acc, wasm_i32x4_shuffle(acc, acc, 2, 3, 0, 1));
    acc = wasm_f32x4_add(acc, wasm_i32x4_shuffle(acc, acc, 1, 0, 3, 2));
    return wasm_f32x4_extract_lane(acc, 0);
}

/* A few rounds of an ARX mix on four 32-bit lanes (rotations by shifts and or). */
static v128_t mix(v128_t x, v128_t k) {
    for (int round = 0; round < 8; round++) {
        x = wasm_i32x4_add(x, k);
        x = wasm_v128_xor(x, wasm_v128_or(wasm_i32x4_shl(x, 7), wasm_u32x4_shr(x, 25)));
        x = wasm_i32x4_shuffle(x, x, 1, 2, 3, 0);
        k = wasm_i64x2_mul(k, wasm_i64x2_splat(0x9E3779B97F4A7C15ull));
    }
    return x;
}

/* Autovectorised at -O2 with -msimd128: saturating arithmetic, min/max, conversions. */
static void blend(const uint8_t *a, const uint8_t *b, uint8_t *out, int16_t *wide, float *f, int n) {
    for (int i = 0; i < n; i++) {
        int s = a[i] + b[i];
        out[i] = s > 255 ? 255 : (uint8_t)s;
        wide[i] = (int16_t)(a[i] * b[i] - 128 * 200);
        f[i] = (float)wide[i] * 0.5f + (a[i] < b[i] ? -1.0f : 1.0f);
    }
}

int main(void) {
    static uint8_t buf[4096], other[4096], out[4096];
    static int16_t wide[4096];
    static float fa[1024], fb[1024], fc[4096];
    static char text[8192 + 1];
    uint32_t seed = 12345;
    for (int i = 0; i < 4096; i++) { buf[i] = (uint8_t)next(&seed); other[i] = (uint8_t)(next(&seed) >> 8); }
    for (int i = 0; i < 1024; i++) { fa[i] = (float)(int32_t)next(&seed) / 65536.0f; fb[i] = (float)(next(&seed) % 1000) / 7.0f; }
    for (int i = 0; i < 4096; i += 16) hex16(buf + i, text + 2 * i);
    text[8192] = 0;
    printf("hex %.48s ... %s\n", text, text + 8192 - 32);
    printf("dot %.9g\n", dot(fa, fb, 1024));
    v128_t x = wasm_i32x4_make(1, 2, 3, 4), k = wasm_i64x2_make(0x0123456789ABCDEFll, -42);
    for (int i = 0; i < 1000; i++) x = mix(x, k = wasm_i32x4_add(k, x));
    printf("mix %08x %08x %08x %08x\n", wasm_u32x4_extract_lane(x, 0), wasm_u32x4_extract_lane(x, 1),
           wasm_u32x4_extract_lane(x, 2), wasm_u32x4_extract_lane(x, 3));
    blend(buf, other, out, wide, fc, 4096);
    uint32_t h = 0;
    double fs = 0;
    for (int i = 0; i < 4096; i++) { h = h * 31 + out[i] + (uint16_t)wide[i]; fs += fc[i]; }
    printf("blend %08x %.3f\n", h, fs);
    return 0;
}
