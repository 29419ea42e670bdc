/* rename, hard links, symlinks, readlink; lstat vs stat. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  FILE *f = fopen("orig.txt", "w"); fputs("original\n", f); fclose(f);
  printf("rename %d\n", rename("orig.txt", "moved.txt"));
  printf("rename missing %d %s\n", rename("orig.txt", "x"), strerror(errno));
  printf("link %d\n", link("moved.txt", "hard.txt"));
  struct stat st; stat("moved.txt", &st); printf("nlink %lu\n", (unsigned long)st.st_nlink);
  printf("link exists %d %s\n", link("moved.txt", "hard.txt"), strerror(errno));
  printf("symlink %d\n", symlink("moved.txt", "soft.txt"));
  char buf[64]; ssize_t n = readlink("soft.txt", buf, sizeof buf);
  printf("readlink %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
  n = readlink("soft.txt", buf, 3); printf("readlink short %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
  printf("readlink file %zd %s\n", readlink("moved.txt", buf, sizeof buf), strerror(errno));
  lstat("soft.txt", &st); printf("lstat link %d\n", S_ISLNK(st.st_mode));
  stat("soft.txt", &st); printf("stat reg %d size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
  f = fopen("soft.txt", "r"); printf("through link: %s", fgets(buf, sizeof buf, f)); fclose(f);
  mkdir("dir", 0755);
  printf("rename into dir %d\n", rename("hard.txt", "dir/hard.txt"));
  printf("rename dir over file %d %s\n", rename("dir", "moved.txt"), strerror(errno));
  printf("rename file over dir %d %s\n", rename("moved.txt", "dir"), strerror(errno));
  printf("unlink link %d\n", unlink("soft.txt"));
  printf("symlink dangling %d\n", symlink("nowhere", "dangling"));
  printf("open dangling %p %s\n", (void *)fopen("dangling", "r"), strerror(errno));
  printf("rename link_in %d\n", rename("link_in", "link_in2"));
  n = readlink("link_in2", buf, sizeof buf); printf("readlink moved link %.*s\n", (int)(n > 0 ? n : 0), buf);
  return 0;
}
