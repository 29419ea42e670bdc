/* Many small writes: a printf loop (also the benchmark's WASI row). argv[1] lines, unbuffered when argv[2]. */
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  int lines = argc > 1 ? atoi(argv[1]) : 1000;
  if (argc > 2) setvbuf(stdout, NULL, _IONBF, 0);
  for (int i = 0; i < lines; i++) printf("line %d of %d\n", i, lines);
  return 0;
}
