"""The format-neutral object model and its writers (ELF, COFF, PE)."""
