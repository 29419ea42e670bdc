/* Functions returning aggregates by value: in Wasm's C ABI each is a void function writing its result through a
 * hidden pointer; `finish` out of each must show the value a native build shows (tests/test_cdebug_aggregate_returns.py). */
#include <stdio.h>

#ifdef __clang__
#define CALLED __attribute__((noinline))
#else
#define CALLED __attribute__((noipa))
#endif

struct two { int a, b; };
struct three { int a, b, c; };
struct pair_f { float x, y; };
struct pair_d { double x, y; };
struct mixed { int n; float f; double d; };
struct wide { long long a, b, c; };
struct big { int v[10]; };
struct inner { int s, t; };
struct nested { struct inner in; double d; };
struct chars { char c[3]; };
union either { int i; float f; double d; };
struct bits { unsigned a : 3, b : 5; int c; };
struct ld { long double x; };
struct padded { char c; int n; };

CALLED struct two make_two(int k) { struct two t = {k, 2 * k}; return t; }
CALLED struct three make_three(int k) { struct three t = {k, k + 1, k + 2}; return t; }
CALLED struct pair_f make_pair_f(float k) { struct pair_f t = {k, k / 2}; return t; }
CALLED struct pair_d make_pair_d(double k) { struct pair_d t = {k, k * 3}; return t; }
CALLED struct mixed make_mixed(int k) { struct mixed t = {k, k + 0.5f, k * 0.25}; return t; }
CALLED struct wide make_wide(long long k) { struct wide t = {k, k << 33, -k}; return t; }
CALLED struct big make_big(int k) {
  struct big t;
  for (int i = 0; i < 10; i++)
    t.v[i] = k + i;
  return t;
}
CALLED struct nested make_nested(int k) { struct nested t = {{k, k * 5}, k + 0.5}; return t; }
CALLED struct chars make_chars(int k) { struct chars t = {{'a', (char)('a' + k), 'z'}}; return t; }
CALLED union either make_either(int k) { union either u; u.d = k + 0.25; return u; }
CALLED struct bits make_bits(int k) { struct bits t = {k, k + 1, k + 2}; return t; }
CALLED struct ld make_ld(int k) { struct ld t = {k + 0.5L}; return t; }
CALLED struct padded make_padded(int k) { struct padded t = {'p', k}; return t; }

int main(void) {
  struct two a = make_two(7);
  struct three b = make_three(3);
  struct pair_f c = make_pair_f(3.0f);
  struct pair_d d = make_pair_d(1.5);
  struct mixed e = make_mixed(9);
  struct wide f = make_wide(5);
  struct big g = make_big(100);
  struct nested h = make_nested(4);
  struct chars i = make_chars(2);
  union either j = make_either(8);
  struct bits l = make_bits(1);
  struct ld m = make_ld(2);
  struct padded n = make_padded(6);
  printf("%d %d %g %g %g %lld %d %d %c %g %d %g %d\n", a.b, b.c, c.y, d.y, e.d, f.b, g.v[9], h.in.t, i.c[1], j.d,
         l.c, (double)m.x, n.n);
  return 0;
}
