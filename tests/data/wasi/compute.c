/* Pure computation with heap growth: sorting, floats, string formatting, large allocations (memory.grow). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct point { int x; double y; const char *name; };
static int by_y(const void *a, const void *b) {
  double d = ((const struct point *)a)->y - ((const struct point *)b)->y;
  return (d > 0) - (d < 0);
}
int main(void) {
  struct point pts[5] = {{1, 2.5, "a"}, {2, -1.25, "b"}, {3, 1e10, "c"}, {4, 0.1, "d"}, {5, -7, "e"}};
  qsort(pts, 5, sizeof *pts, by_y);
  for (int i = 0; i < 5; i++) printf("%s %d %.3f %g\n", pts[i].name, pts[i].x, pts[i].y, sqrt(fabs(pts[i].y)));
  size_t big = 8 << 20;
  char *p = malloc(big);
  memset(p, 7, big);
  long sum = 0;
  for (size_t i = 0; i < big; i += 4096) sum += p[i];
  printf("sum %ld\n", sum);
  free(p);
  printf("%s %e %.17g %a\n", "floats", 1.0 / 3, M_PI, 0.5);
  printf("strtod %g atoi %d\n", strtod("2.5e3", NULL), atoi("-42"));
  return 0;
}
