/* Aggregates passed by value: the Wasm C ABI passes them through a pointer to the caller's copy in linear memory
   (the producer describes the parameter by the Wasm local holding that pointer); natively they travel in
   registers or on the stack. The debuggers must show the same values either way. */

struct triple {
    int a;
    int b;
    int c;
};

struct big {
    long long wide;
    char tag;
    int values[5];
};

static int sink;

int sum_triple(struct triple t) {
    int total = t.a + t.b + t.c; /* @triple */
    return total;
}

int weigh(struct big b, struct triple t, int k) {
    int total = (int)b.wide + b.tag + b.values[4] + t.c * k; /* @big */
    return total;
}

struct triple make(int n) {
    struct triple out = {n, n * 2, n * 3};
    return out; /* @make */
}

int run(int n) {
    struct triple t = {71296, 8, n};
    struct big b = {1LL << 40 | 7, 'x', {1, 2, 3, 4, 5}};
    sink = sum_triple(t);
    sink += weigh(b, make(n), 2);
    return sink;
}
