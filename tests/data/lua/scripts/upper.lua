-- The script the debugger tests stop in: string.upper (lstrlib.c's str_upper) called from the Lua VM.
local greeting = "hello"
print(greeting:upper(), #greeting)
