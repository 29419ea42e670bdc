/* Two units sharing a type, for references across units (one unit names the other's DIEs). */
struct pair { int a; int b; };
struct pair first = {1, 2};
int second_sum(void);
int run(int n) {
    return first.a + first.b + n + second_sum(); /* @run */
}
