/* tmpdir.h -- temporary folders for the Check suites: made under $TMPDIR
 * (default /tmp) and removed with everything in them. */
#ifndef AP_TEST_TMPDIR_H
#define AP_TEST_TMPDIR_H
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Make a fresh folder named after `tag`; its path goes to buf.  Returns 0,
 * or -1 (errno set) when it cannot be made. */
static inline int ap_test_mkdtemp(char *buf, size_t n, const char *tag) {
  const char *base = getenv("TMPDIR");
  snprintf(buf, n, "%s/%s.XXXXXX", base && *base ? base : "/tmp", tag);
  return mkdtemp(buf) ? 0 : -1;
}

/* Remove a file or a folder and all it holds (links are not followed). */
static inline void ap_test_rm_rf(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return;
  if (!S_ISDIR(st.st_mode)) {
    unlink(path);
    return;
  }
  DIR *d = opendir(path);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      size_t len = strlen(path) + strlen(e->d_name) + 2;
      char *sub = malloc(len);
      if (!sub) break;
      snprintf(sub, len, "%s/%s", path, e->d_name);
      ap_test_rm_rf(sub);
      free(sub);
    }
    closedir(d);
  }
  rmdir(path);
}

/* A suite's folder: `tmpdir`, made by dir_setup() and removed with all
 * it holds by dir_teardown(), for tcase_add_unchecked_fixture (which runs
 * them in the parent, so the folder goes even when a test fails). */
#define AP_TEST_TMPDIR_FIXTURE(tag)                                  \
  static char tmpdir[PATH_MAX];                                      \
  static void dir_setup(void) {                                      \
    if (ap_test_mkdtemp(tmpdir, sizeof tmpdir, tag) != 0) {          \
      perror("mkdtemp");                                             \
      abort();                                                       \
    }                                                                \
  }                                                                  \
  static void dir_teardown(void) { ap_test_rm_rf(tmpdir); }
#endif
