/* random_get through getentropy and arc4random: properties only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(void) {
  unsigned char a[64], b[64];
  printf("getentropy %d\n", getentropy(a, sizeof a));
  printf("getentropy %d\n", getentropy(b, sizeof b));
  printf("differ %d\n", memcmp(a, b, sizeof a) != 0);
  printf("too long %d\n", getentropy(a, 257));
  int zeros = 0;
  for (int i = 0; i < 64; i++) zeros += a[i] == 0;
  printf("not all zero %d\n", zeros < 64);
  unsigned x = arc4random(), y = arc4random();
  printf("arc4random differ %d\n", x != y);
  printf("uniform in range %d\n", arc4random_uniform(10) < 10);
  return 0;
}
