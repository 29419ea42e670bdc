/* fd_readdir directly: cookies, small buffers (truncated entries), d_type, d_ino of "." and ".."; the names
 * sorted, then in the host's order (the same tree built the same way on both sides). */
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>
int main(void) {
  int fd = open("sub", O_RDONLY | O_DIRECTORY);
  uint8_t buf[4096]; __wasi_size_t used;
  int r = __wasi_fd_readdir(fd, buf, sizeof buf, 0, &used);
  printf("readdir r=%d\n", r);
  int entries = 0; char seen[16][64];
  for (size_t at = 0; at + sizeof(__wasi_dirent_t) <= used;) {
    __wasi_dirent_t d; memcpy(&d, buf + at, sizeof d);
    at += sizeof d;
    snprintf(seen[entries], 64, "%.*s type=%d", (int)d.d_namlen, (char *)buf + at, d.d_type);
    at += d.d_namlen; entries++;
  }
  qsort(seen, entries, 64, (int (*)(const void *, const void *))strcmp);
  for (int i = 0; i < entries; i++) printf("  %s\n", seen[i]);
  struct stat self;
  fstat(fd, &self);
  for (size_t at = 0; at + sizeof(__wasi_dirent_t) <= used;) {
    __wasi_dirent_t d; memcpy(&d, buf + at, sizeof d);
    at += sizeof d;
    printf("  raw %.*s next=%llu own inode=%d\n", (int)d.d_namlen, (char *)buf + at, (unsigned long long)d.d_next,
           d.d_ino == self.st_ino);
    at += d.d_namlen;
  }
  r = __wasi_fd_readdir(fd, buf, 30, 0, &used);
  printf("small buffer r=%d used=%u\n", r, (unsigned)used);
  r = __wasi_fd_readdir(fd, buf, sizeof buf, 2, &used);
  printf("from cookie 2 r=%d nonempty=%d\n", r, used > 0);
  r = __wasi_fd_readdir(fd, buf, sizeof buf, 1000, &used);
  printf("past the end r=%d used=%u\n", r, (unsigned)used);
  return 0;
}
