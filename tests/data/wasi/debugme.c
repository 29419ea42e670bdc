/* A WASI program to debug: a struct, a helper, a loop, output through fd_write, an exit status. */
#include <stdio.h>
#include <stdlib.h>

struct point {
  int x;
  int y;
};

__attribute__((noinline)) static int scale(struct point *p, int factor) {
  int sum = p->x * factor;
  sum += p->y * factor;
  return sum;
}

int main(int argc, char **argv) {
  struct point origin = {argc + 2, argc + 3}; /* {3, 4} without arguments */
  int total = 0;
  for (int i = 1; i <= 3; i++) {
    total += scale(&origin, i);
  }
  printf("total %d from %s\n", total, argv[0]);
  fflush(stdout);
  exit(total % 5);
}
