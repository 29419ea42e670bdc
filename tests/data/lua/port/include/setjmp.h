/* ldo.c includes <setjmp.h> unconditionally; the wasi-libc this project builds with has none, and lua_wasi.h
 * defines Lua's error handling without it. This empty header only satisfies that include. */
