-- Errors caught by pcall and xpcall, coroutines that yield, and an uncaught error: Lua raises errors and yields
-- with LUAI_THROW, which the C++ build of the interpreter (tests/lua_wasm.py) implements as C++ exceptions.
local ok, err = pcall(function() error("boom") end)
print(ok, err)
local failed, raised = pcall(error, {code = 7})
print(failed, type(raised), raised.code)
print(select(2, pcall(function() local t = nil; return t.x end)))
local co = coroutine.create(function(a) local b = coroutine.yield(a + 1); local c = coroutine.yield(b * 2); return c .. "!" end)
print(coroutine.resume(co, 1)); print(coroutine.resume(co, 10)); print(coroutine.resume(co, "end")); print(coroutine.resume(co))
local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * i) end end)
print(gen(), gen(), gen())
print(xpcall(function() error("deep") end, function(m) return "handled: " .. m end))
print(string.format("%d", 3.0), pcall(string.format, "%d", 3.5))
error("final")
