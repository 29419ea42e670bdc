-- An error no handler catches: the interpreter's message on stderr, exit status 1.
local function deep(n) if n == 0 then error("deep trouble") end return deep(n - 1) end
print("before")
deep(10)
