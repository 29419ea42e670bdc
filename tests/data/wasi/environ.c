/* The environment: every variable given, then setenv/unsetenv inside the program. */
#include <stdio.h>
#include <stdlib.h>
extern char **environ;
int main(void) {
  for (char **e = environ; *e; e++) printf("env %s\n", *e);
  setenv("ADDED", "1", 1);
  unsetenv("FIRST");
  printf("ADDED=%s FIRST=%s\n", getenv("ADDED"), getenv("FIRST") ? getenv("FIRST") : "(unset)");
  return 0;
}
