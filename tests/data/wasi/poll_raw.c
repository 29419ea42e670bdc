/* poll_oneoff directly: clock subscriptions (relative, absolute in the past), fd readiness of files, a bad fd,
 * the events' userdata, type, error and nbytes. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>
static void show(const char *what, __wasi_subscription_t *subs, int n) {
  __wasi_event_t ev[8]; __wasi_size_t got = 0;
  memset(ev, 0, sizeof ev);
  int r = __wasi_poll_oneoff(subs, ev, n, &got);
  printf("%s: r=%d events=%u\n", what, r, (unsigned)got);
  for (unsigned i = 0; i < got; i++)
    printf("  userdata=%llu error=%d type=%d nbytes=%llu flags=%d\n", (unsigned long long)ev[i].userdata,
           ev[i].error, ev[i].type, (unsigned long long)ev[i].fd_readwrite.nbytes, ev[i].fd_readwrite.flags);
}
int main(void) {
  __wasi_subscription_t s[4];
  memset(s, 0, sizeof s);
  s[0].userdata = 11; s[0].u.tag = __WASI_EVENTTYPE_CLOCK; s[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s[0].u.u.clock.timeout = 5000000;
  show("relative 5ms", s, 1);
  s[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME; s[0].u.u.clock.timeout = 1;
  show("absolute past", s, 1);
  s[0].u.u.clock.id = __WASI_CLOCKID_REALTIME; s[0].u.u.clock.flags = 0; s[0].u.u.clock.timeout = 1000;
  show("realtime relative", s, 1);
  int fd = open("input.txt", O_RDONLY);
  int wfd = open("out.txt", O_WRONLY | O_CREAT, 0644);
  s[0].userdata = 21; s[0].u.tag = __WASI_EVENTTYPE_FD_READ; s[0].u.u.fd_read.file_descriptor = fd;
  s[1].userdata = 22; s[1].u.tag = __WASI_EVENTTYPE_FD_WRITE; s[1].u.u.fd_write.file_descriptor = wfd;
  /* One descriptor per call: when reads of files and writes or due clocks meet in one call, which of them
   * wasmtime reports depends on when its reading thread completes (a race, not a rule to compare). */
  show("file read", s, 1);
  show("file write", s + 1, 1);
  s[2].userdata = 23; s[2].u.tag = __WASI_EVENTTYPE_FD_READ; s[2].u.u.fd_read.file_descriptor = 99;
  show("with a bad fd", s + 1, 2);
  s[0].u.u.fd_read.file_descriptor = 3;
  show("preopen dir", s, 1);
  show("none", s, 0);
  return 0;
}
