/* Build configuration of the vendored Lua for wasm32-wasi, included before every source file (-include), in the
 * Wasm build and in the native build it is compared with, so both run the same program.
 *
 * The wasi-libc this project builds with has no setjmp/longjmp (they need the exception-handling lowering, whose
 * legacy form the reference engine does not run). Lua raises its errors with LUAI_THROW; here an error that
 * reaches LUAI_THROW ends the program with Lua's message, as an uncaught error would. Scripts run by the tests
 * raise no error caught by pcall and yield no coroutine (a yield is a throw too): an uncaught error prints
 * Lua's message (with lua.c's traceback) and exits 1. */
#ifndef LUA_WASI_H
#define LUA_WASI_H

#include <stdio.h>
#include <stdlib.h>

#define luai_jmpbuf int
#define LUAI_TRY(L, c, a) { a }
#define LUAI_THROW(L, c) lua_wasi_fatal(L, (c)->status)

struct lua_State;
const char *lua_tolstring(struct lua_State *L, int idx, size_t *len);

_Noreturn static inline void lua_wasi_fatal(struct lua_State *L, int status) {
  const char *message = lua_tolstring(L, -1, NULL);
  fprintf(stderr, "lua: unrecoverable error (status %d): %s\n", status, message ? message : "(no message)");
  exit(1);
}

/* os.tmpname, io.tmpfile and os.execute: WASI has no temporary files nor processes (both report failure, as Lua does when
 * the C library cannot). */
#define LUA_TMPNAMBUFSIZE 32
#define lua_tmpnam(b, e) { (b)[0] = '\0'; e = 1; }
#define l_system(cmd) ((cmd) == NULL ? 0 : -1)
#define tmpfile() ((FILE *)NULL)

/* Built as C++ (with -fwasm-exceptions and a C++ exception runtime), Lua raises its errors as C++ exceptions:
 * its own C++ defaults apply, and pcall and coroutines work. */
#ifdef __cplusplus
#undef luai_jmpbuf
#undef LUAI_TRY
#undef LUAI_THROW
#endif

#endif
