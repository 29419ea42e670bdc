/* Recursion, 64-bit integers, a switch and an enum: Fibonacci, factorial and a tiny evaluator. */
#include <stdio.h>

enum op { ADD, MUL, SUB };
struct expr { enum op op; long long left; long long right; };

static long long fib(int n) {
    if (n < 2) return n; /* @fib */
    return fib(n - 1) + fib(n - 2);
}

static unsigned long long factorial(unsigned n) {
    unsigned long long result = 1;
    for (unsigned k = 2; k <= n; k++) result *= k;
    return result; /* @factorial */
}

static long long eval(struct expr e) {
    switch (e.op) {
    case ADD: return e.left + e.right;
    case MUL: return e.left * e.right; /* @mul */
    default: return e.left - e.right;
    }
}

int main(void) {
    struct expr e = {MUL, fib(10), (long long)factorial(15)};
    long long value = eval(e);
    printf("%lld\n", value); /* @value */
    return 0;
}
