/* poll_oneoff on the standard streams, as wasmtime answers it: stdin read readiness with a clock (data waiting,
 * end of file, nothing yet: the clock), then a read; stdout and stderr write readiness; a second poll after the
 * stream is drained. The test runs it with stdin a pipe (with data, closed empty, held open), /dev/null, a file. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>
static void show(const char *what, __wasi_subscription_t *subs, int n) {
  __wasi_event_t ev[4]; __wasi_size_t got = 0;
  memset(ev, 0, sizeof ev);
  int r = __wasi_poll_oneoff(subs, ev, n, &got);
  printf("%s: r=%d events=%u\n", what, r, (unsigned)got);
  for (unsigned i = 0; i < got; i++)
    printf("  userdata=%llu error=%d type=%d nbytes=%llu flags=%d\n", (unsigned long long)ev[i].userdata,
           ev[i].error, ev[i].type, (unsigned long long)ev[i].fd_readwrite.nbytes, ev[i].fd_readwrite.flags);
  fflush(stdout); /* the test writes to a held-open stdin only after the clock has fired */
}
static void stdin_with_clock(const char *what) {
  __wasi_subscription_t s[2];
  memset(s, 0, sizeof s);
  s[0].userdata = 1; s[0].u.tag = __WASI_EVENTTYPE_FD_READ; s[0].u.u.fd_read.file_descriptor = 0;
  s[1].userdata = 2; s[1].u.tag = __WASI_EVENTTYPE_CLOCK; s[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s[1].u.u.clock.timeout = 300000000;
  show(what, s, 2);
}
static void stdin_and_stdout(const char *what) {
  __wasi_subscription_t s[2];
  memset(s, 0, sizeof s);
  s[0].userdata = 5; s[0].u.tag = __WASI_EVENTTYPE_FD_READ; s[0].u.u.fd_read.file_descriptor = 0;
  s[1].userdata = 6; s[1].u.tag = __WASI_EVENTTYPE_FD_WRITE; s[1].u.u.fd_write.file_descriptor = 1;
  show(what, s, 2);
}
int main(void) {
  stdin_and_stdout("stdin and stdout");
  stdin_with_clock("stdin and a clock");
  char buf[256];
  ssize_t got = read(0, buf, sizeof buf);
  printf("read %zd\n", got);
  if (got > 0) {
    got = read(0, buf, sizeof buf);
    printf("read again %zd\n", got);
  }
  stdin_with_clock("stdin drained");
  __wasi_subscription_t w[2];
  memset(w, 0, sizeof w);
  w[0].userdata = 3; w[0].u.tag = __WASI_EVENTTYPE_FD_WRITE; w[0].u.u.fd_write.file_descriptor = 1;
  w[1].userdata = 4; w[1].u.tag = __WASI_EVENTTYPE_FD_WRITE; w[1].u.u.fd_write.file_descriptor = 2;
  fflush(stdout);
  show("stdout", w, 1);
  show("stderr", w + 1, 1);
  return 0;
}
