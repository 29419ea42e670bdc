"""jitdebug: compile WebAssembly to x86-64 and describe it in the native tools' own formats."""
