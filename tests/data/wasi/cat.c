/* stdin to stdout in chunks; the line count to stderr. */
#include <stdio.h>
#include <unistd.h>
int main(void) {
  char buf[7];
  ssize_t n;
  long lines = 0, bytes = 0;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) lines += buf[i] == '\n';
    bytes += n;
    write(1, buf, (size_t)n);
  }
  fprintf(stderr, "%ld lines, %ld bytes, last read %zd\n", lines, bytes, n);
  return 0;
}
