// Test host for hand-made functions with Windows x64 unwind info (linked in from a COFF object, loaded from a
// DLL, or registered at run time with RtlAddFunctionTable). The generated "cases.h" lists each case: its entry
// function and the chain of functions expected on the stack, innermost last, and init_cases(), which fills in
// their addresses.
//
// For every case, canary_call (canary.S) runs the entry with all non-volatile registers set to patterns:
//   mode 0: host_callback walks the stack with RtlLookupFunctionEntry + RtlVirtualUnwind, checks each frame is
//           the expected function, checks the patterns are restored in the context unwound to canary_call, and
//           that the walk reaches main;
//   mode 1: host_callback throws a C++ exception; on its way through canary_call a cleanup landing pad checks the
//           registers and resumes the unwind; main catches the exception with its type and message;
//   mode 2: the entry takes its early return.
// Prints one line per case and check; exits 0 only if every check passed.
#include <windows.h>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

typedef long long (*test_fn)(long long);

struct Case {
    const char *name;
    int depth;
    int early_return;  // the entry has a mid-function early return taken when mode == 2
    uintptr_t functions[16];
    unsigned sizes[16];
};

extern "C" {
long long canary_call(test_fn fn, long long mode);
extern char canary_call_end[];
extern uint64_t canary_mismatch, canary_result;
extern int canary_landed;
extern const uint64_t canary_gpr[8];
extern const unsigned char canary_xmm[10][16];
__declspec(dllexport) long long host_callback(long long mode);
}

#include "cases.h"

int main();

static const Case *current;
static int walk_failures;

static uint64_t context_mismatch(const CONTEXT &ctx) {
    const DWORD64 gpr[8] = {ctx.Rbx, ctx.Rbp, ctx.Rsi, ctx.Rdi, ctx.R12, ctx.R13, ctx.R14, ctx.R15};
    const M128A *xmm = &ctx.Xmm6;
    uint64_t mask = 0;
    for (int i = 0; i < 8; ++i)
        if (gpr[i] != canary_gpr[i]) mask |= 1ull << i;
    for (int i = 0; i < 10; ++i)
        if (memcmp(&xmm[i], canary_xmm[i], 16)) mask |= 1ull << (8 + i);
    return mask;
}

static bool inside(DWORD64 pc, uintptr_t start, unsigned size) { return pc >= start && pc < start + size; }

extern "C" __declspec(dllexport) __attribute__((noinline)) long long host_callback(long long mode) {
    if (mode == 1) throw std::runtime_error("thrown by the host");
    CONTEXT ctx;
    RtlCaptureContext(&ctx);
    DWORD64 main_base;
    PRUNTIME_FUNCTION main_entry = RtlLookupFunctionEntry((DWORD64)(uintptr_t)&main, &main_base, nullptr);
    int expected = current->depth - 1;  // innermost test function first
    bool reached_canary = false, reached_main = false;
    for (int step = 0; step < 64 && !reached_main; ++step) {
        DWORD64 base;
        PRUNTIME_FUNCTION entry = RtlLookupFunctionEntry(ctx.Rip, &base, nullptr);
        if (!entry) {
            ctx.Rip = *(DWORD64 *)ctx.Rsp;
            ctx.Rsp += 8;
        } else {
            void *data;
            DWORD64 frame;
            RtlVirtualUnwind(UNW_FLAG_NHANDLER, base, ctx.Rip, entry, &ctx, &data, &frame, nullptr);
        }
        if (ctx.Rip == 0) break;
        if (expected >= 0) {
            if (!inside(ctx.Rip, current->functions[expected], current->sizes[expected])) {
                printf("case %s walk: frame %d pc %p is not in function %d\n", current->name, step,
                       (void *)ctx.Rip, expected);
                ++walk_failures;
                return 0;
            }
            --expected;
        } else if (!reached_canary) {
            if (!inside(ctx.Rip, (uintptr_t)&canary_call, (unsigned)(canary_call_end - (char *)&canary_call))) {
                printf("case %s walk: pc %p after the test frames is not canary_call\n", current->name,
                       (void *)ctx.Rip);
                ++walk_failures;
                return 0;
            }
            reached_canary = true;
            uint64_t mask = context_mismatch(ctx);
            if (mask) {
                printf("case %s walk: registers not restored, mask %#llx\n", current->name,
                       (unsigned long long)mask);
                ++walk_failures;
            }
        } else {
            DWORD64 b2;
            PRUNTIME_FUNCTION e2 = RtlLookupFunctionEntry(ctx.Rip, &b2, nullptr);
            reached_main = e2 && main_entry && e2->BeginAddress == main_entry->BeginAddress && b2 == main_base;
        }
    }
    if (!reached_main) {
        printf("case %s walk: never reached main\n", current->name);
        ++walk_failures;
    }
    return 1000;
}

int main() {
    setvbuf(stdout, nullptr, _IONBF, 0);  // a crash must not swallow the lines already printed
    init_cases();  // from cases.h: resolves each case's function addresses (linked, DLL export or run-time)
    int failures = 0;
    for (const Case &c : cases) {
        current = &c;
        test_fn entry = (test_fn)c.functions[0];

        walk_failures = 0;
        long long result = canary_call(entry, 0);
        bool ok = result == 1000 && canary_mismatch == 0 && !canary_landed && walk_failures == 0;
        printf("case %s walk %s (result %lld, mismatch %#llx)\n", c.name, ok ? "ok" : "FAILED", result,
               (unsigned long long)canary_mismatch);
        failures += !ok;

        bool caught = false, returned = false;
        try {
            canary_call(entry, 1);
            returned = true;
        } catch (const std::runtime_error &e) {
            caught = strcmp(e.what(), "thrown by the host") == 0;
        }
        ok = caught && !returned && canary_landed && canary_mismatch == 0;
        printf("case %s throw %s (caught in main %d, canary pad ran %d, mismatch %#llx)\n", c.name,
               ok ? "ok" : "FAILED", caught, canary_landed, (unsigned long long)canary_mismatch);
        failures += !ok;

        if (c.early_return) {
            result = canary_call(entry, 2);
            ok = result == 7 && canary_mismatch == 0;
            printf("case %s early %s (result %lld, mismatch %#llx)\n", c.name, ok ? "ok" : "FAILED", result,
                   (unsigned long long)canary_mismatch);
            failures += !ok;
        }
    }
    printf("%d failures\n", failures);
    return failures ? 1 : 0;
}
