/* poll_oneoff: stdin readiness, timeouts, and a write-ready stdout. */
#include <poll.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
  struct pollfd p[2] = {{0, POLLIN, 0}, {1, POLLOUT, 0}};
  int n = poll(p, 2, 1000);
  /* Whether piped stdin is reported ready at once differs (wasmtime reads it through a worker thread). */
  printf("poll ready %d stdout %s\n", n >= 1, (p[1].revents & POLLOUT) ? "writable" : "-");
  char buf[64];
  ssize_t got = read(0, buf, sizeof buf);
  printf("read %zd\n", got);
  struct pollfd none[1] = {{-1, POLLIN, 0}};
  printf("poll timeout %d\n", poll(none, 0, 30));
  return 0;
}
