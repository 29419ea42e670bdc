"""WebAssembly input: the module model, the binary decoder and validator, and the text listing."""
