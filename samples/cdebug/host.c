/* Calls the module's export through the AOT C ABI (or, natively built, the C function itself). */
#include <stdint.h>
#include <stdio.h>

int32_t run(int32_t n);

int main(void) {
    printf("%d\n", run(3));
    return 0;
}
