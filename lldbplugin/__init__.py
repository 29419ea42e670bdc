"""The LLDB plugin: a thin adapter over ``emitter.debugcore``. Load it with
``command script import lldbplugin/jitdebug_lldb.py``."""
