/* Directories: make, list (sorted), remove, and their failure paths. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
static int compare(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void list(const char *path) {
  DIR *d = opendir(path);
  if (!d) { printf("opendir %s: %s\n", path, strerror(errno)); return; }
  char *names[64]; int n = 0; struct dirent *e;
  while ((e = readdir(d)) && n < 64) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof *names, compare);
  printf("%s:", path);
  for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
  printf("\n");
}
int main(void) {
  printf("mkdir a %d\n", mkdir("a", 0755));
  printf("mkdir a/b %d\n", mkdir("a/b", 0755));
  printf("mkdir a again %d %s\n", mkdir("a", 0755), strerror(errno));
  printf("mkdir x/y %d %s\n", mkdir("x/y", 0755), strerror(errno));
  FILE *f = fopen("a/b/leaf.txt", "w"); fputs("leaf\n", f); fclose(f);
  list("."); list("a"); list("a/b"); list("sub"); list("nothere");
  printf("rmdir a %d %s\n", rmdir("a"), strerror(errno));
  printf("unlink a/b/leaf.txt %d\n", unlink("a/b/leaf.txt"));
  printf("rmdir a/b %d\n", rmdir("a/b"));
  printf("rmdir input.txt %d %s\n", rmdir("input.txt"), strerror(errno));
  struct stat st;
  printf("stat a %d dir %d\n", stat("a", &st), S_ISDIR(st.st_mode));
  printf("stat sub/a.txt %d size %lld\n", stat("sub/a.txt", &st), (long long)st.st_size);
  list("a");
  return 0;
}
