// C++ exceptions thrown through Wasm frames and caught in C++: destructors run on the way, handlers by type,
// catch (...), a rethrow. Built for wasm32-wasi with -fwasm-exceptions (and wasm_cxx_eh.cpp) and natively by g++.
#include <stdio.h>

struct Error {
    int code;
    double weight;
};

struct Guard {
    int level;
    ~Guard() { printf("unwound level %d\n", level); }
};

static int descend(int n) {
    Guard guard{n};
    if (n == 0)
        throw Error{42, 2.5}; // @throw
    return descend(n - 1) + 1;
}

static int pick(int n) {
    if (n > 1)
        throw n * 10;
    return n;
}

static int relay(int n) {
    try {
        return descend(n);
    } catch (const Error &e) {
        printf("relay saw %d\n", e.code);
        throw;
    }
}

int main() {
    int caught = 0;
    try {
        descend(3);
    } catch (const Error &e) {
        caught += e.code; // @caught
        printf("caught Error %d %.2f\n", e.code, e.weight);
    }
    try {
        pick(5);
    } catch (const Error &) {
        puts("wrong handler");
    } catch (int value) {
        caught += value;
        printf("caught int %d\n", value);
    }
    try {
        pick(9);
    } catch (...) {
        puts("caught something");
    }
    try {
        relay(2);
    } catch (Error e) {
        printf("caught again %d\n", e.code);
    }
    printf("total %d\n", caught);
    return caught % 7;
}
