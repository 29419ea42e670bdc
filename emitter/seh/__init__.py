"""Windows x64 structured exception handling: UNWIND_INFO lowering, run-time function tables."""
