/* Calls whose value is not used, then the next statement: `finish` out of them stops on that statement's line,
 * at its start, as in a native build (tests/test_cdebug_returns.py). */
#include <stdio.h>

static int total;

__attribute__((noinline)) void bump(int by) {
  total += by;
}

__attribute__((noinline)) int twice(int x) {
  total += x;
  return 2 * x;
}

__attribute__((noinline)) void both(int k) {
  bump(k);
  twice(7);
  total -= 1;
}

int main(void) {
  int n = 3;
  bump(n);
  n = n + total;
  twice(n);
  n = twice(n);
  both(n);
  printf("%d %d\n", total, n);
  return 0;
}
