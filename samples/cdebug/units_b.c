/* The second unit of units_a.c. */
struct pair { int a; int b; };
struct pair second = {30, 40};
int second_sum(void) {
    return second.a + second.b;
}
