-- A little of everything the interpreter's C does: the VM, closures, tables and their resizing, strings and
-- patterns, string.format, integer and float arithmetic, metatables, a coroutine, goto, sorting, io.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local t = {}
for i = 1, 25 do t[#t + 1] = fib(i) end
print(table.concat(t, " "))

local words, counts = {}, {}
local text = "the quick brown fox jumps over the lazy dog; the dog sleeps, the fox runs"
for w in text:gmatch("%a+") do
  if not counts[w] then words[#words + 1] = w end
  counts[w] = (counts[w] or 0) + 1
end
table.sort(words, function(a, b) if counts[a] ~= counts[b] then return counts[a] > counts[b] end return a < b end)
for i, w in ipairs(words) do io.write(string.format("%-6s%2d%s", w, counts[w], i % 4 == 0 and "\n" or " | ")) end
print()
print(text:gsub("(%a+) (%a+)", "%2 %1"), ("x"):rep(5, "-"), ("Lua"):upper(), ("%d"):format(2 ^ 31 | 0))

print(7 // 2, 7.0 // 2, 7 % -3, -7 % 3, 2 ^ 0.5, math.maxinteger + 1 == math.mininteger, 1e308 * 10, -(0 / 0) ~= -(0 / 0))
print(string.format("%.14g %5.2f %x %q", math.pi, -1 / 3, 255, "a\nb\0c"), math.type(1), math.type(1.0), 3 | 5, ~0 >> 60)
print(tostring(1e15), tostring(2^53), 10 == 10.0, math.tointeger(3.0), #"\u{10FFFF}", utf8.char(72, 228, 8364))

local Vector = {}
Vector.__index = Vector
Vector.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, Vector) end
Vector.__tostring = function(v) return "(" .. v.x .. ", " .. v.y .. ")" end
local function vec(x, y) return setmetatable({x = x, y = y}, Vector) end
print(tostring(vec(1, 2) + vec(3.5, -4)), rawequal(Vector, getmetatable(vec(0, 0))))

local co = coroutine.wrap(function(a, b) return a * b, "returned" end)  -- a coroutine that does not yield
print(co(6, 7), coroutine.isyieldable(), coroutine.running())

local big = {}
for i = 1, 20000 do big[i] = i * 3 % 1001 end
table.sort(big)
local sum = 0
for _, v in ipairs(big) do sum = sum + v end
local keyed = {}
for i = 1, 5000 do keyed["k" .. i] = i end
local n = 0
for _ in pairs(keyed) do n = n + 1 end
print(big[1], big[#big], sum, n, select("#", table.unpack(big, 1, 200)))

local i = 1
::again::
i = i * 2
if i < 1000 then goto again end
print(i, ok, pcall(function() return "fine" end))
io.stderr:write("to stderr\n")
os.exit(3)
