/* Sandbox escape attempts: .. past the preopen, absolute paths, symlinks out (also as intermediate components), hard links out. */
#include <stdio.h>
#include <fcntl.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <dirent.h>
static void t(const char *what, int r) { printf("%-28s r=%d errno=%d (%s)\n", what, r, r < 0 ? errno : 0, r < 0 ? strerror(errno) : ""); errno = 0; }
int main(void) {
  t("open ../secret", open("../secret", O_RDONLY));
  t("open sub/../../secret", open("sub/../../secret", O_RDONLY));
  t("open /secret", open("/secret", O_RDONLY));
  t("open /etc/passwd", open("/etc/passwd", O_RDONLY));
  t("open out_link", open("out_link", O_RDONLY));
  t("open out_link/x (dir link)", open("out_dirlink/secret", O_RDONLY));
  t("open in_link", open("in_link", O_RDONLY));
  t("open abs_link", open("abs_link", O_RDONLY));
  t("create via out_dirlink", open("out_dirlink/new", O_CREAT|O_WRONLY, 0644));
  t("mkdir ../mk", mkdir("../mk", 0755));
  t("unlink ../secret", unlink("../secret"));
  t("rename to ..", rename("file", "../stolen"));
  t("link ../secret", link("../secret", "hl"));
  t("link file ../hl", link("file", "../hl"));
  t("symlink ../secret s", symlink("../secret", "s2"));
  t("open s2", open("s2", O_RDONLY));
  t("symlink /etc/passwd s3", symlink("/etc/passwd", "s3"));
  t("open s3", open("s3", O_RDONLY));
  struct stat st; t("stat ..", stat("..", &st)); t("stat ../secret", stat("../secret", &st));
  t("stat out_link", stat("out_link", &st)); t("lstat out_link", lstat("out_link", &st));
  t("opendir ..", opendir("..") ? 0 : -1);
  t("open .", open(".", O_RDONLY));
  t("open sub/..", open("sub/..", O_RDONLY));
  t("open nothing", open("nothing", O_RDONLY));
  t("open file O_DIRECTORY", open("file", O_RDONLY|O_DIRECTORY));
  t("open file/", open("file/", O_RDONLY));
  t("open sub O_WRONLY", open("sub", O_WRONLY));
  t("open file O_EXCL", open("file", O_CREAT|O_EXCL|O_WRONLY, 0644));
  t("rmdir sub (nonempty)", rmdir("sub"));
  t("unlink sub", unlink("sub"));
  t("rmdir file", rmdir("file"));
  char buf[64]; ssize_t n = readlink("out_link", buf, sizeof buf); t("readlink out_link", (int)n); if (n > 0) printf("  -> %.*s\n", (int)n, buf);
  t("chdir-less open ./file", open("./file", O_RDONLY));
  t("open sub//x", open("sub//x", O_RDONLY));
  t("open loop", open("loop", O_RDONLY));
  return 0;
}
