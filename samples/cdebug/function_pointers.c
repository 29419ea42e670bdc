/* C function pointers: a local, a global, a struct member and an array element in linear memory; in Wasm each is an
 * index into the function table, natively an address. ``run`` is the export the host calls. */
#include <stdint.h>

typedef int (*binop)(int, int);

struct calc {
    int base;
    binop op;
    int (*ops[2])(int, int);
};

static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a * b; }

binop current = mul;
static struct calc calc = {1, mul, {add, mul}};

static int apply(struct calc *c, int x) {
    int (*op)(int, int) = add;
    binop none = 0;
    int r = op(c->base, x) + c->op(x, x) + c->ops[1](x, 2);
    return r + (none == 0) + (current == mul); /* @apply */
}

int32_t run(int32_t n) {
    return apply(&calc, n);
}
