/* fd_fdstat_get, fd_prestat_get, fd_filestat_get on stdio, preopens and files: rights as wasmtime reports them. */
#include <stdio.h>
#include <wasi/api.h>
#include <fcntl.h>
#include <errno.h>
#include <string.h>
int main(int argc, char **argv) {
  for (int fd = 0; fd < 5; fd++) {
    __wasi_fdstat_t st; int r = __wasi_fd_fdstat_get(fd, &st);
    printf("fd %d r=%d type=%d flags=%d base=%llx inh=%llx\n", fd, r, st.fs_filetype, st.fs_flags, (unsigned long long)st.fs_rights_base, (unsigned long long)st.fs_rights_inheriting);
    __wasi_prestat_t ps; r = __wasi_fd_prestat_get(fd, &ps); printf(" prestat r=%d tag=%d len=%d\n", r, ps.tag, (int)ps.u.dir.pr_name_len);
  }
  int f = open("x.txt", O_CREAT|O_WRONLY, 0644); printf("open %d errno %d\n", f, errno);
  __wasi_fdstat_t st; int r = __wasi_fd_fdstat_get(f, &st);
  printf("file r=%d type=%d flags=%d base=%llx inh=%llx\n", r, st.fs_filetype, st.fs_flags, (unsigned long long)st.fs_rights_base, (unsigned long long)st.fs_rights_inheriting);
  __wasi_filestat_t fs; r = __wasi_fd_filestat_get(1, &fs); printf("stdout filestat r=%d type=%d dev=%llu ino=%llu nlink=%llu size=%llu\n", r, fs.filetype, fs.dev, fs.ino, fs.nlink, fs.size);
  r = __wasi_fd_filestat_get(3, &fs); printf("dir filestat r=%d type=%d nlink=%llu\n", r, fs.filetype, fs.nlink);
  return 3;
}
