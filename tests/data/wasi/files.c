/* Create, write, read back, append, seek, truncate: the resulting files are compared too. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  FILE *f = fopen("notes.txt", "w");
  for (int i = 0; i < 5; i++) fprintf(f, "note %d\n", i);
  fclose(f);
  f = fopen("notes.txt", "a");
  fputs("appended\n", f);
  fclose(f);
  f = fopen("notes.txt", "r");
  char line[64];
  while (fgets(line, sizeof line, f)) printf("read: %s", line);
  fseek(f, 5, SEEK_SET);
  printf("at %ld: %c\n", ftell(f), fgetc(f));
  fseek(f, -9, SEEK_END);
  printf("from end: %s", fgets(line, sizeof line, f));
  fclose(f);
  int fd = open("data.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
  unsigned char bytes[256];
  for (int i = 0; i < 256; i++) bytes[i] = (unsigned char)i;
  printf("wrote %zd\n", write(fd, bytes, sizeof bytes));
  printf("pwrite %zd\n", pwrite(fd, "XYZ", 3, 10));
  char back[4] = {0};
  printf("pread %zd %s\n", pread(fd, back, 3, 10), back);
  printf("lseek end %lld\n", (long long)lseek(fd, 0, SEEK_END));
  printf("ftruncate %d\n", ftruncate(fd, 100));
  struct stat st;
  fstat(fd, &st);
  printf("size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  close(fd);
  printf("truncate %d\n", truncate("notes.txt", 12));
  stat("notes.txt", &st);
  printf("notes size %lld\n", (long long)st.st_size);
  fd = open("input.txt", O_RDONLY);
  ssize_t n = read(fd, line, sizeof line - 1);
  line[n > 0 ? n : 0] = 0;
  printf("input: %s", line);
  printf("write to read-only fd: %zd\n", write(fd, "x", 1));
  close(fd);
  fd = open("excl.txt", O_CREAT | O_EXCL | O_WRONLY, 0600);
  printf("excl first %d\n", fd >= 0);
  printf("excl again %d\n", open("excl.txt", O_CREAT | O_EXCL | O_WRONLY, 0600));
  return 0;
}
