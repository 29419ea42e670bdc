/* Failure paths as a user sees them: perror and strerror texts on stderr. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  if (!fopen("missing.txt", "r")) perror("fopen missing.txt");
  if (open("input.txt/x", O_RDONLY) < 0) perror("open input.txt/x");
  if (open("sub", O_WRONLY) < 0) perror("open sub for writing");
  if (mkdir("sub", 0755) < 0) perror("mkdir sub");
  if (unlink("sub") < 0) perror("unlink sub");
  if (rmdir("sub") < 0) perror("rmdir sub");
  if (chdir("sub") < 0) perror("chdir sub");
  char buf[8];
  if (read(42, buf, 1) < 0) perror("read fd 42");
  if (close(42) < 0) perror("close fd 42");
  if (lseek(1, 0, SEEK_SET) < 0) perror("lseek stdout");
  FILE *f = fopen("/abs/path", "r");
  if (!f) perror("fopen /abs/path");
  fprintf(stderr, "done, errno names: %s | %s\n", strerror(ENOTCAPABLE), strerror(EPERM));
  return 3;
}
