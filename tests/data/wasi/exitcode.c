/* Exit paths: return from main, exit() from a nested call with atexit handlers, _Exit; argv[1] picks one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static void bye(void) { printf("atexit handler ran\n"); }
static void deep(int n, int code) { if (n == 0) { printf("exiting with %d\n", code); exit(code); } deep(n - 1, code); }
int main(int argc, char **argv) {
  atexit(bye);
  const char *how = argc > 1 ? argv[1] : "return";
  if (!strcmp(how, "exit")) deep(10, atoi(argv[2]));
  if (!strcmp(how, "_Exit")) { printf("unflushed"); _Exit(9); }
  printf("returning %d\n", argc);
  return argc;
}
