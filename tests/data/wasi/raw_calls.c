/* Raw preview-1 calls and the errno (or trap) wasmtime gives for each edge case. */
#include <stdio.h>
#include <wasi/api.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int32_t my_raise(int32_t);
int main(void) { setvbuf(stdout, 0, _IONBF, 0);
  __wasi_timestamp_t t; int r;
  for (int c = 0; c < 4; c++) { r = __wasi_clock_res_get(c, &t); printf("res %d r=%d %llu\n", c, r, r ? 0ULL : (unsigned long long)t);
    r = __wasi_clock_time_get(c, 1, &t); printf("time %d r=%d nonzero=%d\n", c, r, r ? -1 : t != 0); }
  printf("raise %d\n", my_raise(6));
  printf("yield %d\n", __wasi_sched_yield());
  __wasi_fd_t nfd; __wasi_size_t n; __wasi_roflags_t rof; __wasi_ciovec_t ci = {(const uint8_t*)"hi", 2}; __wasi_iovec_t io = {(uint8_t*)&t, 8};
  printf("sock_accept %d\n", __wasi_sock_accept(1, 0, &nfd));
  printf("sock_accept 9 %d\n", __wasi_sock_accept(9, 0, &nfd));
  printf("sock_recv %d\n", __wasi_sock_recv(1, &io, 1, 0, &n, &rof));
  printf("sock_send %d\n", __wasi_sock_send(1, &ci, 1, 0, &n));
  printf("sock_shutdown %d\n", __wasi_sock_shutdown(1, __WASI_SDFLAGS_RD));
  printf("sock_shutdown 3 %d\n", __wasi_sock_shutdown(3, __WASI_SDFLAGS_RD));
  int f = open("m.txt", O_CREAT|O_RDWR, 0644);
  printf("allocate %d\n", __wasi_fd_allocate(f, 0, 100));
  printf("advise %d\n", __wasi_fd_advise(f, 0, 100, __WASI_ADVICE_SEQUENTIAL));
  printf("set_rights %d\n", __wasi_fd_fdstat_set_rights(f, 0, 0));
  printf("set_flags append %d\n", __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_APPEND));
  printf("set_flags nonblock %d\n", __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_NONBLOCK));
  printf("set_flags sync %d\n", __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_SYNC));
  printf("set_flags stdout %d\n", __wasi_fd_fdstat_set_flags(1, __WASI_FDFLAGS_APPEND));
  __wasi_fdstat_t st; __wasi_fd_fdstat_get(f, &st); printf("flags now %d\n", st.fs_flags);
  __wasi_filesize_t off;
  printf("seek stdout %d\n", __wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &off));
  printf("tell stdout %d\n", __wasi_fd_tell(1, &off));
  printf("seek neg %d\n", __wasi_fd_seek(f, -5, __WASI_WHENCE_SET, &off));
  printf("seek end %d off=%llu\n", __wasi_fd_seek(f, 10, __WASI_WHENCE_END, &off), off);
  printf("sync %d datasync %d sync stdout %d datasync dir %d\n", __wasi_fd_sync(f), __wasi_fd_datasync(f), __wasi_fd_sync(1), __wasi_fd_datasync(3));
  printf("set_size %d\n", __wasi_fd_filestat_set_size(f, 7));
  printf("set_size stdout %d\n", __wasi_fd_filestat_set_size(1, 7));
  printf("set_times %d\n", __wasi_fd_filestat_set_times(f, 1000000000ULL, 2000000000ULL, __WASI_FSTFLAGS_ATIM|__WASI_FSTFLAGS_MTIM));
  printf("set_times bad %d\n", __wasi_fd_filestat_set_times(f, 1, 2, __WASI_FSTFLAGS_ATIM|__WASI_FSTFLAGS_ATIM_NOW));
  __wasi_filestat_t fs; __wasi_fd_filestat_get(f, &fs); printf("size %llu atim %llu mtim %llu nlink %llu type %d\n", fs.size, fs.atim, fs.mtim, fs.nlink, fs.filetype);
  printf("pwrite %d\n", __wasi_fd_pwrite(f, &ci, 1, 3, &n)); printf(" n=%u\n", n);
  printf("pread %d\n", __wasi_fd_pread(f, &io, 1, 0, &n)); printf(" n=%u\n", n);
  printf("pread stdout %d\n", __wasi_fd_pread(1, &io, 1, 0, &n));
  printf("read dir %d\n", __wasi_fd_read(3, &io, 1, &n));
  printf("write dir %d\n", __wasi_fd_write(3, &ci, 1, &n));
  printf("readdir file %d\n", __wasi_fd_readdir(f, (uint8_t*)&t, 8, 0, &n));
  printf("renumber to 40 %d\n", __wasi_fd_renumber(f, 40));
  printf("renumber onto %d\n", __wasi_fd_renumber(f, 1));
  printf("renumber bad %d\n", __wasi_fd_renumber(44, 1));
  printf("close preopen %d\n", __wasi_fd_close(3));
  printf("close again %d\n", __wasi_fd_close(3));
  printf("close stdin %d\n", __wasi_fd_close(0));
  printf("read stdin %d\n", __wasi_fd_read(0, &io, 1, &n));
  __wasi_fd_t o; printf("path_open stdout %d\n", __wasi_path_open(1, 0, "x", 0, 0, 0, 0, &o));
  printf("path_open bad fd %d\n", __wasi_path_open(99, 0, "x", 0, 0, 0, 0, &o));
  printf("path_open f %d\n", __wasi_path_open(f, 0, "x", 0, 0, 0, 0, &o));
  return 0;
}
