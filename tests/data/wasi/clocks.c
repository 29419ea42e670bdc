/* Clocks and sleeping: only properties are printed (the outputs are compared with wasmtime's). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }
int main(void) {
  struct timespec a, b, r;
  printf("realtime %d\n", clock_gettime(CLOCK_REALTIME, &a));
  printf("after 2020: %d\n", a.tv_sec > 1577836800);
  printf("monotonic %d\n", clock_gettime(CLOCK_MONOTONIC, &a));
  struct timespec nap = {0, 20 * 1000 * 1000};
  printf("nanosleep %d\n", nanosleep(&nap, NULL));
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("slept at least 20 ms: %d\n", ns(b) - ns(a) >= 20000000);
  printf("res monotonic %d positive %d\n", clock_getres(CLOCK_MONOTONIC, &r), ns(r) > 0);
  printf("res realtime %d positive %d\n", clock_getres(CLOCK_REALTIME, &r), ns(r) > 0);
  errno = 0;
  int cpu = clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
  printf("process cputime %d %s\n", cpu, cpu ? strerror(errno) : "");
  errno = 0;
  cpu = clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
  printf("thread cputime %d %s\n", cpu, cpu ? strerror(errno) : "");
  printf("usleep %d\n", usleep(1000));
  time_t now = time(NULL);
  printf("time() sane %d\n", now > 1577836800);
  return 0;
}
