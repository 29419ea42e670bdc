/* The operating-system layer of this project's SQLite build (SQLITE_OS_OTHER=1): a VFS that opens no file.
 *
 * The test program keeps every database in memory (":memory:", SQLITE_TEMP_STORE=3), so SQLite never asks for a
 * file; what it does ask of the OS layer -- randomness, the time, sleeping -- is answered the same way on every
 * build: randomness is a fixed sequence and the clock is fixed, so the wasm32-wasi build and the native build
 * print the same output, run after run, and a debugger sees the same values in both. */

#include <string.h>

#include "sqlite3.h"

static int memvfs_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags) {
  (void)vfs; (void)name; (void)flags; (void)out_flags;
  file->pMethods = 0; /* SQLite must not close what was never opened */
  return SQLITE_CANTOPEN;
}

static int memvfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
  (void)vfs; (void)name; (void)sync_dir;
  return SQLITE_IOERR_DELETE;
}

static int memvfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *result) {
  (void)vfs; (void)name; (void)flags;
  *result = 0; /* no file exists */
  return SQLITE_OK;
}

static int memvfs_full_pathname(sqlite3_vfs *vfs, const char *name, int size, char *out) {
  (void)vfs;
  sqlite3_snprintf(size, out, "%s", name);
  return SQLITE_OK;
}

/* A fixed xorshift sequence: SQLite seeds its PRNG from here (random(), temporary names). */
static int memvfs_randomness(sqlite3_vfs *vfs, int size, char *out) {
  unsigned int state = 2463534242u;
  (void)vfs;
  for (int i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    out[i] = (char)(state & 0xff);
  }
  return size;
}

static int memvfs_sleep(sqlite3_vfs *vfs, int microseconds) {
  (void)vfs;
  return microseconds;
}

/* 2026-01-01 12:00:00 UTC as a Julian day number in milliseconds: 'now' is the same on every run. */
static int memvfs_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *now) {
  (void)vfs;
  *now = (sqlite3_int64)2461042 * 86400000;
  return SQLITE_OK;
}

static int memvfs_current_time(sqlite3_vfs *vfs, double *now) {
  sqlite3_int64 ms;
  memvfs_current_time_int64(vfs, &ms);
  *now = ms / 86400000.0;
  return SQLITE_OK;
}

static int memvfs_get_last_error(sqlite3_vfs *vfs, int size, char *out) {
  (void)vfs;
  if (size > 0) out[0] = 0;
  return 0;
}

static sqlite3_vfs memvfs = {
  2, sizeof(sqlite3_file), 512, 0, "memvfs", 0,
  memvfs_open, memvfs_delete, memvfs_access, memvfs_full_pathname,
  0, 0, 0, 0, /* no loadable extensions */
  memvfs_randomness, memvfs_sleep, memvfs_current_time, memvfs_get_last_error,
  memvfs_current_time_int64, 0, 0, 0,
};

int sqlite3_os_init(void) {
  return sqlite3_vfs_register(&memvfs, 1);
}

int sqlite3_os_end(void) {
  return SQLITE_OK;
}
