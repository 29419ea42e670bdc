/* File times set and read back (fixed values: the outputs are compared). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
int main(void) {
  int fd = open("t.txt", O_CREAT | O_WRONLY, 0644);
  struct timespec ts[2] = {{1000000000, 123456789}, {1200000000, 5}};
  printf("futimens %d\n", futimens(fd, ts));
  struct stat st; fstat(fd, &st);
  printf("atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
         (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  close(fd);
  struct timespec only_m[2] = {{0, UTIME_OMIT}, {1300000000, 0}};
  printf("utimensat %d\n", utimensat(AT_FDCWD, "t.txt", only_m, 0));
  stat("t.txt", &st);
  printf("atime %lld mtime %lld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec);
  struct timeval tv[2] = {{1400000000, 0}, {1500000000, 0}};
  printf("utimes %d\n", utimes("t.txt", tv));
  stat("t.txt", &st);
  printf("atime %lld mtime %lld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec);
  symlink("t.txt", "tl");
  struct timespec link_times[2] = {{1600000000, 0}, {1600000000, 0}};
  printf("utimensat nofollow %d\n", utimensat(AT_FDCWD, "tl", link_times, AT_SYMLINK_NOFOLLOW));
  stat("t.txt", &st);
  printf("target mtime %lld\n", (long long)st.st_mtim.tv_sec);
  return 0;
}
