"""The GDB plugin: a thin adapter over ``emitter.debugcore``. Load it with ``source gdbplugin/jitdebug_gdb.py``."""
