"""DWARF encoders: call-frame information, line tables, debug info, and the GCC LSDA."""
