/* path_open with every oflag, fdflag and the rights wasi-libc asks for: errno, then the fdstat wasmtime reports. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>
static void try_open(const char *what, const char *path, __wasi_lookupflags_t lookup, __wasi_oflags_t oflags,
                     __wasi_rights_t base, __wasi_fdflags_t fdflags) {
  __wasi_fd_t fd;
  __wasi_errno_t r = __wasi_path_open(3, lookup, path, oflags, base, base, fdflags, &fd);
  printf("%-26s r=%d", what, r);
  if (r == 0) {
    __wasi_fdstat_t st;
    __wasi_fd_fdstat_get(fd, &st);
    printf(" type=%d flags=%d base=%llx inh=%llx", st.fs_filetype, st.fs_flags, (unsigned long long)st.fs_rights_base, (unsigned long long)st.fs_rights_inheriting);
    __wasi_size_t n = 0;
    __wasi_ciovec_t io = {(const uint8_t *)"w", 1};
    printf(" write=%d", __wasi_fd_write(fd, &io, 1, &n));
    char b[4]; __wasi_iovec_t in = {(uint8_t *)b, sizeof b};
    printf(" read=%d", __wasi_fd_read(fd, &in, 1, &n));
    __wasi_fd_close(fd);
  }
  printf("\n");
}
int main(void) {
  const __wasi_rights_t R = __WASI_RIGHTS_FD_READ, W = __WASI_RIGHTS_FD_WRITE, RW = R | W;
  try_open("read", "input.txt", 0, 0, R, 0);
  try_open("write", "input.txt", 0, 0, W, 0);
  try_open("read+write", "input.txt", 0, 0, RW, 0);
  try_open("no rights", "input.txt", 0, 0, 0, 0);
  try_open("creat", "new1.txt", 0, __WASI_OFLAGS_CREAT, W, 0);
  try_open("creat excl again", "new1.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, W, 0);
  try_open("excl without creat", "new1.txt", 0, __WASI_OFLAGS_EXCL, W, 0);
  try_open("trunc", "new1.txt", 0, __WASI_OFLAGS_TRUNC, W, 0);
  try_open("trunc read-only", "input.txt", 0, __WASI_OFLAGS_TRUNC, R, 0);
  try_open("directory on dir", "sub", 0, __WASI_OFLAGS_DIRECTORY, R, 0);
  try_open("directory on file", "input.txt", 0, __WASI_OFLAGS_DIRECTORY, R, 0);
  try_open("dir for writing", "sub", 0, 0, W, 0);
  try_open("dir plain", "sub", 0, 0, R, 0);
  try_open("append", "new1.txt", 0, 0, W, __WASI_FDFLAGS_APPEND);
  try_open("nonblock", "input.txt", 0, 0, R, __WASI_FDFLAGS_NONBLOCK);
  try_open("dsync", "new1.txt", 0, 0, W, __WASI_FDFLAGS_DSYNC);
  try_open("sync", "new1.txt", 0, 0, W, __WASI_FDFLAGS_SYNC);
  try_open("rsync", "input.txt", 0, 0, R, __WASI_FDFLAGS_RSYNC);
  try_open("symlink nofollow", "link_in", 0, 0, R, 0);
  try_open("symlink follow", "link_in", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, R, 0);
  try_open("dangling creat", "dangling", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_CREAT, W, 0);
  try_open("empty path", "", 0, 0, R, 0);
  try_open("dot", ".", 0, 0, R, 0);
  try_open("trailing slash file", "input.txt/", 0, 0, R, 0);
  try_open("trailing slash dir", "sub/", 0, 0, R, 0);
  try_open("creat dir path", "newdir/", 0, __WASI_OFLAGS_CREAT, W, 0);
  return 0;
}
