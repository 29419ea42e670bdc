/* stdio, argv, environment, exit status. */
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  printf("hello, world\n");
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  const char *v = getenv("GREETING"); printf("GREETING=%s\n", v ? v : "(unset)");
  fprintf(stderr, "to stderr\n");
  return argc > 2 ? 7 : 0;
}
