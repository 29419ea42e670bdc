/* The `main` of an AOT-compiled WASI command: `jitdebug compile prog.wasm -o prog.o`, then
 * `cc prog.o $(jitdebug runtime wasi --sources) -o prog` (or the static library) gives `./prog`, which behaves
 * like `wasmtime run prog.wasm`:
 *
 *     ./prog [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--argv0 NAME] [--] ARGS...
 *
 * Options are parsed up to the first argument that is not one of them (or `--`); the rest is the program's argv
 * after argv[0] (the executable's name unless --argv0 gives it). The program's `_start` (exported by the object
 * as `jitdebug_wasi_start`) runs; a reactor's `_initialize` (`jitdebug_wasi_initialize`) runs first if there is
 * one. `proc_exit` ends the process with its code; returning from `_start` exits 0. A trap prints wasmtime's
 * report (the Wasm backtrace, then the cause) on stderr and aborts, as the default trap hook does.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jitdebug_eh.h"
#include "jitdebug_wasi.h"

void jitdebug_wasi_start(void) __attribute__((weak));
void jitdebug_wasi_initialize(void) __attribute__((weak));

static _Noreturn void usage(const char *message, const char *argument) {
    fprintf(stderr, "error: %s%s%s\n", message, argument ? ": " : "", argument ? argument : "");
    exit(2);
}

/* Overrides the object's weak default: the traps of the WASI host functions carry their own causes. */
void jitdebug_trap(int32_t code) {
    static char report[16384];
    size_t length = jitdebug_trap_report(code, report, sizeof report);
    if (length >= sizeof report)
        length = sizeof report - 1;
    if (code == JITDEBUG_WASI_TRAP) {
        char *cause = strstr(report, "\nCaused by:\n");
        if (cause != NULL)
            cause[strlen("\nCaused by:\n")] = 0;
        fputs(report, stderr);
        const char *message = jitdebug_wasi_trap_message();
        int lines = 1;
        for (const char *p = message; *p; p++)
            lines += *p == '\n';
        int index = 0;
        for (const char *line = message; line != NULL; index++) {
            const char *end = strchr(line, '\n');
            int n = end ? (int)(end - line) : (int)strlen(line);
            if (lines > 1)
                fprintf(stderr, "    %d: %.*s\n", index, n, line);
            else
                fprintf(stderr, "    %.*s\n", n, line);
            line = end ? end + 1 : NULL;
        }
    } else {
        fwrite(report, 1, length, stderr);
    }
    fflush(stderr);
    abort();
}

int main(int argc, char **argv) {
    struct jitdebug_wasi *wasi = jitdebug_wasi_new(0);
    if (wasi == NULL)
        usage("out of memory", NULL);
    const char *argv0 = argv[0];
    const char **env = calloc((size_t)argc + 1, sizeof *env);
    int envc = 0, i = 1;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        if (strcmp(arg, "--") == 0) {
            i++;
            break;
        }
        static const char *const options[] = {"--dir", "--env", "--argv0"};
        const char *name = NULL;
        for (size_t k = 0; k < sizeof options / sizeof *options; k++) {
            size_t n = strlen(options[k]);
            if (strncmp(arg, options[k], n) == 0 && (arg[n] == 0 || arg[n] == '=')) {
                name = options[k];
                value = arg[n] == '=' ? arg + n + 1 : NULL;
            }
        }
        if (name == NULL)
            break; /* the program's first argument */
        if (value == NULL) {
            if (i + 1 >= argc)
                usage("missing value of", name);
            value = argv[++i];
        }
        {
            if (strcmp(name, "--argv0") == 0) {
                argv0 = value;
            } else if (strcmp(name, "--env") == 0) {
                if (strchr(value, '=') != NULL) {
                    env[envc++] = value;
                } else if (getenv(value) != NULL) {
                    char *pair = malloc(strlen(value) + strlen(getenv(value)) + 2);
                    sprintf(pair, "%s=%s", value, getenv(value));
                    env[envc++] = pair;
                }
            } else {
                char *host = strdup(value);
                char *separator = strstr(host, "::");
                const char *guest = host;
                if (separator != NULL) {
                    *separator = 0;
                    guest = separator + 2;
                }
                if (*host == 0 || *guest == 0)
                    usage("--dir expects HOST or HOST::GUEST", value);
                int error = jitdebug_wasi_preopen(wasi, host, guest);
                if (error)
                    usage("cannot preopen directory", host);
                free(host);
            }
            continue;
        }
        break;
    }
    const char **args = calloc((size_t)(argc - i) + 2, sizeof *args);
    args[0] = argv0;
    int count = 1;
    for (; i < argc; i++)
        args[count++] = argv[i];
    if (jitdebug_wasi_set_args(wasi, count, args) < 0 || jitdebug_wasi_set_env(wasi, envc, env) < 0)
        usage("out of memory", NULL);
    jitdebug_wasi_default = wasi;
    if (jitdebug_wasi_initialize)
        jitdebug_wasi_initialize();
    if (!jitdebug_wasi_start)
        usage("the module is not a WASI command (it exports no _start)", NULL);
    jitdebug_wasi_start();
    return 0;
}
