/* Host for the foundation tests: calls the generated chain; the callback walks the stack with the system
   unwinder (mode 1) or returns at once (mode 0, for single-stepping under a debugger). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unwind.h>

int jd_entry(int);
static int mode;

static _Unwind_Reason_Code print_frame(struct _Unwind_Context *context, void *arg) {
    (void)arg;
    printf("frame %#lx\n", (unsigned long)_Unwind_GetIP(context));
    return _URC_NO_REASON;
}

int jd_callback(int value) {
    if (mode == 1)
        _Unwind_Backtrace(print_frame, NULL);
    return value * 2;
}

int main(int argc, char **argv) {
    mode = argc > 1 ? atoi(argv[1]) : 0;
    printf("main %#lx\n", (unsigned long)(uintptr_t)&main);
    int result = jd_entry(10);
    printf("result %d\n", result);
    return 0;
}
