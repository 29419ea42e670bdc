/* Line input: numbers on stdin, their sum and count; a bad line goes to stderr. */
#include <stdio.h>
int main(void) {
  char line[128]; long sum = 0; int count = 0, bad = 0;
  while (fgets(line, sizeof line, stdin)) {
    long v;
    if (sscanf(line, "%ld", &v) == 1) { sum += v; count++; }
    else { fprintf(stderr, "not a number: %s", line); bad++; }
  }
  printf("count %d sum %ld\n", count, sum);
  return bad;
}
