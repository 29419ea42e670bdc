/* A C host for the demo module compiled ahead of time: it provides the import and calls the exports. */
#include <stdio.h>
#include "demo.h"

int32_t host_probe(int32_t calls) { return calls * 1000; }

int main(void) {
    printf("descend(100) = %d\n", descend(100));
    printf("fib(20) = %lld\n", (long long)fib(20));
    printf("divide(7) = %d\n", divide(7));
    fflush(stdout);
    /* Traps: the object's default hook prints the trap and aborts. */
    printf("divide(0) = %d\n", divide(0));
    return 0;
}
