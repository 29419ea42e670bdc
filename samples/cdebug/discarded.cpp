// Functions the linker discards (only `used` is exported): `discarded_helper` is written nowhere in the
// translated DWARF; `unused` is discarded too but kept, because the unit-level `Box<Inner>` names its local
// type `Inner`.
template <class T> struct Box { T inner; int tag; };
struct Shared { int a; long b; };

static int discarded_helper(struct Shared *s, int n) {
  int total = 0;
  for (int i = 0; i < n; i++) total += s[i].a;
  return total;
}

int unused(int n) {
  struct Inner { int x; };
  static Box<Inner> box;
  box.inner.x = n;
  struct Shared s[2] = {{n, 1}, {2, 3}};
  return discarded_helper(s, 2) + box.inner.x;
}

extern "C" int used(int n) {
  struct Shared s = {n, 2};
  int doubled = s.a * 2;
  return doubled + (int)s.b;
}
